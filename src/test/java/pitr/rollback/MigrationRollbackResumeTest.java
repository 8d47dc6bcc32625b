package pitr.rollback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.DynamoDbGateway;
import pitr.migrate.MigrationState;
import pitr.restore.PointInTimeRestorer;
import pitr.restore.RecoveryNames;
import pitr.restore.RestorePoint;
import pitr.restore.RestoreRequest;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A migration rollback stopped (killed) during its restores, before it saved its plans, resumed
 * with its id: its saved manifest names the run, and the recovery table its restore started is
 * used, once ACTIVE, instead of restoring again; a table of that name that is not that recovery
 * table is refused and left as it is.
 */
class MigrationRollbackResumeTest {
  private static final Duration RESTORE = Duration.ofMinutes(20);

  @TempDir Path dir;
  private MigrationIncident stopped;
  private MigrationIncident fresh;

  @AfterEach
  void stop() {
    for (MigrationIncident f : new MigrationIncident[] {stopped, fresh}) {
      if (f != null) {
        f.close();
      }
    }
  }

  private static Rollbacks rollbacks(MigrationIncident f, Path work) {
    return Rollbacks.create(
        f.local.client,
        f.clock,
        Schedulers.parallel(),
        new Rollbacks.Settings(f.local.endpoint(), "test", work, 50_000, Duration.ofMillis(10)));
  }

  /**
   * What a rollback {@code id} killed right after it asked for its restore leaves: its manifest
   * saved before the restore, and the recovery table tagged and still CREATING.
   */
  private static void killedDuringRestore(MigrationIncident f, Path work, String id)
      throws Exception {
    RollbackManifest.planning(id, f.run).write(work.resolve(id));
    PointInTimeRestorer.create(DynamoDbGateway.create(f.local.client, "test"), f.clock, "test")
        .restore(
            RestoreRequest.of("things", RestorePoint.at(f.run.restorePoint()))
                .as(RecoveryNames.of("things", id))
                .withoutIndexes()
                .waiting(null),
            d -> {})
        .block(Duration.ofSeconds(30));
  }

  private List<String> recoveryTables(MigrationIncident f) {
    return f.local.client.listTables().join().tableNames().stream()
        .filter(t -> t.contains("recovery"))
        .toList();
  }

  @Test
  void resume_ofARollbackKilledDuringItsRestore_usesItsRecoveryTableAndPlansAsAFreshRollback()
      throws Exception {
    stopped = new MigrationIncident(dir.resolve("stopped"), Duration.ofMinutes(10), RESTORE);
    Path work = dir.resolve("work");
    killedDuringRestore(stopped, work, "rb01");
    String t0 = RecoveryNames.of("things", "rb01");
    assertThat(
            stopped.local.client.describeTable(r -> r.tableName(t0)).join().table().tableStatus())
        .hasToString("CREATING");
    stopped.clock.advance(RESTORE);
    Rollbacks rollbacks = rollbacks(stopped, work);

    Rollbacks.MigrationRollback saved =
        rollbacks.resumeMigration(stopped.env, "0001_mess", "rb01").block(Duration.ofSeconds(30));

    assertThat(saved.plans()).as("no plans were saved").isEmpty();
    assertThat(saved.run().runId()).isEqualTo(stopped.run.runId());
    Rollbacks.MigrationRollback planned =
        rollbacks
            .planMigration(stopped.env, saved.run(), false, Duration.ofHours(1), "rb01", true)
            .block(Duration.ofSeconds(60));

    assertThat(planned.recoveryTables()).containsExactly(t0);
    assertThat(recoveryTables(stopped)).as("no second restore").containsExactly(t0);
    // The same plan as a rollback that was never stopped, on an incident built alike.
    fresh = new MigrationIncident(dir.resolve("fresh"), Duration.ofMinutes(10));
    RollbackPlan expected =
        rollbacks(fresh, dir.resolve("work-fresh"))
            .planMigration(fresh.env, fresh.run, false, Duration.ofHours(1), "rb02")
            .block(Duration.ofSeconds(60))
            .plans()
            .get(0)
            .plan();
    RollbackPlan plan = planned.plans().get(0).plan();
    assertThat(MigrationExportRollbacksTest.items(plan))
        .isNotEmpty()
        .isEqualTo(MigrationExportRollbacksTest.items(expected));
    // Its manifest now holds the plan, so a later resume applies it.
    assertThat(
            rollbacks
                .resumeMigration(stopped.env, "0001_mess", "rb01")
                .block(Duration.ofSeconds(30))
                .plans())
        .hasSize(1);
  }

  @Test
  void resume_ofARollbackOfARunLeftRunningByAProcessThatDied_isAccepted() throws Exception {
    stopped = new MigrationIncident(dir.resolve("stopped"), Duration.ofMinutes(10));
    Path work = dir.resolve("work");
    RollbackManifest.planning("rb04", stopped.run).write(work.resolve("rb04"));
    // The run's process died before it recorded its end: the ledger still says RUNNING.
    Map<String, AttributeValue> record =
        stopped.local.client.scan(r -> r.tableName("pitr-ledger")).join().items().stream()
            .filter(i -> i.get("pk").s().equals("run"))
            .findFirst()
            .orElseThrow();
    Map<String, AttributeValue> running = new HashMap<>(record);
    running.put("status", AttributeValue.fromS("RUNNING"));
    stopped.local.client.putItem(r -> r.tableName("pitr-ledger").item(running)).join();

    Rollbacks.MigrationRollback saved =
        rollbacks(stopped, work)
            .resumeMigration(stopped.env, "0001_mess", "rb04")
            .block(Duration.ofSeconds(30));

    assertThat(saved.run().status()).isEqualTo(MigrationState.RUNNING);
    assertThat(saved.run().runId()).isEqualTo(stopped.run.runId());
  }

  @Test
  void resume_whereATableOfItsRecoveryTablesNameIsNoRecoveryTable_isRefusedAndChangesNothing()
      throws Exception {
    stopped = new MigrationIncident(dir.resolve("stopped"), Duration.ofMinutes(10));
    Path work = dir.resolve("work");
    RollbackManifest.planning("rb03", stopped.run).write(work.resolve("rb03"));
    String t0 = RecoveryNames.of("things", "rb03");
    stopped.local.createTable(t0);
    Rollbacks rollbacks = rollbacks(stopped, work);
    Rollbacks.MigrationRollback saved =
        rollbacks.resumeMigration(stopped.env, "0001_mess", "rb03").block(Duration.ofSeconds(30));

    assertThatThrownBy(
            () ->
                rollbacks
                    .planMigration(
                        stopped.env, saved.run(), false, Duration.ofHours(1), "rb03", true)
                    .block(Duration.ofSeconds(60)))
        .isInstanceOfSatisfying(
            PitrException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.REFUSED);
              assertThat(e.getMessage())
                  .contains(
                      "Table "
                          + t0
                          + " exists, but its tags do not say it is a recovery table of things"
                          + " at "
                          + stopped.run.restorePoint())
                  .contains("pitr drop " + t0)
                  .contains("Nothing was changed.");
            });
    assertThat(recoveryTables(stopped)).containsExactly(t0);
    assertThat(stopped.local.count(t0)).isZero();
  }
}
