package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code migrate prod NAME --workers N} (every worker here, as one run), {@code migrate resume
 * NAME} of such a run without {@code --worker}, {@code migrate rollback NAME} of it, and the
 * refusals of {@code --workers}: exit codes, output lines, and that a refusal changed nothing.
 */
class MigrateWorkersHereCliTest {
  private static final String NAME = "0002_cars_get_a_mark";

  @TempDir Path dir;

  private final RollbackTestEngine local = new RollbackTestEngine();
  private int code;

  @AfterEach
  void stop() {
    local.close();
  }

  /** Seeds the cars with PITR on, and a migration that marks every car and fails on "poison". */
  private Path migrations() throws Exception {
    Path m = RollbackTestEngine.carsMigration(dir);
    local.seedCarsWithPitr(m);
    Files.writeString(
        m.resolve(NAME + ".java"),
        """
        import java.util.Set;
        import pitr.migrate.api.*;
        import reactor.core.publisher.Mono;
        import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

        /** Marks every car; fails on a poisoned one. */
        class CarsGetAMark implements Migration {
          public Set<String> tables() {
            return Set.of("cars");
          }

          public Mono<Void> run(MigrationContext c) {
            MigrationTable t = c.table("cars");
            return t.forEachItem(
                    ScanOptions.defaults().segments(6).concurrency(1).pageSize(1),
                    i -> i.containsKey("poison")
                        ? Mono.error(new IllegalStateException("poisoned " + i.get("pk").s()))
                        : t.update(i, Update.set("mark", AttributeValue.fromS("yes"))))
                .then();
          }
        }
        """);
    return m;
  }

  private CliRun run(Path m, String... args) {
    CliRun run = new CliRun();
    List<String> all = new ArrayList<>(List.of("--endpoint-url", local.endpoint, "migrate"));
    all.addAll(List.of(args));
    all.addAll(List.of("--migrations-dir", m.toString()));
    if (args[0].equals("rollback")) {
      all.addAll(List.of("--state-dir", dir.resolve("state").toString()));
    }
    code = run.execute(all.toArray(String[]::new));
    return run;
  }

  private void poison(String pk, boolean on) {
    local
        .client
        .updateItem(
            r ->
                r.tableName("cars")
                    .key(Map.of("pk", AttributeValue.fromS(pk)))
                    .updateExpression(on ? "SET poison = :p" : "REMOVE poison")
                    .expressionAttributeValues(
                        on ? Map.of(":p", AttributeValue.fromBool(true)) : null))
        .join();
  }

  private static String runId(String err) {
    Matcher m = Pattern.compile("Run (\\S+) of " + NAME + " across 3 workers started").matcher(err);
    assertThat(m.find()).as(err).isTrue();
    return m.group(1);
  }

  @Test
  void prod_withWorkers_runsOneRunAcrossThemHere_printsEachWorker_andRollsBackAsOneRun()
      throws Exception {
    Path m = migrations();
    Map<String, Map<String, AttributeValue>> before = local.cars();

    CliRun prod = run(m, "prod", "0002", "--workers", "3", "--yes");

    assertThat(code).as(prod.err() + prod.out()).isZero();
    String runId = runId(prod.err());
    // The run line, then the summary of the meters every command prints, summed over workers.
    assertThat(prod.err())
        .startsWith(
            "Run "
                + runId
                + " of "
                + NAME
                + " across 3 workers started; if it is interrupted, continue it with: pitr"
                + " --endpoint-url "
                + local.endpoint
                + " migrate resume "
                + NAME
                + " --prod --run-id "
                + runId
                + " --migrations-dir "
                + m
                + "\n")
        .contains("\nsummary command=migrate items_read=7 items_written=7 ")
        .hasLineCount(2);
    assertThat(prod.out())
        .startsWith("Migration " + NAME + " succeeded in prod (run " + runId + ")\n")
        .contains("  cars: read 7, put 0, updated 7, deleted 0, condition failed 0, ")
        .containsPattern("  worker 1/3: finished its share \\(read \\d, wrote \\d\\)\n")
        .containsPattern("  worker 2/3: finished its share \\(read \\d, wrote \\d\\)\n")
        .containsPattern("  worker 3/3: finished its share \\(read \\d, wrote \\d\\)\n")
        .contains("  note: run " + runId + " SUCCEEDED: all 3 workers finished\n")
        .contains(
            "  note: run "
                + runId
                + " of 3 workers: read 7, wrote 7 in all (every worker and attempt, as the"
                + " journal counts them)\n");
    assertThat(local.cars().values())
        .allSatisfy(c -> assertThat(c).containsEntry("mark", AttributeValue.fromS("yes")));

    CliRun rollback = run(m, "rollback", "0002", "--yes");

    assertThat(code).as(rollback.err() + rollback.out()).isZero();
    assertThat(rollback.out()).contains("Rolling back run " + runId + " of " + NAME);
    assertThat(local.cars()).isEqualTo(before);
  }

  @Test
  void prod_withWorkers_andJsonOutput_printsTheRunWithEachWorker() throws Exception {
    Path m = migrations();

    CliRun prod = run(m, "prod", "0002", "--workers", "3", "--yes", "--output", "json");

    assertThat(code).as(prod.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(prod.out());
    assertThat(json.get("status").asText()).isEqualTo("succeeded");
    assertThat(json.get("runId").asText()).isEqualTo(runId(prod.err()));
    assertThat(json.get("workers")).hasSize(3);
    long written = 0;
    for (int i = 0; i < 3; i++) {
      JsonNode w = json.get("workers").get(i);
      assertThat(w.get("worker").asText()).isEqualTo((i + 1) + "/3");
      assertThat(w.get("state").asText()).isEqualTo("finished");
      written += w.get("written").asLong();
    }
    assertThat(written).isEqualTo(7);
  }

  @Test
  void prod_withAFailingWorker_exitsOneWithTheResumeCommand_andResumeWithoutWorkerFinishesIt()
      throws Exception {
    Path m = migrations();
    poison("car#003", true);
    Map<String, Map<String, AttributeValue>> before = local.cars();

    CliRun prod = run(m, "prod", "0002", "--workers", "3", "--yes");

    assertThat(code).as(prod.err() + prod.out()).isEqualTo(1);
    String runId = runId(prod.err());
    assertThat(prod.out())
        .startsWith("Migration " + NAME + " failed in prod (run " + runId + ")\n")
        .containsPattern(
            "  worker \\d/3: failed \\(read \\d, wrote \\d\\): IllegalStateException: poisoned"
                + " car#003\n");
    assertThat(prod.err())
        .containsPattern(
            "error: Run "
                + runId
                + " of "
                + NAME
                + " FAILED: worker \\d/3 failed \\(IllegalStateException: poisoned car#003\\);"
                + " the other workers finished their shares and its writes are journaled. Fix the"
                + " cause, then continue it with: pitr --endpoint-url \\S+ migrate resume "
                + NAME
                + " --prod --run-id "
                + runId
                + " --migrations-dir \\S+\n");
    poison("car#003", false);

    CliRun resume = run(m, "resume", "0002", "--prod", "--yes");

    assertThat(code).as(resume.err() + resume.out()).isZero();
    assertThat(resume.out())
        .startsWith("Migration " + NAME + " succeeded in prod (run " + runId + ")\n")
        .containsPattern("  worker \\d/3: finished its share \\(read \\d, wrote \\d\\)\n")
        .containsPattern("  worker \\d/3: had finished its share already; skipped\n")
        .containsPattern(
            "  note: run "
                + runId
                + " of 3 workers: read \\d+, wrote 7 in all \\(every worker and attempt, as the"
                + " journal counts them\\)\n");
    assertThat(local.cars().values())
        .allSatisfy(c -> assertThat(c).containsEntry("mark", AttributeValue.fromS("yes")));

    CliRun rollback = run(m, "rollback", "0002", "--yes");

    assertThat(code).as(rollback.err() + rollback.out()).isZero();
    assertThat(local.cars()).isEqualTo(before);
  }

  @Test
  void prod_withWorkers_andJsonOutput_whenAWorkerFails_printsOneErrorDocumentWithTheRun()
      throws Exception {
    Path m = migrations();
    poison("car#005", true);

    CliRun prod = run(m, "prod", "0002", "--workers", "3", "--yes", "--output", "json");

    assertThat(code).as(prod.err()).isEqualTo(1);
    JsonNode json = new ObjectMapper().readTree(prod.out());
    assertThat(json.get("error").get("code").asText()).isEqualTo("FAILED");
    assertThat(json.get("error").get("message").asText())
        .startsWith("Run " + runId(prod.err()) + " of " + NAME + " FAILED: worker ");
    JsonNode result = json.get("result");
    assertThat(result.get("status").asText()).isEqualTo("failed");
    assertThat(result.get("workers")).hasSize(3);
    int failed = 0;
    for (JsonNode w : result.get("workers")) {
      if (w.get("state").asText().equals("failed")) {
        failed++;
        assertThat(w.get("detail").asText()).isEqualTo("IllegalStateException: poisoned car#005");
      } else {
        assertThat(w.get("state").asText()).isEqualTo("finished");
      }
    }
    assertThat(failed).isEqualTo(1);
  }

  @Test
  void prod_withWorkers_whenInterrupted_stopsEveryWorker_exits130_withTheResumeCommand()
      throws Exception {
    Path m = migrations();
    // Waits for ever: only a stop ends it.
    Files.writeString(
        m.resolve("0003_cars_wait.java"),
        """
        import java.util.Set;
        import pitr.migrate.api.*;
        import reactor.core.publisher.Mono;

        /** Never ends on its own. */
        class CarsWait implements Migration {
          public Set<String> tables() {
            return Set.of("cars");
          }

          public Mono<Void> run(MigrationContext c) {
            return Mono.never();
          }
        }
        """);
    CliRun prod = new CliRun();
    java.util.concurrent.CompletableFuture<Integer> exit =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () ->
                prod.execute(
                    "--endpoint-url",
                    local.endpoint,
                    "migrate",
                    "prod",
                    "0003",
                    "--workers",
                    "3",
                    "--yes",
                    "--migrations-dir",
                    m.toString()));
    while (!prod.err().contains(" started; ") || Interruption.current() == null) {
      assertThat(exit).as(prod.err()).isNotDone();
      Thread.sleep(20);
    }

    Interruption.current().trigger();

    assertThat(exit.get(1, java.util.concurrent.TimeUnit.MINUTES)).as(prod.err()).isEqualTo(130);
    Matcher id =
        Pattern.compile("Run (\\S+) of 0003_cars_wait across 3 workers started")
            .matcher(prod.err());
    assertThat(id.find()).isTrue();
    String runId = id.group(1);
    assertThat(prod.out())
        .startsWith("Migration 0003_cars_wait failed in prod (run " + runId + ")\n")
        .contains(
            "  worker 1/3: stopped (read 0, wrote 0)\n",
            "  worker 2/3: stopped (read 0, wrote 0)\n",
            "  worker 3/3: stopped (read 0, wrote 0)\n");
    assertThat(prod.err())
        .endsWith(
            "error: Stopped by an interrupt after it was told to stop: every worker of run "
                + runId
                + " stopped, its writes in flight seen through and journaled; the run is recorded"
                + " FAILED; the writes in flight were settled and checkpointed. Resume with: pitr"
                + " --endpoint-url "
                + local.endpoint
                + " migrate resume 0003_cars_wait --prod --run-id "
                + runId
                + " --migrations-dir "
                + m
                + "\n");
    assertThat(
            local
                .client
                .getItem(
                    r ->
                        r.tableName("pitr-ledger")
                            .key(
                                Map.of(
                                    "pk", AttributeValue.fromS("lock"),
                                    "sk", AttributeValue.fromS("lock")))
                            .consistentRead(true))
                .join()
                .item())
        .doesNotContainKey("holder");
  }

  @Test
  void prod_withWorkersAndBackup_takesTheBackupsOnce() throws Exception {
    Path m = migrations();

    CliRun prod = run(m, "prod", "0002", "--workers", "3", "--backup", "--yes");

    assertThat(code).as(prod.err() + prod.out()).isZero();
    assertThat(prod.out().lines().filter(l -> l.startsWith("  note: backup of cars: "))).hasSize(1);
  }

  @Test
  void resume_withTheRunIdOfNoRun_exitsTwo_andWritesNothing() throws Exception {
    Path m = migrations();
    Map<String, Map<String, AttributeValue>> before = local.cars();

    CliRun resume = run(m, "resume", "0002", "--prod", "--run-id", "nope", "--yes");

    assertThat(code).isEqualTo(2);
    // No migration has run here at all: the ledger table is what is missing.
    assertThat(resume.err())
        .isEqualTo(
            "error: Ledger table pitr-ledger does not exist in "
                + local.endpoint
                + " (no migration has run there), so there is no run to resume; pass the"
                + " --ledger-table (and target) the migrations ran with\n");
    assertThat(local.cars()).isEqualTo(before);
  }

  @Test
  void prod_withZeroWorkers_exitsTwo_andWritesNothing() throws Exception {
    Path m = migrations();

    CliRun prod = run(m, "prod", "0002", "--workers", "0", "--yes");

    assertThat(code).isEqualTo(2);
    assertThat(prod.err()).startsWith("error: --workers 0 is ");
    assertThat(local.tableExists("pitr-ledger")).isFalse();
  }

  @Test
  void prod_withMoreWorkersThanOneProcessRuns_exitsTwoNamingTheLimitAndSubmit_andChangesNothing()
      throws Exception {
    Path m = migrations();
    Map<String, Map<String, AttributeValue>> before = local.cars();
    int max = pitr.migrate.InProcessWorkers.maxWorkers();

    CliRun prod = run(m, "prod", "0002", "--workers", "10000", "--yes");

    assertThat(code).isEqualTo(2);
    assertThat(prod.err())
        .isEqualTo(
            "error: --workers 10000 is more workers than one process runs: at most "
                + max
                + " here (4 per available processor, at least 16), since each is an instance of"
                + " the migration with its own scans and heartbeats. Pass --workers "
                + max
                + " or fewer, or run the 10000 workers on AWS Batch, one process each, with"
                + " --submit batch --job-queue QUEUE. Nothing was changed.\n");
    assertThat(prod.out()).isEmpty();
    assertThat(local.cars()).isEqualTo(before);
  }

  @Test
  void prod_withWorkersAndWorker_exitsTwo_andWritesNothing() throws Exception {
    Path m = migrations();

    CliRun prod =
        run(m, "prod", "0002", "--workers", "3", "--worker", "1/3", "--run-id", "r1", "--yes");

    assertThat(code).isEqualTo(2);
    assertThat(prod.err())
        .isEqualTo(
            "error: --workers 3 runs every worker of the run here and --worker 1/3 one of them;"
                + " pass only one of the two\n");
    assertThat(local.tableExists("pitr-ledger")).isFalse();
  }

  @Test
  void prod_withWorkersAndDryRun_exitsTwo() throws Exception {
    Path m = migrations();

    CliRun prod = run(m, "prod", "0002", "--workers", "3", "--dry-run");

    assertThat(code).isEqualTo(2);
    assertThat(prod.err())
        .isEqualTo("error: --dry-run reads the whole table in one process; drop --workers 3\n");
  }

  @Test
  void prod_withWorkersAndTheRunIdOfARunOfAnotherCount_exitsTwo_andChangesNothing()
      throws Exception {
    Path m = migrations();
    assertThat(run(m, "prod", "0002", "--workers", "2", "--run-id", "r-7", "--yes").err())
        .doesNotContain("error");
    assertThat(code).isZero();
    Map<String, Map<String, AttributeValue>> after = local.cars();

    CliRun again = run(m, "prod", "0002", "--workers", "3", "--run-id", "r-7", "--yes");

    assertThat(code).isEqualTo(2);
    assertThat(again.err())
        .isEqualTo(
            "error: Run r-7 of "
                + NAME
                + " runs across 2 workers, not 3; pass --workers 2 to continue it, or start a new"
                + " run with a new --run-id. Nothing was changed.\n");
    assertThat(again.out()).isEmpty();
    assertThat(local.cars()).isEqualTo(after);
  }

  @Test
  void prod_withJobQueueButNoSubmit_exitsTwo() throws Exception {
    Path m = migrations();

    CliRun prod = run(m, "prod", "0002", "--workers", "3", "--job-queue", "q", "--yes");

    assertThat(code).isEqualTo(2);
    assertThat(prod.err())
        .isEqualTo(
            "error: --job-queue and --job-definition are for --submit batch; add --submit batch"
                + " to run on AWS Batch, or leave them out to run here\n");
    assertThat(local.tableExists("pitr-ledger")).isFalse();
  }
}
