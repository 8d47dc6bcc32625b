package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.dynamo.LocalTarget;
import pitr.local.EngineConfig;
import pitr.local.Faults;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The crash-and-fault suite: real pitr processes killed with SIGKILL at random points chosen by a
 * seed, under the engine's fault injection (throttling, HTTP 500s, latency, dropped connections),
 * then resumed; every item is compared with what an uninterrupted run gives. Copy-back, rollback
 * apply, migrations (resume and rollback after a kill) and the engine's own {@code --data-dir}
 * store are each tried {@code chaos.trials} times (default 2, as CI runs it; before a release run
 * {@code mvn verify -Dtest=CrashAndFaultTest -Dchaos.trials=100}).
 *
 * <p>The seed is printed first; {@code -Dchaos.seed=N} replays a run. Each trial's figures (killed
 * after how many items, resumes, identical, lost) go to {@code target/chaos/summary.txt}.
 */
@Tag("chaos")
class CrashAndFaultTest {
  static final long SEED =
      Long.getLong("chaos.seed", new SecureRandom().nextLong() & Long.MAX_VALUE);
  static final int TRIALS = Integer.getInteger("chaos.trials", 2);
  private static final int COPY_ITEMS = 2000;
  private static final int COUNTERS = 300;
  private static final Faults FAULTS =
      new Faults(0.08, 0.03, 0.1, Duration.ofMillis(5), 0.01, SEED);

  private static LocalTarget local;
  private static final List<String> summary = new ArrayList<>();

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    System.out.printf(
        "chaos: seed=%d trials=%d (replay: mvn verify -Dtest=CrashAndFaultTest -Dchaos.seed=%d"
            + " -Dchaos.trials=%d)%n",
        SEED, TRIALS, SEED, TRIALS);
    local =
        new LocalTarget(EngineConfig.defaults().withRestoreLag(Duration.ZERO).withBurstSeconds(1));
    local.createTable("chaos-source");
    List<WriteRequest> batch = new ArrayList<>();
    for (int i = 0; i < COPY_ITEMS; i++) {
      var item = LocalTarget.item(i, "good", 300);
      batch.add(WriteRequest.builder().putRequest(p -> p.item(item)).build());
      if (batch.size() == 25 || i == COPY_ITEMS - 1) {
        local.engine.batchWriteItem(
            BatchWriteItemRequest.builder().requestItems(Map.of("chaos-source", batch)).build());
        batch = new ArrayList<>();
      }
    }
  }

  @AfterAll
  static void stop() throws IOException {
    local.close();
    Path out = Path.of("target", "chaos");
    Files.createDirectories(out);
    List<String> lines = new ArrayList<>();
    lines.add("seed=" + SEED + " trials=" + TRIALS);
    lines.addAll(summary);
    Files.write(out.resolve("summary.txt"), lines);
    lines.forEach(l -> System.out.println("chaos: " + l));
  }

  private static Random random(String scenario, int trial) {
    return new Random(SEED ^ (scenario.hashCode() * 31L + trial));
  }

  private static String replay(String scenario, int trial) {
    return scenario + " trial " + trial + " (seed " + SEED + ")";
  }

  @Test
  void copyBack_killedAtRandomPointsUnderFaults_resumesToAnIdenticalTable() throws Exception {
    for (int trial = 0; trial < TRIALS; trial++) {
      Random r = random("copy-back", trial);
      String target = "chaos-copy-" + trial;
      String runId = "chaos" + trial;
      Path state = dir.resolve("copy-" + trial);
      local.createTable(target);
      // Harsher than elsewhere: with one retry, some writes of the killed run end in its failure
      // file, and the resume must write them too.
      local.engine.setFaults(new Faults(0.15, 0.05, 0.1, Duration.ofMillis(5), 0.01, r.nextLong()));
      long killAt = 200 + r.nextInt(COPY_ITEMS - 600);
      Child child =
          child(
              "copy-back",
              "--from",
              "chaos-source",
              "--to",
              target,
              "--segments",
              "4",
              "--concurrency",
              "4",
              "--max-wcu",
              "3000",
              // Few retries, so that writes end in the failure file the resume must retry.
              "--retries",
              "1",
              "--max-backoff",
              "20ms",
              "--run-id",
              runId,
              "--state-dir",
              state.toString());
      long killedAfter = child.killWhen(() -> contents(target).size(), killAt);

      Resumed resumed =
          resumeUntilDone(
              "copy-back",
              "--resume",
              runId,
              "--max-backoff",
              "50ms",
              "--state-dir",
              state.toString());
      local.engine.setFaults(Faults.NONE);

      assertThat(resumed.code()).as(replay("copy-back", trial) + ": " + resumed.err()).isZero();
      int resumes = resumed.resumes();
      long lost = compare("copy-back", trial, killedAfter, resumes, "chaos-source", target);
      assertThat(lost).as(replay("copy-back", trial)).isZero();
    }
  }

  @Test
  void rollbackApply_killedAtRandomPointsUnderFaults_resumesToThePlannedTable() throws Exception {
    for (int trial = 0; trial < TRIALS; trial++) {
      Random r = random("rollback", trial);
      String table = "chaos-live-" + trial;
      local.createTable(table);
      local.enablePitr(table);
      local.fill(table, 0, 1000, "good", 200);
      Instant t0 = Instant.now();
      Thread.sleep(5);
      local.fill(table, 0, 1000, "bad", 200);
      Instant t1 = Instant.now();
      Thread.sleep(5);
      Map<String, Map<String, AttributeValue>> good = new HashMap<>();
      for (int i = 0; i < 1000; i++) {
        var item = LocalTarget.item(i, "good", 200);
        good.put(item.get("pk").s(), item);
      }

      Path plan = dir.resolve("plan-" + trial + ".jsonl");
      Path state = dir.resolve("rollback-" + trial);
      CliRun planning = new CliRun();
      assertThat(
              planning.execute(
                  "--endpoint-url",
                  local.endpoint(),
                  "rollback",
                  table,
                  "--to",
                  t0.toString(),
                  "--incident-end",
                  t1.toString(),
                  "--plan",
                  plan.toString(),
                  "--state-dir",
                  state.toString()))
          .as(planning.err())
          .isZero();

      local.engine.setFaults(withSeed(r.nextLong()));
      long killAt = 50 + r.nextInt(850);
      Child child =
          child(
              "rollback",
              "--apply",
              plan.toString(),
              "--max-wcu",
              "600",
              "--chunk-items",
              "25",
              "--state-dir",
              state.toString());
      long killedAfter = child.killWhen(() -> countValue(table, "good"), killAt);
      String runId = child.match(Pattern.compile("Applying as run (\\w+);"));
      assertThat(runId).as(replay("rollback", trial) + " printed its run id").isNotNull();

      Resumed resumed =
          resumeUntilDone(
              "rollback",
              "--apply",
              plan.toString(),
              "--resume",
              runId,
              // The chunk size is a test knob of the plan's progress, not a limit of the run.
              "--chunk-items",
              "25",
              "--state-dir",
              state.toString());
      local.engine.setFaults(Faults.NONE);

      assertThat(resumed.code()).as(replay("rollback", trial) + ": " + resumed.err()).isZero();
      int resumes = resumed.resumes();
      long lost = compare("rollback apply", trial, killedAfter, resumes, good, table);
      assertThat(lost).as(replay("rollback", trial)).isZero();
    }
  }

  @Test
  void migration_killedAtRandomPoints_resumesExactlyOnceAndRollsBack() throws Exception {
    for (int trial = 0; trial < TRIALS; trial++) {
      Random r = random("migrate", trial);
      Path migrations = countersMigration(dir.resolve("m-" + trial), trial);
      String table = "chaos-counters-" + trial;
      seedCounters(table);
      Map<String, Map<String, AttributeValue>> before = contents(table);

      long killAt = 10 + r.nextInt(COUNTERS - 20);
      Child child =
          child(
              "migrate",
              "dev",
              "0001",
              "--migrations-dir",
              migrations.toString(),
              "--max-wcu",
              "150");
      long killedAfter = child.killWhen(() -> countHits(table, 1), killAt);

      // Alternate, so that two trials try both ways out of a killed run.
      boolean rollBack = trial % 2 == 1;
      CliRun after = new CliRun();
      MigrateCommand migrate = after.commandLine.getSubcommands().get("migrate").getCommand();
      // As an operator comes to it later: the killed run's lease has run out.
      migrate.clock = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));
      int code =
          rollBack
              ? after.execute(
                  "--endpoint-url",
                  local.endpoint(),
                  "migrate",
                  "rollback",
                  "0001",
                  "--yes",
                  "--migrations-dir",
                  migrations.toString())
              : after.execute(
                  "--endpoint-url",
                  local.endpoint(),
                  "migrate",
                  "resume",
                  "0001",
                  "--migrations-dir",
                  migrations.toString());
      String scenario = rollBack ? "migrate rollback" : "migrate resume";
      assertThat(code).as(replay(scenario, trial) + ": " + after.err() + after.out()).isZero();

      Map<String, Map<String, AttributeValue>> expected = new HashMap<>();
      before.forEach(
          (k, item) -> {
            Map<String, AttributeValue> e = new HashMap<>(item);
            if (!rollBack) {
              e.put("hits", AttributeValue.fromN("1"));
            }
            expected.put(k, e);
          });
      long lost = compare(scenario, trial, killedAfter, 1, expected, table);
      assertThat(lost).as(replay(scenario, trial)).isZero();
    }
  }

  @Test
  void engineWithDataDir_killedAtRandomPoints_keepsEveryAcknowledgedWrite() throws Exception {
    for (int trial = 0; trial < TRIALS; trial++) {
      Random r = random("engine", trial);
      Path data = dir.resolve("engine-" + trial);
      int port = LocalTarget.freePort();
      Child server = serve(data, port);
      Map<String, String> acknowledged = new HashMap<>();
      long killAt = 20 + r.nextInt(300);
      try (DynamoDbAsyncClient client = LocalTarget.client(URI.create(server.endpoint(port)))) {
        client
            .createTable(
                t ->
                    t.tableName("acks")
                        .billingMode("PAY_PER_REQUEST")
                        .attributeDefinitions(a -> a.attributeName("pk").attributeType("S"))
                        .keySchema(k -> k.attributeName("pk").keyType("HASH")))
            .join();
        int i = 0;
        while (i < killAt) {
          String pk = "k" + (i % 150);
          String v = "v" + i;
          if (i % 10 == 9) {
            List<WriteRequest> batch = new ArrayList<>();
            Map<String, String> sent = new HashMap<>();
            for (int j = 0; j < 25; j++) {
              String bk = "b" + ((i * 25 + j) % 400);
              sent.put(bk, v);
              batch.add(
                  WriteRequest.builder()
                      .putRequest(
                          p ->
                              p.item(
                                  Map.of(
                                      "pk", AttributeValue.fromS(bk),
                                      "v", AttributeValue.fromS(v))))
                      .build());
            }
            var out = client.batchWriteItem(b -> b.requestItems(Map.of("acks", batch))).join();
            // Keys left unprocessed keep their old value; the others took the new one.
            for (var left : out.unprocessedItems().getOrDefault("acks", List.of())) {
              sent.remove(left.putRequest().item().get("pk").s());
            }
            acknowledged.putAll(sent);
          } else {
            client
                .putItem(
                    p ->
                        p.tableName("acks")
                            .item(
                                Map.of(
                                    "pk", AttributeValue.fromS(pk),
                                    "v", AttributeValue.fromS(v))))
                .join();
            acknowledged.put(pk, v);
          }
          i++;
        }
        // The last write is sent and the server killed while it may still be in flight.
        client.putItem(
            p ->
                p.tableName("acks")
                    .item(
                        Map.of(
                            "pk", AttributeValue.fromS("in-flight"),
                            "v", AttributeValue.fromS("maybe"))));
        server.kill();
      }

      Child again = serve(data, port);
      long lost = 0;
      try (DynamoDbAsyncClient client = LocalTarget.client(URI.create(again.endpoint(port)))) {
        Map<String, String> found = new HashMap<>();
        client
            .scanPaginator(s -> s.tableName("acks").consistentRead(true))
            .items()
            .subscribe(item -> found.put(item.get("pk").s(), item.get("v").s()))
            .join();
        for (var e : acknowledged.entrySet()) {
          if (!e.getValue().equals(found.get(e.getKey()))) {
            lost++;
          }
        }
        found.remove("in-flight");
        assertThat(found.keySet())
            .as(replay("engine", trial) + ": no item that was never written")
            .isSubsetOf(acknowledged.keySet());
      } finally {
        again.kill();
      }
      summary.add(
          String.format(
              "engine --data-dir trial %d: killed after %d acknowledged requests; acknowledged"
                  + " items %d, lost %d",
              trial, killAt, acknowledged.size(), lost));
      assertThat(lost).as(replay("engine", trial)).isZero();
    }
  }

  /** How resuming a killed run ended: its last exit code and error output, after how many tries. */
  private record Resumed(int code, String err, int resumes) {}

  /**
   * Runs {@code pitr --endpoint-url ENGINE args} until it exits 0, or anything but 4 (some items
   * failed under the faults; a resume retries them), at most five times.
   */
  private static Resumed resumeUntilDone(String... args) {
    List<String> all = new ArrayList<>(List.of("--endpoint-url", local.endpoint()));
    all.addAll(List.of(args));
    int resumes = 0;
    CliRun resume;
    int code;
    do {
      resume = new CliRun();
      code = resume.execute(all.toArray(String[]::new));
      resumes++;
    } while (code == 4 && resumes < 5);
    return new Resumed(code, resume.err(), resumes);
  }

  private static Faults withSeed(long seed) {
    return new Faults(
        FAULTS.throttle(), FAULTS.error(), FAULTS.latency(), FAULTS.delay(), FAULTS.drop(), seed);
  }

  /** Compares every item of {@code table} with {@code expected}; records and returns the lost. */
  private long compare(
      String scenario,
      int trial,
      long killedAfter,
      int resumes,
      Map<String, Map<String, AttributeValue>> expected,
      String table) {
    Map<String, Map<String, AttributeValue>> actual = contents(table);
    long identical = 0;
    long lost = 0;
    for (var e : expected.entrySet()) {
      if (e.getValue().equals(actual.get(e.getKey()))) {
        identical++;
      } else {
        lost++;
      }
    }
    long extra = actual.keySet().stream().filter(k -> !expected.containsKey(k)).count();
    summary.add(
        String.format(
            "%s trial %d: killed after %d items, %d resume(s); %d items, identical %d, lost or"
                + " wrong %d, extra %d",
            scenario, trial, killedAfter, resumes, expected.size(), identical, lost, extra));
    return lost + extra;
  }

  private long compare(
      String scenario, int trial, long killedAfter, int resumes, String source, String table) {
    return compare(scenario, trial, killedAfter, resumes, contents(source), table);
  }

  /**
   * Every item of {@code table}, keyed by pk, read from the engine in-process: faults are injected
   * into requests over HTTP only, so the test's own reads are never refused.
   */
  private static Map<String, Map<String, AttributeValue>> contents(String table) {
    Map<String, Map<String, AttributeValue>> out = new HashMap<>();
    Map<String, AttributeValue> start = null;
    do {
      var page =
          local.engine.scan(
              ScanRequest.builder()
                  .tableName(table)
                  .consistentRead(true)
                  .exclusiveStartKey(start)
                  .build());
      page.items().forEach(i -> out.put(i.get("pk").s(), i));
      start =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? page.lastEvaluatedKey()
              : null;
    } while (start != null);
    return out;
  }

  private static long countValue(String table, String version) {
    return contents(table).values().stream()
        .filter(i -> i.containsKey("v") && version.equals(i.get("v").s()))
        .count();
  }

  private static long countHits(String table, int hits) {
    return contents(table).values().stream()
        .filter(i -> i.containsKey("hits") && Integer.parseInt(i.get("hits").n()) >= hits)
        .count();
  }

  private static void seedCounters(String table) {
    local.createTable(table);
    local.enablePitr(table);
    for (int i = 0; i < COUNTERS; i++) {
      Map<String, AttributeValue> item = new HashMap<>(LocalTarget.item(i, "c", 20));
      item.put("hits", AttributeValue.fromN("0"));
      local.client.putItem(p -> p.tableName(table).item(item)).join();
    }
  }

  /**
   * A migration that is not idempotent ({@code hits = hits + 1}, no condition) over the counters
   * table of this trial: run once, every item ends with one more hit; run twice, two.
   */
  private static Path countersMigration(Path dir, int trial) throws IOException {
    Path m = dir.resolve("migrations");
    Files.createDirectories(m);
    Files.writeString(
        m.resolve("0001_count_a_hit.java"),
        """
        import java.math.BigDecimal;
        import java.util.HashMap;
        import java.util.Map;
        import java.util.Set;
        import pitr.migrate.api.Migration;
        import pitr.migrate.api.MigrationContext;
        import pitr.migrate.api.MigrationTable;
        import reactor.core.publisher.Mono;
        import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

        /**
         * Count a hit: every item's hits goes up by one, unconditionally.
         *
         * Execution Time: (not run yet)
         * Finalization Time: (not run yet)
         */
        class CountAHit implements Migration {
          @Override
          public Set<String> tables() {
            return Set.of("TABLE");
          }

          @Override
          public Mono<Void> run(MigrationContext context) {
            MigrationTable t = context.table("TABLE");
            return t.forEachItem(
                    item -> {
                      Map<String, AttributeValue> next = new HashMap<>(item);
                      BigDecimal hits = new BigDecimal(item.get("hits").n());
                      next.put("hits", AttributeValue.fromN(hits.add(BigDecimal.ONE).toString()));
                      return t.put(next);
                    })
                .then();
          }
        }
        """
            .replace("TABLE", "chaos-counters-" + trial));
    return m;
  }

  private Child child(String... args) throws IOException {
    List<String> command = ChildJvm.pitr("--endpoint-url", local.endpoint());
    command.addAll(List.of(args));
    return Child.start(command, Files.createTempDirectory(dir, "child"));
  }

  private Child serve(Path data, int port) throws Exception {
    Child server =
        Child.start(
            ChildJvm.pitr(
                "local", "serve", "--port", Integer.toString(port), "--data-dir", data.toString()),
            Files.createTempDirectory(dir, "serve"));
    Poll.until(
        Duration.ofSeconds(60),
        "engine listening on port " + port,
        () -> server.output().contains("listening on"));
    return server;
  }

  /** A child process whose output goes to files, to be killed with SIGKILL. */
  private record Child(Process process, Path logs) {
    static Child start(List<String> command, Path logs) throws IOException {
      Process p =
          new ProcessBuilder(command)
              .redirectOutput(logs.resolve("out").toFile())
              .redirectError(logs.resolve("err").toFile())
              .start();
      return new Child(p, logs);
    }

    String output() throws IOException {
      return Files.readString(logs.resolve("out")) + Files.readString(logs.resolve("err"));
    }

    String match(Pattern pattern) throws IOException {
      Matcher m = pattern.matcher(output());
      return m.find() ? m.group(1) : null;
    }

    String endpoint(int port) {
      return "http://127.0.0.1:" + port;
    }

    /**
     * Kills the process with SIGKILL as soon as {@code progress} reaches {@code at} (or when it
     * ends by itself), and returns the progress at the kill.
     */
    long killWhen(LongSupplier progress, long at) throws Exception {
      try {
        Poll.until(
            Duration.ofSeconds(120),
            "progress " + at + " before the kill",
            () -> !process.isAlive() || progress.getAsLong() >= at);
        kill();
      } finally {
        process.destroyForcibly();
      }
      return progress.getAsLong();
    }

    void kill() throws Exception {
      process.destroyForcibly();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }
}
