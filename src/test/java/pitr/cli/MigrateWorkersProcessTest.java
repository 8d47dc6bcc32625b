package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A migration across three workers started as AWS Batch starts an array job's children (child JVMs
 * running {@code migrate prod NAME --worker auto/3 --run-id R} with {@code
 * AWS_BATCH_JOB_ARRAY_INDEX} and {@code AWS_BATCH_JOB_ID} in their environment), against the engine
 * over HTTP: one is killed with SIGKILL mid-run and resumed; the result equals one worker's item
 * for item (a migration that is not idempotent counts every item once), the ledger holds one run
 * whose counts are the workers' sum, {@code migrate list} reports each worker along the way, and
 * {@code migrate rollback} undoes the whole run from its one journal.
 */
class MigrateWorkersProcessTest {
  private static final int ITEMS = 150;
  private static final String RUN = "mig-w3";

  @TempDir Path dir;

  private final RollbackTestEngine local = new RollbackTestEngine();
  private final DynamoDbAsyncClient client = local.client;
  private final List<Process> children = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Process p : children) {
      p.destroyForcibly();
      p.waitFor();
    }
    local.close();
  }

  private Path countingMigration() throws Exception {
    Path m = dir.resolve("migrations");
    Files.createDirectories(m);
    Files.writeString(
        m.resolve("0001_count_hit.java"),
        """
        import java.util.Set;
        import pitr.migrate.api.*;
        import reactor.core.publisher.Mono;
        import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

        /** Counts one more hit on every counter. Not idempotent on purpose. */
        class CountHit implements Migration {
          public Set<String> tables() {
            return Set.of("counters");
          }

          public Mono<Void> run(MigrationContext c) {
            MigrationTable t = c.table("counters");
            return t.forEachItem(
                    ScanOptions.defaults().segments(6).pageSize(10).concurrency(2),
                    i -> t.update(i, Update.set("hits", AttributeValue.fromN(
                        Long.toString(Long.parseLong(i.get("hits").n()) + 1)))))
                .then();
          }
        }
        """);
    return m;
  }

  private void seedCounters() {
    client
        .createTable(
            r ->
                r.tableName("counters")
                    .billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType("S"))
                    .keySchema(k -> k.attributeName("pk").keyType("HASH")))
        .join();
    client
        .updateContinuousBackups(
            r ->
                r.tableName("counters")
                    .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)))
        .join();
    for (int i = 0; i < ITEMS; i++) {
      String pk = String.format("c%03d", i);
      client
          .putItem(
              r ->
                  r.tableName("counters")
                      .item(
                          Map.of(
                              "pk", AttributeValue.fromS(pk), "hits", AttributeValue.fromN("0"))))
          .join();
    }
  }

  private Map<String, Long> hits() {
    Map<String, Long> out = new TreeMap<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      var page =
          client
              .scan(r -> r.tableName("counters").consistentRead(true).exclusiveStartKey(from))
              .join();
      page.items().forEach(i -> out.put(i.get("pk").s(), Long.parseLong(i.get("hits").n())));
      start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
    } while (start != null && !start.isEmpty());
    return out;
  }

  private long counted() {
    return hits().values().stream().filter(h -> h > 0).count();
  }

  private List<Map<String, AttributeValue>> ledger(String pk) {
    return client
        .query(
            r ->
                r.tableName("pitr-ledger")
                    .consistentRead(true)
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk))))
        .join()
        .items();
  }

  private Process child(int index, Path m, Path output, String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--endpoint-url",
                local.endpoint,
                "migrate",
                "prod",
                "0001",
                "--yes",
                "--migrations-dir",
                m.toString(),
                "--worker",
                "auto/3",
                "--run-id",
                RUN));
    args.addAll(List.of(extra));
    ProcessBuilder pb =
        new ProcessBuilder(ChildJvm.pitr(args.toArray(String[]::new)))
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    pb.environment().put("AWS_BATCH_JOB_ARRAY_INDEX", Integer.toString(index - 1));
    pb.environment().put("AWS_BATCH_JOB_ID", "job-m:" + (index - 1));
    Process p = pb.start();
    children.add(p);
    return p;
  }

  private static void awaitExit(Process p, Path output) throws Exception {
    assertThat(p.waitFor(180, TimeUnit.SECONDS))
        .as("worker ended: " + Files.readString(output))
        .isTrue();
    assertThat(p.exitValue()).as(Files.readString(output)).isZero();
  }

  private String list(Path m) {
    CliRun run = new CliRun();
    int code =
        run.execute(
            "--endpoint-url", local.endpoint, "migrate", "list", "--migrations-dir", m.toString());
    assertThat(code).as(run.err()).isZero();
    return run.out();
  }

  @Test
  void migration_acrossThreeChildWorkers_withOneKilledAndResumed_endsAsOneWorker_andRollsBack()
      throws Exception {
    Path m = countingMigration();
    seedCounters();

    // Worker 2 is paced so that it is still writing when it is killed.
    Path out2 = dir.resolve("w2.out");
    Process w2 = child(2, m, out2, "--max-wcu", "5");
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (counted() < 5) {
      assertThat(w2.isAlive()).as("worker 2 still writing: " + Files.readString(out2)).isTrue();
      assertThat(System.nanoTime()).as("worker 2 wrote").isLessThan(deadline);
      Thread.sleep(20);
    }
    assertThat(list(m)).contains("worker 2/3  running").contains("job-m:1");
    Path out1 = dir.resolve("w1.out");
    Path out3 = dir.resolve("w3.out");
    Process w1 = child(1, m, out1);
    Process w3 = child(3, m, out3);
    w2.destroyForcibly();
    w2.waitFor();
    assertThat(w2.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
    awaitExit(w1, out1);
    awaitExit(w3, out3);
    assertThat(Files.readString(out1))
        .contains("note: worker 1/3 finished its share of run " + RUN);
    assertThat(counted()).isLessThan(ITEMS);
    assertThat(ledger("run")).hasSize(1);
    assertThat(ledger("run").get(0).get("status").s()).isEqualTo("RUNNING");
    String afterKill = list(m);
    assertThat(afterKill).contains("worker 1/3  done").contains("worker 3/3  done");

    CliRun resumed = new CliRun();
    int code =
        resumed.execute(
            "--endpoint-url",
            local.endpoint,
            "migrate",
            "resume",
            "0001",
            "--prod",
            "--yes",
            "--migrations-dir",
            m.toString(),
            "--worker",
            "2/3",
            "--run-id",
            RUN);

    assertThat(code).as(resumed.err() + resumed.out()).isZero();
    assertThat(resumed.out())
        .contains("note: worker 2/3 resumed its share of run " + RUN)
        .contains("note: run " + RUN + " SUCCEEDED: all 3 workers finished");
    assertThat(hits()).hasSize(ITEMS).allSatisfy((k, h) -> assertThat(h).as(k).isEqualTo(1));
    List<Map<String, AttributeValue>> runs = ledger("run");
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).get("status").s()).isEqualTo("SUCCEEDED");
    assertThat(runs.get(0).get("itemsWritten").n()).isEqualTo(Integer.toString(ITEMS));
    assertThat(ledger("lock").get(0)).doesNotContainKey("holder");
    assertThat(list(m)).contains("worker 2/3  done");

    CliRun rollback = new CliRun();
    int rolled =
        rollback.execute(
            "--endpoint-url",
            local.endpoint,
            "migrate",
            "rollback",
            "0001",
            "--yes",
            "--migrations-dir",
            m.toString(),
            "--state-dir",
            dir.resolve("state").toString());

    assertThat(rolled).as(rollback.err() + rollback.out()).isZero();
    assertThat(hits()).hasSize(ITEMS).allSatisfy((k, h) -> assertThat(h).as(k).isZero());
    assertThat(ledger("run").get(0).get("status").s()).isEqualTo("ROLLED_BACK");
  }
}
