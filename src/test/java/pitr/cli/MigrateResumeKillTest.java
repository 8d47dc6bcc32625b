package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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
 * {@code pitr migrate resume} after a real {@code kill -9}: a migration that is not idempotent
 * still counts every item once, because the resumed run skips the items whose write had landed.
 */
class MigrateResumeKillTest {
  private static final int ITEMS = 200;

  @TempDir Path dir;

  private final RollbackTestEngine local = new RollbackTestEngine();
  private final String endpoint = local.endpoint;
  private final DynamoDbAsyncClient client = local.client;

  @AfterEach
  void stop() {
    local.close();
  }

  /** {@code hits = hits + 1} on every counter, two segments, pages of 40: not idempotent. */
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
                    ScanOptions.defaults().segments(2).pageSize(40).concurrency(4),
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

  /** The ledger's record of the run of 0001_count_hit. */
  private Map<String, AttributeValue> ledgerRun() {
    List<Map<String, AttributeValue>> runs =
        client
            .query(
                r ->
                    r.tableName("pitr-ledger")
                        .consistentRead(true)
                        .keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("run"))))
            .join()
            .items();
    assertThat(runs).hasSize(1);
    return runs.get(0);
  }

  @Test
  void resume_afterSigkillMidPage_countsEveryItemOnce_andTheLedgerCountsEveryWriteOnce()
      throws Exception {
    Path m = countingMigration();
    seedCounters();

    // A real process, paced to a few writes a second, killed with SIGKILL once a few writes landed:
    // its pages are unfinished, their writes journaled but not confirmed.
    List<String> command =
        ChildJvm.pitr(
            "migrate",
            "dev",
            "0001",
            "--migrations-dir",
            m.toString(),
            "--endpoint-url",
            endpoint,
            "--max-wcu",
            "5");
    Process child =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile())
            .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (counted() < 5 && child.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    long landed = counted();
    assertThat(landed)
        .as(Files.readString(dir.resolve("child.log")))
        .isBetween(5L, (long) ITEMS - 1);
    assertThat(ledgerRun().get("status").s()).isEqualTo("RUNNING");

    CliRun resume = new CliRun();
    MigrateCommand migrate = resume.commandLine.getSubcommands().get("migrate").getCommand();
    // An hour later, as an operator would come to it: the dead run's lease has run out.
    migrate.clock = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));
    int code =
        resume.execute(
            "migrate",
            "resume",
            "0001",
            "--migrations-dir",
            m.toString(),
            "--endpoint-url",
            endpoint);

    assertThat(code).as(resume.err() + resume.out()).isZero();
    assertThat(resume.out())
        .contains("Migration 0001_count_hit succeeded in dev")
        .containsPattern("note: skipped \\d+ items? whose write had landed before run ");
    assertThat(hits()).hasSize(ITEMS).allSatisfy((k, h) -> assertThat(h).as(k).isEqualTo(1));
    Map<String, AttributeValue> run = ledgerRun();
    assertThat(run.get("status").s()).isEqualTo("SUCCEEDED");
    assertThat(run.get("attempts").n()).isEqualTo("2");
    assertThat(run.get("itemsWritten").n()).isEqualTo(Integer.toString(ITEMS));
  }
}
