package pitr.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import pitr.copy.CopyBack;
import pitr.copy.CopyRequest;
import pitr.copy.CopyResult;
import pitr.copy.FileCheckpoints;
import pitr.dynamo.DynamoDbGateway;
import pitr.local.LocalDynamoDbAsyncClient;
import pitr.local.LocalEngine;
import pitr.local.http.LocalServer;
import pitr.metrics.CopyMeters;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The copy-back benchmarks the README reports, all on one embedded engine in one run:
 *
 * <ol>
 *   <li><b>Pipeline cost</b>: copy-back of every item of a source table with no rate limit, against
 *       the engine's raw BatchWriteItem throughput for the same items, same client, same requests
 *       in flight; rounds interleaved, medians reported.
 *   <li><b>Rate accuracy</b> ({@link RateBenchmark}): a copy capped at {@code --max-wcu}, sampled
 *       every second for a fixed time: its first five seconds and the whole run against the cap,
 *       the worst five-second window and the per-second deviation; then copies with 10% of requests
 *       throttled by the engine, uncapped and capped.
 *   <li><b>Over HTTP</b>: the real {@code pitr copy-back} in a child JVM with a small heap, side by
 *       side with a peer (a boto3 script with parallel scan and {@code batch_writer}) doing the
 *       same copy against the same server; the child reports its peak heap.
 * </ol>
 */
public final class CopyBackBenchmark {
  /** Warm-up rounds at most, while each grows the heap. */
  private static final int MAX_WARMUPS = 5;

  static final String SOURCE = "bench-source";

  /**
   * What to run.
   *
   * @param items items in the source table
   * @param payloadBytes bytes of the payload attribute (the item is about this plus 30 bytes)
   * @param rounds interleaved rounds of the pipeline-cost comparison
   * @param httpRounds interleaved rounds of the HTTP comparison
   * @param concurrency batches in flight, for the raw writes and the copy alike
   * @param rateWcu the cap of the rate-accuracy run; 0 skips it
   * @param rateRcu the scan's cap of the read-rate-accuracy run; 0 skips it
   * @param rateTime how long the rate-accuracy run lasts
   * @param childHeap the {@code -Xmx} of the child JVM running {@code pitr copy-back}; null skips
   *     the HTTP comparison
   * @param peerScript the boto3 peer script; null runs pitr's side only
   * @param segments parallel-scan segments of every copy (and write streams of the raw writes)
   * @param workDir where run state and the child's files go
   */
  public record Options(
      int items,
      int payloadBytes,
      int rounds,
      int httpRounds,
      int concurrency,
      double rateWcu,
      double rateRcu,
      Duration rateTime,
      String childHeap,
      Path peerScript,
      int segments,
      Path workDir) {}

  /** Medians of the pipeline-cost rounds. */
  public record Pipeline(double rawItemsPerSecond, double copyItemsPerSecond, double ratio) {}

  /**
   * The HTTP comparison (medians).
   *
   * @param pitrItemsPerSecond {@code pitr copy-back} in the child JVM
   * @param peerItemsPerSecond the boto3 peer; NaN when it did not run
   * @param peakHeapMb the child JVM's peak heap use (before any collection, over the run)
   * @param liveHeapMb the most heap a collection left in use in the child: an upper bound of what
   *     it holds, since a young collection leaves the old generation's garbage in place
   * @param gcShare the child's time in garbage collection as a share of the copy's time (median)
   * @param childHeap its {@code -Xmx}
   */
  public record Http(
      double pitrItemsPerSecond,
      double peerItemsPerSecond,
      long peakHeapMb,
      long liveHeapMb,
      double gcShare,
      String childHeap) {}

  /**
   * The rate-accuracy run.
   *
   * @param cap the {@code --max-wcu} asked for
   * @param achieved WCU consumed per second over the whole run
   * @param firstFive WCU consumed per second over the run's first five seconds
   * @param worstWindow the largest |WCU/s - cap| / cap over the run's five-second windows
   * @param seconds how many one-second samples were taken
   * @param p50Deviation median of |second's WCU - cap| / cap
   * @param p99Deviation 99th percentile of the same
   * @param maxDeviation largest of the same
   */
  public record Rate(
      double cap,
      double achieved,
      double firstFive,
      double worstWindow,
      int seconds,
      double p50Deviation,
      double p99Deviation,
      double maxDeviation) {}

  /**
   * Copies with 10% of requests throttled by the engine, each for at most the rate run's time.
   *
   * @param uncappedItemsPerSecond with no cap
   * @param cappedItemsPerSecond at the rate run's cap
   * @param cap that cap
   */
  public record Throttled(double uncappedItemsPerSecond, double cappedItemsPerSecond, double cap) {}

  /** Everything measured; parts not run are null. */
  public record Result(
      Options options,
      Pipeline pipeline,
      Rate rate,
      Rate readRate,
      Throttled throttled,
      Http http) {}

  private final Consumer<String> progress;
  private final Class<?> commandLine;

  /**
   * A benchmark reporting each step to {@code progress}.
   *
   * @param commandLine the main class of the pitr command line, which the HTTP comparison runs in a
   *     child JVM (under {@link HeapWatch}) as {@code pitr copy-back}
   */
  public CopyBackBenchmark(Consumer<String> progress, Class<?> commandLine) {
    this.progress = progress;
    this.commandLine = commandLine;
  }

  public Result run(Options o) {
    BenchHeap.keepCommitted();
    try (LocalEngine engine = LocalEngine.create()) {
      DynamoDbAsyncClient client = LocalDynamoDbAsyncClient.create(engine);
      createTable(client, SOURCE);
      progress.accept(String.format("loading %,d items of ~%,d bytes", o.items(), itemBytes(o)));
      load(client, SOURCE, o);
      Pipeline pipeline = pipeline(client, o);
      RateBenchmark rates =
          new RateBenchmark(
              progress,
              (target, maxWcu, maxRcu, runId, meters) ->
                  copy(client, o, target, maxWcu, maxRcu, runId, meters),
              engine,
              table -> createTable(client, table),
              table -> deleteTable(client, table));
      Rate rate = null;
      Throttled throttled = null;
      if (o.rateWcu() > 0) {
        rate = rates.rate(o.rateWcu(), o.rateTime(), o.items());
        throttled = rates.throttled(o.rateWcu(), o.rateTime());
      }
      Rate readRate =
          o.rateRcu() > 0
              ? rates.readRate(o.rateRcu(), o.rateTime(), o.items(), scanUnitsPerItem(o))
              : null;
      Http http = o.childHeap() != null ? http(engine, o) : null;
      return new Result(o, pipeline, rate, readRate, throttled, http);
    }
  }

  // Pipeline cost ------------------------------------------------------------------------------

  private Pipeline pipeline(DynamoDbAsyncClient client, Options o) {
    List<List<List<Map<String, AttributeValue>>>> batches = prepared(client, o.segments());
    // Uncounted warm-up rounds: the first warms the JIT up for both paths; more run while the
    // last one grew the committed heap, up to MAX_WARMUPS, since a round that grows it pays the
    // first touch of the new pages (BenchHeap).
    long heap = BenchHeap.committed();
    for (int w = 1; w <= MAX_WARMUPS; w++) {
      pipelineRound(client, o, batches, "warm-up " + w, "pipeline-w" + w);
      long grown = BenchHeap.committed();
      if (grown == heap) {
        break;
      }
      heap = grown;
    }
    List<Double> raw = new ArrayList<>();
    List<Double> copy = new ArrayList<>();
    List<Double> ratios = new ArrayList<>();
    for (int round = 1; round <= o.rounds(); round++) {
      double[] rc = pipelineRound(client, o, batches, "round " + round, "pipeline-" + round);
      raw.add(rc[0]);
      copy.add(rc[1]);
      ratios.add(rc[1] / rc[0]);
    }
    return new Pipeline(median(raw), median(copy), median(ratios));
  }

  /** One round of raw writes then copy-back into fresh tables: items/s of each. */
  private double[] pipelineRound(
      DynamoDbAsyncClient client,
      Options o,
      List<List<List<Map<String, AttributeValue>>>> batches,
      String label,
      String runId) {
    createTable(client, "bench-raw");
    double r = rawWrite(client, "bench-raw", batches, o.concurrency());
    deleteTable(client, "bench-raw");
    createTable(client, "bench-copy");
    CopyResult result = copy(client, o, "bench-copy", 0, 0, runId, null).block();
    deleteTable(client, "bench-copy");
    check(result, o.items());
    double c = result.itemsWritten() / seconds(result.elapsed());
    progress.accept(
        String.format(
            "%s: raw BatchWriteItem %,.0f items/s, copy-back %,.0f items/s (%.2f), heap %,d MB",
            label, r, c, c / r, BenchHeap.committed() >> 20));
    return new double[] {r, c};
  }

  /** Writes {@code o.items()} generated items with BatchWriteItem, 25 a call. */
  private static void load(DynamoDbAsyncClient client, String table, Options o) {
    String payload = "x".repeat(o.payloadBytes());
    int batches = (o.items() + 24) / 25;
    Flux.range(0, batches)
        .map(
            b -> {
              List<WriteRequest> requests = new ArrayList<>(25);
              for (int i = b * 25; i < Math.min(o.items(), b * 25 + 25); i++) {
                requests.add(put(item(i, payload)));
              }
              return requests;
            })
        .flatMap(requests -> batchWrite(client, table, requests), o.concurrency())
        .blockLast();
  }

  /**
   * The source's items in groups of 25, per parallel-scan segment, read before any clock starts:
   * the raw writes send the very item images the copy reads, in the same order, so both pay the
   * engine the same per item.
   */
  private static List<List<List<Map<String, AttributeValue>>>> prepared(
      DynamoDbAsyncClient client, int segments) {
    List<List<List<Map<String, AttributeValue>>>> out = new ArrayList<>();
    for (int segment = 0; segment < segments; segment++) {
      List<List<Map<String, AttributeValue>>> batches = new ArrayList<>();
      List<Map<String, AttributeValue>> batch = new ArrayList<>(25);
      Map<String, AttributeValue> from = null;
      do {
        Map<String, AttributeValue> start = from;
        int s = segment;
        var page =
            client
                .scan(
                    r ->
                        r.tableName(SOURCE)
                            .segment(s)
                            .totalSegments(segments)
                            .exclusiveStartKey(start))
                .join();
        for (Map<String, AttributeValue> item : page.items()) {
          batch.add(item);
          if (batch.size() == 25) {
            batches.add(batch);
            batch = new ArrayList<>(25);
          }
        }
        from =
            page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                ? page.lastEvaluatedKey()
                : null;
      } while (from != null);
      if (!batch.isEmpty()) {
        batches.add(batch);
      }
      out.add(batches);
    }
    return out;
  }

  /**
   * BatchWriteItem of items already in memory, shaped as the copy shapes its writes (one stream per
   * segment, {@code concurrency} calls in flight in all); returns items/s. The clock covers what
   * any writer of those items pays: building the requests and the calls.
   */
  private static double rawWrite(
      DynamoDbAsyncClient client,
      String table,
      List<List<List<Map<String, AttributeValue>>>> segments,
      int concurrency) {
    int parallel = Math.max(1, Math.min(segments.size(), concurrency));
    int perSegment = Math.max(1, (concurrency + parallel - 1) / parallel);
    AtomicLong written = new AtomicLong();
    long start = System.nanoTime();
    Flux.fromIterable(segments)
        .flatMap(
            batches ->
                Flux.fromIterable(batches)
                    .map(items -> items.stream().map(CopyBackBenchmark::put).toList())
                    .flatMap(
                        requests ->
                            batchWrite(client, table, requests).doOnNext(written::addAndGet),
                        perSegment),
            parallel)
        .blockLast();
    return written.get() / ((System.nanoTime() - start) / 1e9);
  }

  private static Mono<Integer> batchWrite(
      DynamoDbAsyncClient client, String table, List<WriteRequest> requests) {
    return Mono.fromFuture(
            () ->
                client.batchWriteItem(
                    r ->
                        r.requestItems(Map.of(table, requests))
                            .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)))
        .map(
            resp -> {
              if (!resp.unprocessedItems().isEmpty()) {
                throw new IllegalStateException(
                    "the engine left items unprocessed; the benchmark needs an on-demand table"
                        + " without a ceiling");
              }
              return requests.size();
            });
  }

  private static WriteRequest put(Map<String, AttributeValue> item) {
    return WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build();
  }

  static Map<String, AttributeValue> item(int i, String payload) {
    Map<String, AttributeValue> item = new HashMap<>(4);
    item.put("pk", AttributeValue.fromS(String.format("item-%08d", i)));
    item.put("n", AttributeValue.fromN(Integer.toString(i % 1000)));
    item.put("payload", AttributeValue.fromS(payload));
    return item;
  }

  private static int itemBytes(Options o) {
    return (int) pitr.dynamo.ItemSizes.size(item(0, "x".repeat(o.payloadBytes())));
  }

  /** Read units a scan (eventually consistent: half a unit per 4 KB) spends per item. */
  private static double scanUnitsPerItem(Options o) {
    return itemBytes(o) / 8192.0;
  }

  private Mono<CopyResult> copy(
      DynamoDbAsyncClient client,
      Options o,
      String target,
      double maxWcu,
      double maxRcu,
      String runId,
      CopyMeters meters) {
    DynamoDbGateway gateway = DynamoDbGateway.create(client, "the embedded engine");
    CopyBack copy =
        CopyBack.create(
            gateway,
            FileCheckpoints.in(o.workDir()),
            meters == null ? CopyMeters.inMemory() : meters,
            Clock.systemUTC());
    return copy.run(
        CopyRequest.of(SOURCE, target, runId, o.workDir().resolve(runId + "-failures.jsonl"))
            .toBuilder()
            .throughput(new CopyRequest.Throughput(o.segments(), o.concurrency(), maxWcu, maxRcu))
            .build());
  }

  // HTTP ---------------------------------------------------------------------------------------

  private Http http(LocalEngine engine, Options o) {
    List<Double> pitr = new ArrayList<>();
    List<Double> peer = new ArrayList<>();
    long peak = 0;
    long live = 0;
    List<Double> gc = new ArrayList<>();
    DynamoDbAsyncClient client = LocalDynamoDbAsyncClient.create(engine);
    try (LocalServer server = LocalServer.start(engine, "127.0.0.1", 0)) {
      String endpoint = server.endpoint().toString();
      for (int round = 1; round <= o.httpRounds(); round++) {
        createTable(client, "bench-http-pitr");
        ChildRun child = pitrChild(endpoint, o, round);
        deleteTable(client, "bench-http-pitr");
        pitr.add(child.itemsPerSecond);
        peak = Math.max(peak, child.peakHeapBytes);
        live = Math.max(live, child.liveHeapBytes);
        gc.add(child.gcShare);
        String line =
            String.format(
                "round %d over HTTP: pitr copy-back %,.0f items/s (-Xmx%s, heap peak %,d MB,"
                    + " after GC %,d MB, GC %.1f%%)",
                round,
                child.itemsPerSecond,
                o.childHeap(),
                child.peakHeapBytes >> 20,
                child.liveHeapBytes >> 20,
                child.gcShare * 100);
        if (o.peerScript() != null) {
          createTable(client, "bench-http-peer");
          double p = peer(endpoint, o);
          deleteTable(client, "bench-http-peer");
          peer.add(p);
          line += String.format(", boto3 %,.0f items/s", p);
        }
        progress.accept(line);
      }
    }
    return new Http(
        median(pitr),
        peer.isEmpty() ? Double.NaN : median(peer),
        peak >> 20,
        live >> 20,
        median(gc),
        o.childHeap());
  }

  private record ChildRun(
      double itemsPerSecond, long peakHeapBytes, long liveHeapBytes, double gcShare) {}

  private ChildRun pitrChild(String endpoint, Options o, int round) {
    Path heapFile = o.workDir().resolve("heap-" + round + ".txt");
    List<String> command = new ArrayList<>(List.of(javaBin(), "-Xmx" + o.childHeap()));
    String extra = System.getenv("PITR_BENCH_CHILD_OPTS");
    if (extra != null && !extra.isBlank()) {
      command.addAll(List.of(extra.trim().split("\\s+")));
    }
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "-D" + HeapWatch.OUT_PROPERTY + "=" + heapFile,
            HeapWatch.class.getName(),
            commandLine.getName(),
            "--endpoint-url",
            endpoint,
            "--output",
            "json",
            "copy-back",
            "--from",
            SOURCE,
            "--to",
            "bench-http-pitr",
            "--segments",
            Integer.toString(o.segments()),
            "--concurrency",
            Integer.toString(o.concurrency()),
            "--state-dir",
            o.workDir().resolve("state").toString(),
            "--run-id",
            "http-" + round,
            // Uncapped, as the boto3 peer is: the command's default cap (1,000 WCU/s, for live
            // tables) would measure the cap, not the copy.
            "--max-wcu",
            "0"));
    JsonNode out = runJson(command, o.workDir().resolve("child-" + round + ".log"));
    long written = out.path("itemsWritten").asLong();
    if (written != o.items()) {
      throw new IllegalStateException(
          "pitr copy-back over HTTP wrote " + written + " items, not " + o.items());
    }
    double seconds = out.path("elapsed").asDouble();
    try {
      String[] heap = Files.readString(heapFile).trim().split(" ");
      return new ChildRun(
          written / seconds,
          Long.parseLong(heap[0]),
          Long.parseLong(heap[1]),
          Long.parseLong(heap[2]) / 1000.0 / seconds);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private double peer(String endpoint, Options o) {
    List<String> command =
        List.of(
            "python3",
            o.peerScript().toString(),
            "--endpoint-url",
            endpoint,
            "--source",
            SOURCE,
            "--target",
            "bench-http-peer",
            "--segments",
            Integer.toString(o.segments()));
    JsonNode out = runJson(command, o.workDir().resolve("peer.log"));
    long items = out.path("items").asLong();
    if (items != o.items()) {
      throw new IllegalStateException(
          "the boto3 peer copied " + items + " items, not " + o.items());
    }
    return items / out.path("seconds").asDouble();
  }

  private static JsonNode runJson(List<String> command, Path log) {
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.to(log.toFile()))
              .start();
      p.getOutputStream().close();
      String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int code = p.waitFor();
      if (code != 0) {
        throw new IllegalStateException(
            command.get(0)
                + " exited with "
                + code
                + "; see "
                + log
                + ":\n"
                + Files.readString(log));
      }
      // The JSON document is the last thing printed; JVM options may print lines before it.
      int start = stdout.startsWith("{") ? 0 : stdout.lastIndexOf("\n{") + 1;
      return new ObjectMapper().readTree(stdout.substring(start));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  // Helpers ------------------------------------------------------------------------------------

  private static void createTable(DynamoDbAsyncClient client, String table) {
    client
        .createTable(
            r ->
                r.tableName(table)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                        a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
                    .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH)))
        .join();
  }

  private static void deleteTable(DynamoDbAsyncClient client, String table) {
    client.deleteTable(r -> r.tableName(table)).join();
    // Let the dropped table's items go before the next timed part.
    System.gc();
  }

  private static void check(CopyResult r, long items) {
    if (r.itemsWritten() != items || r.itemsFailed() != 0) {
      throw new IllegalStateException(
          "copy-back wrote " + r.itemsWritten() + " of " + items + " items");
    }
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  static double median(List<Double> values) {
    List<Double> v = new ArrayList<>(values);
    Collections.sort(v);
    int n = v.size();
    return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
  }

  /** Nearest-rank percentile of sorted values. */
  static double percentile(List<Double> sorted, double p) {
    int rank = (int) Math.ceil(p * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size(), rank) - 1));
  }
}
