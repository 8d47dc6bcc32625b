package pitr.rollback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.copy.FileCheckpoints;
import pitr.export.DirectoryExportStore;
import pitr.files.SealedLines;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Migration rollbacks planned from incremental exports of the run's window, on the incident of
 * {@link MigrationIncident}: the same plans as from the journal and a restore, applied to the same
 * table item for item, with the same conflicts; and every window an export cannot cover refused
 * before anything is requested or written.
 */
class MigrationExportRollbacksTest {
  @TempDir Path dir;
  private MigrationIncident viaExport;
  private MigrationIncident viaRestore;

  @AfterEach
  void stop() {
    for (MigrationIncident f : new MigrationIncident[] {viaExport, viaRestore}) {
      if (f != null) {
        f.close();
      }
    }
  }

  private static Rollbacks.Settings settings(MigrationIncident f, Path work) {
    return Rollbacks.Settings.defaults(f.local.endpoint(), "test", work);
  }

  private MigrationExportRollbacks exports(MigrationIncident f, Path root) {
    return MigrationExportRollbacks.create(
        f.local.client,
        f.clock,
        Schedulers.parallel(),
        settings(f, root.resolve("work")),
        new DirectoryExportStore(root.resolve("s3")),
        Duration.ofMillis(10));
  }

  private static MigrationExportRollbacks.Source bucket() {
    return new MigrationExportRollbacks.Source("exports", "rollbacks", Duration.ofMinutes(5));
  }

  private Rollbacks.MigrationRollback fromExport(
      MigrationIncident f, Path root, boolean overwrite) {
    return exports(f, root)
        .planMigration(f.env, f.run, overwrite, bucket(), "e1", d -> {})
        .block(Duration.ofSeconds(60));
  }

  private static Rollbacks.MigrationRollback fromRestore(
      MigrationIncident f, Path work, boolean overwrite) {
    return Rollbacks.create(f.local.client, f.clock, Schedulers.parallel(), settings(f, work))
        .planMigration(f.env, f.run, overwrite, Duration.ofHours(1), "r1")
        .block(Duration.ofSeconds(60));
  }

  static Set<PlanItem> items(RollbackPlan plan) throws IOException {
    try (Stream<String> lines = Files.lines(plan.file())) {
      Set<PlanItem> out = new HashSet<>();
      lines.skip(1).filter(l -> !SealedLines.isSealLine(l)).map(PlanFile::item).forEach(out::add);
      return out;
    }
  }

  private ApplyResult apply(MigrationIncident f, RollbackPlan plan, String name) {
    ApplyResult r =
        Rollbacks.create(f.local.client, f.clock, Schedulers.parallel(), settings(f, dir))
            .apply(
                plan,
                ApplyRequest.of(
                    name,
                    FileCheckpoints.in(dir.resolve("state-" + name)),
                    dir.resolve("failures-" + name + ".jsonl")))
            .block(Duration.ofSeconds(60));
    assertThat(r.complete()).isTrue();
    return r;
  }

  private static List<String> files(Path root) throws IOException {
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).map(Path::toString).toList();
    }
  }

  private static AttributeValue s(String v) {
    return AttributeValue.fromS(v);
  }

  @Test
  void planMigration_fromAnExport_isThePlanFromTheJournalAndARestore_andAppliesToTheSameTable()
      throws Exception {
    viaExport = new MigrationIncident(dir.resolve("a"), Duration.ofMinutes(20));
    viaRestore = new MigrationIncident(dir.resolve("b"), Duration.ofMinutes(20));
    assertThat(viaExport.live()).isEqualTo(viaRestore.live());

    Rollbacks.MigrationRollback byExport = fromExport(viaExport, dir.resolve("a"), false);
    Rollbacks.MigrationRollback byRestore = fromRestore(viaRestore, dir.resolve("rw"), false);

    RollbackPlan e = byExport.plans().get(0).plan();
    RollbackPlan r = byRestore.plans().get(0).plan();
    assertThat(items(e)).isEqualTo(items(r)).hasSize(10);
    assertThat(e.counts()).isEqualTo(r.counts());
    assertThat(byExport.recoveryTables()).isEmpty();
    assertThat(e.scope())
        .startsWith("migration 0001_mess run " + viaExport.run.runId() + ", from export arn:aws")
        .contains(":table/things/export/");
    assertThat(e.to()).isEqualTo(viaExport.run.restorePoint());

    ApplyResult ae = apply(viaExport, e, "e");
    ApplyResult ar = apply(viaRestore, r, "r");
    assertThat(ae.restored()).isEqualTo(ar.restored()).isEqualTo(7);
    assertThat(ae.deleted()).isEqualTo(ar.deleted()).isZero();
    assertThat(Set.copyOf(ae.allConflicts())).isEqualTo(Set.copyOf(ar.allConflicts()));
    assertThat(ae.allConflicts())
        .containsExactlyInAnyOrder(
            Map.of("pk", s("t2")), Map.of("pk", s("t3")), Map.of("pk", s("n1")));
    Map<String, Map<String, AttributeValue>> after = viaExport.live();
    assertThat(after).isEqualTo(viaRestore.live());
    for (String pk : List.of("t0", "t1", "t4", "t5", "t6", "t7", "t8", "t9")) {
      assertThat(after.get(pk)).as(pk).isEqualTo(Map.of("pk", s(pk), "v", s("good")));
    }
    assertThat(after.get("t2").get("v").s()).isEqualTo("customer");
    assertThat(after).doesNotContainKey("t3");
    assertThat(after.get("n1").get("v").s()).isEqualTo("customer");
    assertThat(after.get("a1").get("v").s()).isEqualTo("customer");
    assertThat(viaExport.local.client.listTables().join().tableNames())
        .containsExactly("pitr-journal", "pitr-ledger", "things");
  }

  @Test
  void planMigration_fromAnExportWithOverwrite_plansTheConflictsAsARestoreDoes() throws Exception {
    viaExport = new MigrationIncident(dir.resolve("a"), Duration.ofMinutes(20));
    viaRestore = new MigrationIncident(dir.resolve("b"), Duration.ofMinutes(20));

    RollbackPlan e = fromExport(viaExport, dir.resolve("a"), true).plans().get(0).plan();
    RollbackPlan r = fromRestore(viaRestore, dir.resolve("rw"), true).plans().get(0).plan();

    assertThat(items(e)).isEqualTo(items(r));
    assertThat(items(e))
        .filteredOn(PlanItem::conflict)
        .extracting(PlanItem::action)
        .containsExactlyInAnyOrder(Action.RESTORE, Action.RESTORE, Action.DELETE);
  }

  @Test
  void planMigration_fromAnExport_isResumedFromItsSavedPlans() throws Exception {
    viaExport = new MigrationIncident(dir.resolve("a"), Duration.ofMinutes(20));
    Path work = dir.resolve("a/work");
    Rollbacks.MigrationRollback planned = fromExport(viaExport, dir.resolve("a"), false);

    Rollbacks.MigrationRollback resumed =
        Rollbacks.create(
                viaExport.local.client,
                viaExport.clock,
                Schedulers.parallel(),
                settings(viaExport, work))
            .resumeMigration(viaExport.env, "0001_mess", "e1")
            .block(Duration.ofSeconds(30));

    assertThat(resumed.run().runId()).isEqualTo(viaExport.run.runId());
    assertThat(items(resumed.plans().get(0).plan()))
        .isEqualTo(items(planned.plans().get(0).plan()));
  }

  @Test
  void planMigration_lessThanAnExportWindowAfterTheRun_isRefusedBeforeAnyExport() throws Exception {
    viaExport = new MigrationIncident(dir.resolve("a"), Duration.ofMinutes(5));
    Map<String, Map<String, AttributeValue>> before = viaExport.live();

    assertThatThrownBy(() -> fromExport(viaExport, dir.resolve("a"), false))
        .isInstanceOfSatisfying(
            PitrException.class, p -> assertThat(p.code()).isEqualTo(ErrorCode.REFUSED))
        .hasMessage(
            "Cannot roll back from an export: an incremental export covers at least 15m, so table"
                + " things can be exported from the restore point "
                + viaExport.run.restorePoint()
                + " of run "
                + viaExport.run.runId()
                + " of 0001_mess once its latest restorable time reaches 2026-11-30T12:19:59.999Z"
                + " (it is 2026-11-30T12:11:00Z); wait until then; or roll back from the run's"
                + " journal and a restore instead: 'pitr migrate rollback 0001_mess --source"
                + " restore'. Nothing was changed.");
    assertThat(viaExport.live()).isEqualTo(before);
    assertThat(files(dir.resolve("a/s3"))).isEmpty();
    assertThat(files(dir.resolve("a/work"))).isEmpty();
  }

  @Test
  void planMigration_withPointInTimeRecoveryOff_isRefusedBeforeAnyExport() throws Exception {
    viaExport = new MigrationIncident(dir.resolve("a"), Duration.ofMinutes(20));
    viaExport
        .local
        .client
        .updateContinuousBackups(
            r ->
                r.tableName("things")
                    .pointInTimeRecoverySpecification(s -> s.pointInTimeRecoveryEnabled(false)))
        .join();

    assertThatThrownBy(() -> fromExport(viaExport, dir.resolve("a"), false))
        .isInstanceOfSatisfying(
            PitrException.class, p -> assertThat(p.code()).isEqualTo(ErrorCode.REFUSED))
        .hasMessage(
            "Cannot roll back from an export: point-in-time recovery is off for table things; or"
                + " roll back from the run's journal and a restore instead: 'pitr migrate"
                + " rollback 0001_mess --source restore'. Nothing was changed.");
    assertThat(files(dir.resolve("a/s3"))).isEmpty();
  }

  @Test
  void planMigration_aDayAfterTheRun_exportsTheDayFromTheRestorePoint_andStillPlansAsARestore()
      throws Exception {
    viaExport = new MigrationIncident(dir.resolve("a"), Duration.ofHours(30));
    viaRestore = new MigrationIncident(dir.resolve("b"), Duration.ofHours(30));

    List<MigrationExportRollbacks.Window> windows =
        exports(viaExport, dir.resolve("a")).windows(viaExport.run).block();
    RollbackPlan e = fromExport(viaExport, dir.resolve("a"), false).plans().get(0).plan();
    RollbackPlan r = fromRestore(viaRestore, dir.resolve("rw"), false).plans().get(0).plan();

    assertThat(windows)
        .containsExactly(
            new MigrationExportRollbacks.Window(
                "things",
                viaExport.run.restorePoint(),
                viaExport.run.restorePoint().plus(Duration.ofHours(24))));
    assertThat(items(e)).isEqualTo(items(r));
  }
}
