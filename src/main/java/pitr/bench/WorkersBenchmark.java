package pitr.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import pitr.local.LocalDynamoDbAsyncClient;
import pitr.local.LocalEngine;
import pitr.local.http.LocalServer;
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
 * How a copy-back divides across worker processes on this machine: the same copy over HTTP from the
 * embedded engine by one {@code pitr copy-back} process, then by N processes started together with
 * {@code --worker I/N} and one run id, round after round. Each round's items/s is the items over
 * the wall time from starting the processes to the last one's end (JVM start-up included, as an
 * operator sees it), and over the longest copy phase the processes report.
 */
public final class WorkersBenchmark {
  static final String SOURCE = "bench-workers-source";

  /**
   * What to run.
   *
   * @param items items in the source
   * @param payloadBytes bytes of each item's payload
   * @param workers workers of the split run
   * @param segments parallel-scan segments of every run
   * @param rounds rounds of each
   * @param childHeap each process's -Xmx
   * @param workDir where state and logs go
   */
  public record Options(
      int items,
      int payloadBytes,
      int workers,
      int segments,
      int rounds,
      String childHeap,
      Path workDir) {}

  /**
   * Medians of the rounds, items per second.
   *
   * @param oneWall one process, wall time
   * @param oneCopy one process, copy phase
   * @param manyWall N processes, wall time
   * @param manyCopy N processes, longest copy phase
   */
  public record Result(
      Options options, double oneWall, double oneCopy, double manyWall, double manyCopy) {}

  private final Consumer<String> progress;
  private final Class<?> commandLine;

  /**
   * @param progress receives one line per round
   * @param commandLine the class whose {@code main} runs {@code pitr} in a child JVM
   */
  public WorkersBenchmark(Consumer<String> progress, Class<?> commandLine) {
    this.progress = progress;
    this.commandLine = commandLine;
  }

  public Result run(Options o) {
    List<Double> oneWall = new ArrayList<>();
    List<Double> oneCopy = new ArrayList<>();
    List<Double> manyWall = new ArrayList<>();
    List<Double> manyCopy = new ArrayList<>();
    try (LocalEngine engine = LocalEngine.create();
        LocalServer server = LocalServer.start(engine, "127.0.0.1", 0)) {
      DynamoDbAsyncClient client = LocalDynamoDbAsyncClient.create(engine);
      createTable(client, SOURCE);
      progress.accept(String.format("loading %,d items", o.items()));
      load(client, o);
      String endpoint = server.endpoint().toString();
      for (int round = 1; round <= o.rounds(); round++) {
        double[] one = copy(client, endpoint, o, 1, "one-" + round);
        double[] many = copy(client, endpoint, o, o.workers(), "many-" + round);
        oneWall.add(one[0]);
        oneCopy.add(one[1]);
        manyWall.add(many[0]);
        manyCopy.add(many[1]);
        progress.accept(
            String.format(
                "round %d: 1 worker %,.0f items/s (copy phase %,.0f), %d workers %,.0f items/s"
                    + " (copy phase %,.0f)",
                round, one[0], one[1], o.workers(), many[0], many[1]));
      }
    }
    return new Result(
        o,
        CopyBackBenchmark.median(oneWall),
        CopyBackBenchmark.median(oneCopy),
        CopyBackBenchmark.median(manyWall),
        CopyBackBenchmark.median(manyCopy));
  }

  /** One copy by {@code workers} processes: items/s over wall time and over the longest copy. */
  private double[] copy(
      DynamoDbAsyncClient client, String endpoint, Options o, int workers, String runId) {
    String target = "bench-workers-" + runId;
    createTable(client, target);
    List<Process> processes = new ArrayList<>();
    long start = System.nanoTime();
    try {
      for (int i = 1; i <= workers; i++) {
        List<String> command =
            new ArrayList<>(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx" + o.childHeap(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    commandLine.getName(),
                    "--endpoint-url",
                    endpoint,
                    "--output",
                    "json",
                    "copy-back",
                    "--from",
                    SOURCE,
                    "--to",
                    target,
                    "--segments",
                    Integer.toString(o.segments()),
                    "--state-dir",
                    o.workDir().resolve("state").toString(),
                    "--run-id",
                    runId,
                    "--worker",
                    i + "/" + workers,
                    // Uncapped: the command's default cap (1,000 WCU/s per worker, for live
                    // tables) would measure the cap, not the workers.
                    "--max-wcu",
                    "0",
                    "--yes"));
        processes.add(
            new ProcessBuilder(command)
                .redirectError(o.workDir().resolve(runId + "-" + i + ".log").toFile())
                .start());
      }
      long written = 0;
      double longest = 0;
      for (Process p : processes) {
        p.getOutputStream().close();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
          throw new IllegalStateException(
              "a worker of " + runId + " failed; see " + o.workDir() + "/" + runId + "-*.log");
        }
        int at = stdout.startsWith("{") ? 0 : stdout.lastIndexOf("\n{") + 1;
        JsonNode out = new ObjectMapper().readTree(stdout.substring(at));
        written += out.path("itemsWritten").asLong();
        longest = Math.max(longest, out.path("elapsed").asDouble());
      }
      double wall = (System.nanoTime() - start) / 1e9;
      if (written != o.items()) {
        throw new IllegalStateException(runId + " wrote " + written + " items, not " + o.items());
      }
      return new double[] {written / wall, written / longest};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      processes.forEach(Process::destroyForcibly);
      client.deleteTable(r -> r.tableName(target)).join();
    }
  }

  private static void load(DynamoDbAsyncClient client, Options o) {
    String payload = "x".repeat(o.payloadBytes());
    Flux.range(0, (o.items() + 24) / 25)
        .map(
            b -> {
              List<WriteRequest> requests = new ArrayList<>(25);
              for (int i = b * 25; i < Math.min(o.items(), b * 25 + 25); i++) {
                Map<String, AttributeValue> item = CopyBackBenchmark.item(i, payload);
                requests.add(
                    WriteRequest.builder()
                        .putRequest(PutRequest.builder().item(item).build())
                        .build());
              }
              return requests;
            })
        .concatMap(
            requests ->
                Mono.fromFuture(
                    () -> client.batchWriteItem(r -> r.requestItems(Map.of(SOURCE, requests)))))
        .blockLast();
  }

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
}
