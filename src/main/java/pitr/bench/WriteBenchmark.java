package pitr.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Measures BatchWriteItem of 25 items per call through the SDK async client: batches and items per
 * second with a fixed number of requests in flight. Targets are measured in interleaved rounds so
 * that a noisy machine affects them alike; each figure reported is the median of its rounds.
 */
public final class WriteBenchmark {
  /** A DynamoDB endpoint under test and the client that reaches it. */
  public record Target(String name, DynamoDbAsyncClient client) {}

  /** One measured configuration. */
  public record Case(String itemSize, int payloadBytes, int inFlight) {}

  /**
   * The median of one target's rounds for one case.
   *
   * @param batchesPerSecond BatchWriteItem calls completed per second
   * @param itemsPerSecond items written per second (unprocessed items not counted)
   * @param roundItemsPerSecond items per second of each round, in order, so that two targets can be
   *     compared round by round
   * @param roundCpuMicrosPerItem this process's CPU time (all threads: client, server, engine) per
   *     item written, of each round, in order
   */
  public record Result(
      String target,
      Case benchCase,
      double batchesPerSecond,
      double itemsPerSecond,
      List<Double> roundItemsPerSecond,
      List<Double> roundCpuMicrosPerItem) {}

  private final Duration runTime;
  private final int rounds;

  public WriteBenchmark(Duration runTime, int rounds) {
    this.runTime = runTime;
    this.rounds = rounds;
  }

  /** The cases the README reports: small and 1 KB items, 1 and 8 requests in flight. */
  public static List<Case> standardCases() {
    return List.of(
        new Case("small (~60 B)", 16, 1),
        new Case("small (~60 B)", 16, 8),
        new Case("1 KB", 1000, 1),
        new Case("1 KB", 1000, 8));
  }

  /** Runs every case against every target, {@code rounds} times interleaved, after one warm-up. */
  public List<Result> run(List<Target> targets, List<Case> cases) {
    Map<String, List<Double>> batches = new LinkedHashMap<>();
    Map<String, List<Double>> items = new HashMap<>();
    Map<String, List<Double>> cpu = new HashMap<>();
    for (int round = -1; round < rounds; round++) {
      for (Case c : cases) {
        for (Target t : targets) {
          // Every run starts from an empty table, so a faster target is not slowed by holding
          // more items than a slower one.
          createTable(t.client);
          double[] r = measure(t.client, c);
          if (round >= 0) {
            String k = t.name + "\u0000" + c;
            batches.computeIfAbsent(k, x -> new ArrayList<>()).add(r[0]);
            items.computeIfAbsent(k, x -> new ArrayList<>()).add(r[1]);
            cpu.computeIfAbsent(k, x -> new ArrayList<>()).add(r[2]);
          }
        }
      }
    }
    List<Result> out = new ArrayList<>();
    for (Case c : cases) {
      for (Target t : targets) {
        String k = t.name + "\u0000" + c;
        out.add(
            new Result(
                t.name,
                c,
                median(batches.get(k)),
                median(items.get(k)),
                List.copyOf(items.get(k)),
                List.copyOf(cpu.get(k))));
      }
    }
    return out;
  }

  static final String TABLE = "bench-writes";

  private static void createTable(DynamoDbAsyncClient client) {
    try {
      client.deleteTable(r -> r.tableName(TABLE)).join();
    } catch (RuntimeException e) {
      // Absent already: nothing to clear.
    }
    try (var waiter = client.waiter()) {
      waiter.waitUntilTableNotExists(r -> r.tableName(TABLE)).join();
    }
    client
        .createTable(
            r ->
                r.tableName(TABLE)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                        a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
                    .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH)))
        .join();
    try (var waiter = client.waiter()) {
      waiter.waitUntilTableExists(r -> r.tableName(TABLE)).join();
    }
  }

  private final AtomicLong keys = new AtomicLong();

  private List<WriteRequest> batch(int payloadBytes) {
    String payload = "x".repeat(payloadBytes);
    List<WriteRequest> out = new ArrayList<>(25);
    for (int i = 0; i < 25; i++) {
      Map<String, AttributeValue> item = new HashMap<>();
      item.put("pk", AttributeValue.fromS("item-" + keys.incrementAndGet()));
      item.put("n", AttributeValue.fromN(Integer.toString(i)));
      item.put("payload", AttributeValue.fromS(payload));
      out.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
    }
    return out;
  }

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean)
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();

  /** Returns {batches/s, items/s, process CPU µs per item} for one run of {@link #runTime}. */
  private double[] measure(DynamoDbAsyncClient client, Case c) {
    // Requests are built before the clock starts, so the figure is the endpoint's, not ours.
    int prepared = 4096;
    List<List<WriteRequest>> requests = new ArrayList<>(prepared);
    for (int i = 0; i < prepared; i++) {
      requests.add(batch(c.payloadBytes()));
    }
    AtomicLong written = new AtomicLong();
    long cpuStart = OS.getProcessCpuTime();
    long start = System.nanoTime();
    long deadline = start + runTime.toNanos();
    long batches =
        Flux.range(0, Integer.MAX_VALUE)
            .takeWhile(i -> System.nanoTime() < deadline)
            .flatMap(
                i -> {
                  List<WriteRequest> reqs = requests.get(i % prepared);
                  return Mono.fromFuture(
                          () -> client.batchWriteItem(r -> r.requestItems(Map.of(TABLE, reqs))))
                      .doOnNext(
                          resp ->
                              written.addAndGet(
                                  reqs.size()
                                      - resp.unprocessedItems()
                                          .getOrDefault(TABLE, List.of())
                                          .size()));
                },
                c.inFlight())
            .count()
            .block();
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuMicros = (OS.getProcessCpuTime() - cpuStart) / 1e3;
    return new double[] {
      batches / seconds, written.get() / seconds, cpuMicros / Math.max(1, written.get())
    };
  }

  /** The median of {@code values}. */
  public static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
