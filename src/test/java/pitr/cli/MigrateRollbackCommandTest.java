package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.local.EngineConfig;
import pitr.local.Faults;
import pitr.migrate.MigrationEnvironment;
import pitr.migrate.RunRecord;
import pitr.restore.RecoveryNames;
import pitr.rollback.Rollbacks;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class MigrateRollbackCommandTest {
  @TempDir Path dir;

  private RollbackTestEngine local = new RollbackTestEngine();

  @AfterEach
  void stop() {
    local.close();
  }

  private Path migrations() throws Exception {
    return RollbackTestEngine.carsMigration(dir);
  }

  /** The ledger record of the one run of 0001_cars_get_a_price. */
  private Map<String, AttributeValue> runRecord() {
    List<Map<String, AttributeValue>> runs =
        local
            .client
            .query(
                r ->
                    r.tableName("pitr-ledger")
                        .keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("run")))
                        .consistentRead(true))
            .join()
            .items();
    assertThat(runs).hasSize(1);
    return runs.get(0);
  }

  private int run(CliRun run, Path m, String... args) {
    List<String> all = new ArrayList<>(List.of("migrate"));
    all.addAll(List.of(args));
    all.addAll(List.of("--migrations-dir", m.toString(), "--endpoint-url", local.endpoint));
    if (args[0].equals("rollback")) {
      all.addAll(List.of("--state-dir", dir.resolve("state").toString()));
    }
    return run.execute(all.toArray(String[]::new));
  }

  /** Seeds cars, turns PITR on and runs 0001 once; returns the cars before the run. */
  private Map<String, Map<String, AttributeValue>> migrated(Path m) {
    local.seedCarsWithPitr(m);
    Map<String, Map<String, AttributeValue>> before = local.cars();
    CliRun dev = new CliRun();
    assertThat(run(dev, m, "dev", "0001")).as(dev.err()).isZero();
    return before;
  }

  private void editAfterTheRun() {
    // Someone reprices car#002 (journaled) and edits car#006 (never journaled).
    local
        .client
        .updateItem(
            r ->
                r.tableName("cars")
                    .key(Map.of("pk", AttributeValue.fromS("car#002")))
                    .updateExpression("SET price = :p")
                    .expressionAttributeValues(Map.of(":p", AttributeValue.fromN("1"))))
        .join();
    local
        .client
        .updateItem(
            r ->
                r.tableName("cars")
                    .key(Map.of("pk", AttributeValue.fromS("car#006")))
                    .updateExpression("SET colour = :c")
                    .expressionAttributeValues(Map.of(":c", AttributeValue.fromS("red"))))
        .join();
  }

  private void assertRolledBack(Map<String, Map<String, AttributeValue>> before) {
    Map<String, Map<String, AttributeValue>> after = local.cars();
    assertThat(after.get("car#002").get("price").n()).isEqualTo("1");
    after.keySet().stream()
        .filter(pk -> !pk.equals("car#002") && !pk.equals("car#006"))
        .forEach(pk -> assertThat(after.get(pk)).as(pk).isEqualTo(before.get(pk)));
    assertThat(after.get("car#006").get("colour").s()).isEqualTo("red");
    assertThat(local.client.listTables().join().tableNames())
        .noneMatch(t -> t.contains("recovery"));
  }

  /** Every item of the ledger (runs and the lock). */
  private List<Map<String, AttributeValue>> ledger() {
    return local.client.scan(r -> r.tableName("pitr-ledger").consistentRead(true)).join().items();
  }

  @Test
  void migrateRollback_withACheckpointTableOfAnotherKey_exits2BeforeTakingTheLockOrRestoring()
      throws Exception {
    Path m = migrations();
    migrated(m);
    Map<String, Map<String, AttributeValue>> migratedCars = local.cars();
    local.createTable("orders-archive");
    List<Map<String, AttributeValue>> ledger = ledger();
    CliRun run = new CliRun();

    int code = run(run, m, "rollback", "0001", "--yes", "--checkpoint-table", "orders-archive");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: Checkpoint table orders-archive has the key pk (S), but checkpoints need run"
                + " (S), part (S); pass a --checkpoint-table that does not exist yet (pitr creates"
                + " it) or one pitr created\n");
    assertThat(run.out()).isEmpty();
    assertThat(local.cars()).isEqualTo(migratedCars);
    assertThat(ledger()).containsExactlyInAnyOrderElementsOf(ledger);
    assertThat(local.client.listTables().join().tableNames())
        .noneMatch(t -> t.contains("recovery"));
  }

  @Test
  void migrateRollback_restoresExactlyTheJournaledKeys_keepsLaterEdits_andMarksTheRunRolledBack()
      throws Exception {
    Path m = migrations();
    Map<String, Map<String, AttributeValue>> before = migrated(m);
    Map<String, Map<String, AttributeValue>> migratedCars = local.cars();
    assertThat(migratedCars.get("car#001")).containsKey("price");
    assertThat(migratedCars.get("car#006")).doesNotContainKey("price");
    editAfterTheRun();
    Instant started = Instant.now();

    CliRun run = new CliRun();
    int code = run(run, m, "rollback", "0001", "--yes");

    assertThat(code).as(run.err() + run.out()).isZero();
    assertRolledBack(before);
    assertThat(run.out())
        .contains("scope: migration 0001_cars_get_a_price run ")
        .contains("conflict  1   e.g. {\"pk\":{\"S\":\"car#002\"}}")
        .contains("is ROLLED_BACK in pitr-ledger")
        .contains("Dropped recovery tables: cars-recovery-");
    CliRun list = new CliRun();
    run(list, m, "list");
    assertThat(list.out()).contains("0001_cars_get_a_price                rolled_back");
    Map<String, AttributeValue> record = runRecord();
    assertThat(record.get("status").s()).isEqualTo("ROLLED_BACK");
    assertThat(record.get("rolledBackBy").s())
        .isEqualTo(
            "pitr "
                + ManifestVersionProvider.version()
                + " ("
                + System.getProperty("user.name")
                + ")");
    assertThat(Instant.parse(record.get("rolledBackAt").s())).isAfterOrEqualTo(started);
    Map<String, AttributeValue> rollback = record.get("rollback").m();
    long priced =
        migratedCars.keySet().stream()
            .filter(pk -> !migratedCars.get(pk).equals(before.get(pk)))
            .count();
    assertThat(priced).isGreaterThan(1);
    assertThat(rollback.get("restored").n()).isEqualTo(Long.toString(priced - 1));
    assertThat(rollback.get("deleted").n()).isEqualTo("0");
    assertThat(rollback.get("conflicts").n()).isEqualTo("1");
    assertThat(rollback.get("recoveryPoint").s()).isEqualTo(record.get("restorePoint").s());
  }

  @Test
  void migrateRollback_ofAMigrationThatNeverRan_saysSoWithExitCode2() throws Exception {
    Path m = migrations();
    CliRun noLedger = new CliRun();

    assertThat(run(noLedger, m, "rollback", "0001", "--yes")).isEqualTo(2);
    assertThat(noLedger.err())
        .isEqualTo(
            "error: Ledger table pitr-ledger does not exist in "
                + local.endpoint
                + " (no migration has run there), so there is no run to roll back; pass the"
                + " --ledger-table (and target) the migrations ran with\n");

    // With a ledger that has no run of it:
    RollbackTestEngine.createLedger(local.client, "pitr-ledger");
    CliRun run = new CliRun();

    assertThat(run(run, m, "rollback", "0001", "--yes")).isEqualTo(2);
    assertThat(run.err())
        .contains("Migration 0001_cars_get_a_price has no run to roll back in pitr-ledger");

    CliRun typo = new CliRun();
    assertThat(run(typo, m, "rollback", "0001", "--yes", "--ledger-table", "pitr-ledgr"))
        .isEqualTo(2);
    assertThat(typo.err())
        .startsWith(
            "error: Ledger table pitr-ledgr does not exist in "
                + local.endpoint
                + " (did you mean pitr-ledger?), so there is no run to roll back;");
  }

  @Test
  void migrateRollback_whileALiveRunHoldsTheMigrationLock_refusesWithExitCode3AndChangesNothing()
      throws Exception {
    Path m = migrations();
    migrated(m);
    Map<String, Map<String, AttributeValue>> migratedCars = local.cars();
    Instant now = Instant.now();
    Map<String, AttributeValue> lock =
        RollbackTestEngine.lockItem(
            "20261130T120000Z-0a1b2c",
            "0002_other",
            "carol",
            "box3",
            now,
            now,
            now.plusSeconds(600));
    local.client.putItem(r -> r.tableName("pitr-ledger").item(lock)).join();

    CliRun run = new CliRun();
    int code = run(run, m, "rollback", "0001", "--yes");

    assertThat(code).isEqualTo(3);
    assertThat(run.err())
        .startsWith(
            "error: Another migration run holds the lock in pitr-ledger: run"
                + " 20261130T120000Z-0a1b2c of 0002_other by carol on box3 since "
                + now)
        .contains("wait for it to finish");
    assertThat(local.cars()).isEqualTo(migratedCars);
    assertThat(runRecord().get("status").s()).isEqualTo("SUCCEEDED");
    assertThat(local.client.listTables().join().tableNames())
        .noneMatch(t -> t.contains("recovery"));
  }

  @Test
  void migrateRollback_interruptedAfterPlanning_isResumedWithItsSavedPlans() throws Exception {
    Path m = migrations();
    Map<String, Map<String, AttributeValue>> before = migrated(m);
    editAfterTheRun();
    CliRun first = new CliRun();
    // Confirming, then stopping at once: the operator's Ctrl-C, in-process.
    first.migrate().input =
        new BufferedReader(new StringReader("y\n")) {
          @Override
          public String readLine() throws java.io.IOException {
            Thread.currentThread().interrupt();
            return super.readLine();
          }
        };

    int code = run(first, m, "rollback", "0001");

    assertThat(code).as(first.out() + first.err()).isNotZero();
    Matcher id = Pattern.compile("Applying as rollback (\\w+);").matcher(first.out());
    assertThat(id.find()).as(first.out()).isTrue();
    assertThat(first.out()).contains("Kept recovery tables until the rollback completes: ");
    assertThat(runRecord().get("status").s()).isEqualTo("SUCCEEDED");

    CliRun resumed = new CliRun();
    int again = run(resumed, m, "rollback", "0001", "--resume", id.group(1), "--yes");

    assertThat(again).as(resumed.err() + resumed.out()).isZero();
    assertThat(resumed.out())
        .contains("Resuming rollback " + id.group(1) + " of run ")
        .contains("Conflicts kept as they are: 1");
    assertRolledBack(before);
    assertThat(runRecord().get("status").s()).isEqualTo("ROLLED_BACK");
    assertThat(dir.resolve("state").resolve("rollbacks").resolve(id.group(1))).doesNotExist();

    CliRun twice = new CliRun();
    assertThat(run(twice, m, "rollback", "0001", "--resume", id.group(1), "--yes")).isEqualTo(2);
    assertThat(twice.err())
        .contains("No migration rollback " + id.group(1) + " in " + dir.resolve("state"));
  }

  @Test
  void migrateRollback_namesItsIdAndResumeBeforeItsFirstRestore() throws Exception {
    Path m = migrations();
    migrated(m);
    CliRun first = new CliRun();

    assertThat(run(first, m, "rollback", "0001", "--yes")).as(first.err()).isZero();

    Matcher line =
        Pattern.compile(
                "Rolling back run \\S+ of 0001_cars_get_a_price to its restore point \\S+ as"
                    + " rollback (\\w+); if it is interrupted, continue it with: (.+)")
            .matcher(first.out());
    assertThat(line.find()).as(first.out()).isTrue();
    assertThat(line.group(2))
        .isEqualTo(
            "pitr migrate rollback 0001_cars_get_a_price --resume "
                + line.group(1)
                + " --migrations-dir "
                + m
                + " --endpoint-url "
                + local.endpoint
                + " --state-dir "
                + dir.resolve("state"));
    assertThat(first.err()).containsPattern("summary command=rollback-apply .*items_written=\\d");
    assertThat(first.out().indexOf(line.group()))
        .as("named before the plan is printed")
        .isLessThan(first.out().indexOf("Applying as rollback " + line.group(1)));
  }

  @Test
  void migrateRollback_interruptedWhileApplying_settlesExits130AndItsResumeGoesOnAtOnce()
      throws Exception {
    Path m = migrations();
    Map<String, Map<String, AttributeValue>> before = migrated(m);
    editAfterTheRun();
    CliRun first = new CliRun();
    // One item per chunk, four chunks in flight, every call answered 150 ms late: the interrupt,
    // as soon as the apply watches for one, comes before the apply's checks and first chunks are
    // done, so chunks are left to start.
    local.engine.setFaults(Faults.parse("latency=1,delay=150ms"));
    java.util.concurrent.CompletableFuture<Integer> exit =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> run(first, m, "rollback", "0001", "--yes", "--chunk-items", "1"));
    Poll.until(Duration.ofSeconds(60), "the apply watched", () -> Interruption.current() != null);

    Interruption.current().trigger();

    assertThat(exit.get(60, java.util.concurrent.TimeUnit.SECONDS))
        .as(first.out() + first.err())
        .isEqualTo(130);
    Matcher id = Pattern.compile("Applying as rollback (\\w+);").matcher(first.out());
    assertThat(id.find()).isTrue();
    assertThat(first.err())
        .contains("Interrupted: finishing the writes in flight and saving checkpoints")
        .contains(
            "Stopped by an interrupt after it restored ",
            "Resume with: pitr migrate rollback 0001_cars_get_a_price --resume " + id.group(1));
    local.engine.setFaults(Faults.NONE);
    assertThat(runRecord().get("status").s()).isEqualTo("SUCCEEDED");
    // The lock was let go: the resume goes on at once and finishes the rollback.
    CliRun resumed = new CliRun();

    int code = run(resumed, m, "rollback", "0001", "--resume", id.group(1), "--yes");

    assertThat(code).as(resumed.err() + resumed.out()).isZero();
    assertRolledBack(before);
    assertThat(runRecord().get("status").s()).isEqualTo("ROLLED_BACK");
  }

  @Test
  void migrateRollback_stoppedDuringItsRestore_resumesWithTheRecoveryTableItsRestoreMade()
      throws Exception {
    local.close();
    local =
        new RollbackTestEngine(
            EngineConfig.defaults()
                .withRestoreLag(Duration.ZERO)
                .withRestoreDuration(Duration.ofSeconds(1)));
    Path m = migrations();
    Map<String, Map<String, AttributeValue>> before = migrated(m);
    editAfterTheRun();
    // A rollback stopped (as by kill -9) once its restore has started: its manifest is saved and
    // its recovery table is CREATING; nothing undoes them.
    MigrationEnvironment env =
        MigrationEnvironment.create(
            local.client,
            Clock.systemUTC(),
            Schedulers.parallel(),
            MigrationEnvironment.Settings.defaults(local.endpoint));
    RunRecord run = env.ledger().runs("0001_cars_get_a_price").blockLast(Duration.ofSeconds(10));
    String recovery = RecoveryNames.of("cars", "stop1");
    Disposable stopped =
        Rollbacks.create(
                local.client,
                Clock.systemUTC(),
                Schedulers.parallel(),
                Rollbacks.Settings.defaults(
                    local.endpoint, "test", dir.resolve("state").resolve("rollbacks")))
            .planMigration(env, run, false, Duration.ofMinutes(5), "stop1")
            .subscribe(r -> {}, e -> {});
    Poll.until(
        Duration.ofSeconds(30),
        "recovery table " + recovery,
        () -> local.client.listTables().join().tableNames().contains(recovery));
    stopped.dispose();
    CliRun resumed = new CliRun();

    int code = run(resumed, m, "rollback", "0001", "--resume", "stop1", "--yes");

    assertThat(code).as(resumed.err() + resumed.out()).isZero();
    assertThat(resumed.out())
        .contains(
            "Resuming rollback stop1 of run "
                + run.runId()
                + " of 0001_cars_get_a_price to its restore point "
                + run.restorePoint()
                + ": it was stopped before it saved its plans, so it plans again, using the"
                + " recovery tables its restores made");
    assertRolledBack(before);
    assertThat(runRecord().get("status").s()).isEqualTo("ROLLED_BACK");
  }

  /** No recovery table, the cars as the run left them, the run still SUCCEEDED, no state. */
  private void assertNothingChanged(Map<String, Map<String, AttributeValue>> migratedCars) {
    assertThat(local.client.listTables().join().tableNames())
        .noneMatch(t -> t.contains("recovery"));
    assertThat(local.cars()).isEqualTo(migratedCars);
    assertThat(runRecord().get("status").s()).isEqualTo("SUCCEEDED");
    assertThat(dir.resolve("state").resolve("runs")).doesNotExist();
  }

  @Test
  void migrateRollback_withANegativeMaxWcuOrRetries_exitsTwoBeforeAnyRestore() throws Exception {
    Path m = migrations();
    migrated(m);
    Map<String, Map<String, AttributeValue>> migratedCars = local.cars();

    for (String[] bad :
        List.of(new String[] {"--max-wcu", "-1"}, new String[] {"--retries", "-1"})) {
      CliRun run = new CliRun();
      int code = run(run, m, "rollback", "0001", "--yes", bad[0], bad[1]);

      assertThat(code).as(bad[0]).isEqualTo(2);
      // The range is checked at parse time or, failing that, before the first restore.
      assertThat(run.err()).as(bad[0]).startsWith("error: ").contains(bad[0]).contains("-1");
      assertThat(run.out()).as(bad[0]).doesNotContain("Rolling back");
      assertNothingChanged(migratedCars);
    }
  }

  @Test
  void migrateRollback_withAPlanPathThatCannotBeWritten_exitsTwoBeforeAnyRestore()
      throws Exception {
    Path m = migrations();
    migrated(m);
    Map<String, Map<String, AttributeValue>> migratedCars = local.cars();
    Path file = Files.writeString(dir.resolve("notes.txt"), "not a folder");
    Path plan = file.resolve("plan.jsonl");
    CliRun run = new CliRun();

    int code = run(run, m, "rollback", "0001", "--plan", plan.toString());

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: Cannot write --plan "
                + plan
                + ": "
                + file
                + " is not a folder; choose a path under an existing folder. Nothing was"
                + " changed.\n");
    assertNothingChanged(migratedCars);
  }

  @Test
  void migrateRollback_withPlan_savesTheSealedPlan_writesNoItem_andDropsTheRecoveryTable()
      throws Exception {
    Path m = migrations();
    migrated(m);
    editAfterTheRun();
    Map<String, Map<String, AttributeValue>> edited = local.cars();
    Path plan = dir.resolve("preview.jsonl");
    CliRun run = new CliRun();

    int code = run(run, m, "rollback", "0001", "--plan", plan.toString());

    assertThat(code).as(run.err()).isZero();
    assertThat(run.out())
        .contains("conflict  1   e.g. {\"pk\":{\"S\":\"car#002\"}}")
        .contains("Plan for cars saved to " + plan + "\n")
        .contains(
            "Nothing was written. To roll back, run 'pitr migrate rollback"
                + " 0001_cars_get_a_price': it plans again, so items changed since are seen, and"
                + " marks the run ROLLED_BACK")
        .contains("Dropped recovery tables: cars-recovery-");
    List<String> lines = Files.readAllLines(plan);
    assertThat(lines.get(0))
        .startsWith("{\"pitrRollbackPlan\":2,\"table\":\"cars\"")
        .contains("\"scope\":\"migration 0001_cars_get_a_price run ")
        .doesNotContain("recoveryTables");
    assertThat(lines.get(lines.size() - 1)).startsWith("{\"pitrSeal\":1,");
    assertThat(local.cars()).isEqualTo(edited);
    assertThat(runRecord().get("status").s()).isEqualTo("SUCCEEDED");
    assertThat(local.client.listTables().join().tableNames())
        .noneMatch(t -> t.contains("recovery"));
    assertThat(dir.resolve("state").resolve("rollbacks")).isEmptyDirectory();
  }

  @Test
  void migrateRollback_resumedWithASavedPlanCutShort_exitsTwo_andWritesNothing() throws Exception {
    Path m = migrations();
    migrated(m);
    CliRun first = new CliRun();
    first.migrate().input =
        new BufferedReader(new StringReader("y\n")) {
          @Override
          public String readLine() throws java.io.IOException {
            Thread.currentThread().interrupt();
            return super.readLine();
          }
        };
    assertThat(run(first, m, "rollback", "0001")).isNotZero();
    Matcher id = Pattern.compile("Applying as rollback (\\w+);").matcher(first.out());
    assertThat(id.find()).as(first.out()).isTrue();
    Map<String, Map<String, AttributeValue>> migratedCars = local.cars();
    Path saved =
        dir.resolve("state")
            .resolve("rollbacks")
            .resolve(id.group(1))
            .resolve("cars")
            .resolve("plan.jsonl");
    List<String> lines = Files.readAllLines(saved);
    Files.write(saved, lines.subList(0, 3));
    CliRun resumed = new CliRun();

    int code = run(resumed, m, "rollback", "0001", "--resume", id.group(1), "--yes");

    assertThat(code).isEqualTo(2);
    assertThat(resumed.err())
        .isEqualTo(
            "error: Rollback plan "
                + saved
                + " cannot be trusted: it does not end with the seal line pitr writes last, so it"
                + " was cut short, edited, or not written by pitr; start the rollback again with"
                + " 'pitr migrate rollback 0001_cars_get_a_price' (recovery tables it made stay"
                + " until removed: 'pitr status TABLE' lists them, 'pitr drop' removes them)."
                + " Nothing was changed.\n");
    assertThat(local.cars()).isEqualTo(migratedCars);
    assertThat(runRecord().get("status").s()).isEqualTo("SUCCEEDED");
  }

  @Test
  void migrateRollback_whenTheRestorePointLeftTheWindow_exitsThreeBeforeAnyRestore()
      throws Exception {
    Path m = migrations();
    migrated(m);
    Map<String, Map<String, AttributeValue>> migratedCars = local.cars();
    // Turning PITR off and on again starts the window anew, after the run.
    for (boolean on : new boolean[] {false, true}) {
      local
          .client
          .updateContinuousBackups(
              r ->
                  r.tableName("cars")
                      .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(on)))
          .join();
    }
    String restorePoint = runRecord().get("restorePoint").s();
    CliRun run = new CliRun();

    int code = run(run, m, "rollback", "0001", "--yes");

    assertThat(code).as(run.err()).isEqualTo(3);
    assertThat(run.err())
        .startsWith(
            "error: Run "
                + runRecord().get("runId").s()
                + "'s restore point "
                + restorePoint
                + " is outside the restore window of table cars (")
        .contains("): it is before the earliest restorable time;");
    assertNothingChanged(migratedCars);
  }

  @Test
  void migrateRollback_dryRun_namesTheRunAndItsJournaledWrites_withoutRestoringOrWriting()
      throws Exception {
    Path m = migrations();
    migrated(m);
    Map<String, Map<String, AttributeValue>> migratedCars = local.cars();
    List<String> tablesBefore = local.client.listTables().join().tableNames();

    CliRun run = new CliRun();
    int code = run(run, m, "rollback", "0001", "--dry-run");

    assertThat(code).as(run.err() + run.out()).isZero();
    assertThat(run.out())
        .startsWith("Dry run: a rollback would undo run ")
        .contains(" of 0001_cars_get_a_price (succeeded) by restoring ")
        .containsPattern("\\n  cars: \\d+ journaled writes .* to put back as they were")
        .endsWith(
            "Nothing was restored or written. 'pitr migrate rollback 0001_cars_get_a_price --plan"
                + " FILE' restores the run's restore point and saves the item-by-item plan,"
                + " conflicts included.\n");
    assertThat(local.cars()).isEqualTo(migratedCars);
    assertThat(local.client.listTables().join().tableNames()).isEqualTo(tablesBefore);
    assertThat(runRecord().get("status").s()).isEqualTo("SUCCEEDED");
  }

  @Test
  void migrateRollback_dryRunWithPlan_isRefusedBeforeAnything() throws Exception {
    Path m = migrations();

    CliRun run = new CliRun();
    int code =
        run(run, m, "rollback", "0001", "--dry-run", "--plan", dir.resolve("p.jsonl").toString());

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --dry-run previews without restoring; drop --plan (which restores to make the"
                + " plan) or --dry-run\n");
  }

  @Test
  void migrateRollback_withOutputJson_printsPlansAndResultsAsOneDocument() throws Exception {
    Path m = migrations();
    migrated(m);

    CliRun run = new CliRun();
    int code = run(run, m, "rollback", "0001", "--yes", "--output", "json");

    assertThat(code).as(run.err() + run.out()).isZero();
    com.fasterxml.jackson.databind.JsonNode doc =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.out());
    assertThat(doc.get("migration").asText()).isEqualTo("0001_cars_get_a_price");
    assertThat(doc.get("rolledBack").asBoolean()).isTrue();
    assertThat(doc.get("plans").get(0).get("table").asText()).isEqualTo("cars");
    assertThat(doc.get("results").get(0).get("complete").asBoolean()).isTrue();
    assertThat(run.err()).contains("Rollback plan for cars");
  }
}
