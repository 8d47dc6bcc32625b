package pitr.runbook;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.copy.FileCheckpoints;
import pitr.dynamo.ReadUnits;
import pitr.migrate.ItemHash;
import pitr.migrate.Lease;
import pitr.migrate.MigrationCatalog;
import pitr.migrate.MigrationEnvironment;
import pitr.migrate.MigrationFile;
import pitr.migrate.RunRequest;
import pitr.migrate.api.RunMode;
import pitr.restore.PointInTimeRestorer;
import pitr.restore.RestorePoint;
import pitr.restore.RestoreRequest;
import pitr.rollback.Action;
import pitr.rollback.ApplyRequest;
import pitr.rollback.ApplyResult;
import pitr.rollback.ExportRollbacks;
import pitr.rollback.PlanItem;
import pitr.rollback.Rollbacks;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The steps that change a table the way an operator would with pitr: {@code migrate} (a migration
 * run in DEV mode, ledger and journal included), {@code rollback} (restore T0, plan, apply, drop
 * the recovery tables; or plan from an incremental export with {@code source: export}), each
 * recorded as a {@link RecoveryPath}, and {@code migrate-rollback} (the same for a migration's last
 * run, under its lease). Rollbacks remember the keys they considered and the conflicts they
 * reported, for {@code assert-conflicts}, and add their conflicts and lost items to the drill's
 * totals.
 *
 * <p>Plans and checkpoints go to a temporary folder per step, deleted after it.
 */
final class RecoverySteps {
  private static final Duration RESTORE_TIMEOUT = Duration.ofHours(2);
  private static final Duration RESTORE_WINDOW_WAIT = Duration.ofMinutes(15);
  private static final Duration EXPORT_POLL = Duration.ofSeconds(1);

  private final DrillContext drill;

  RecoverySteps(DrillContext drill) {
    this.drill = drill;
  }

  Mono<String> migrate(Runbook runbook, Step.Migrate s) {
    Path dir = runbook.dir().resolve(s.migrationsDir() == null ? "migrations" : s.migrationsDir());
    return Mono.defer(
        () -> {
          MigrationFile file = new MigrationCatalog(dir).resolve(s.name());
          RunRequest request =
              RunRequest.of(file, RunMode.DEV, DrillContext.user(), "drill").withMaxWcu(0);
          return drill
              .environment()
              .runner(dir, new SimpleMeterRegistry())
              .run(request)
              .map(
                  r ->
                      String.format(
                          "%s wrote %,d items (run %s, restore point %s)",
                          r.migration(), r.itemsWritten(), r.runId(), r.restorePoint()));
        });
  }

  Mono<String> restore(Step.Restore s) {
    Instant at = drill.instant(s.to());
    RestoreRequest request =
        RestoreRequest.of(s.table(), RestorePoint.at(at)).as(s.as()).waiting(RESTORE_TIMEOUT);
    return awaitRestorable(s.table(), at)
        .flatMap(
            waited ->
                PointInTimeRestorer.create(drill.gateway, drill.clock, DrillContext.user())
                    .restore(request, d -> {})
                    .map(
                        r ->
                            waited
                                + "restored "
                                + s.table()
                                + " as of "
                                + at
                                + " into "
                                + s.as()
                                + (r.notCarriedOver().isEmpty()
                                    ? ""
                                    : "; not carried over: "
                                        + String.join("; ", r.notCarriedOver()))));
  }

  Mono<String> rollback(Step.Rollback s) {
    boolean overwrite = "overwrite".equals(s.onConflict());
    Instant t0 = drill.instant(s.to());
    Instant t1 = s.incidentEnd() == null ? null : drill.instant(s.incidentEnd());
    Rollbacks.TableRequest request =
        new Rollbacks.TableRequest(
            s.table(), t0, t1, overwrite, Boolean.TRUE.equals(s.deleteExtra()), RESTORE_TIMEOUT);
    int step = drill.step;
    Instant started = drill.clock.instant();
    ReadUnits reads = drill.target.reads();
    double live0 = reads == null ? 0 : reads.of(s.table());
    double all0 = reads == null ? 0 : reads.total();
    return awaitRestorable(s.table(), t1 != null ? t1 : t0)
        .flatMap(
            waited ->
                inWorkDir(
                    dir -> {
                      Rollbacks rollbacks = rollbacks(dir);
                      return plan(s, request, dir, rollbacks)
                          .flatMap(
                              prepared ->
                                  rollbacks
                                      .apply(prepared.plan(), applyRequest(dir, Rollbacks.newId(4)))
                                      .flatMap(
                                          result ->
                                              account(prepared.plan().items(), List.of(result))
                                                  .thenReturn(result))
                                      .flatMap(
                                          result ->
                                              rollbacks
                                                  .drop(prepared.recoveryTables())
                                                  .then(
                                                      Mono.fromSupplier(
                                                          () -> {
                                                            drill.paths.add(
                                                                new RecoveryPath(
                                                                    step,
                                                                    s.table(),
                                                                    s.fromExport()
                                                                        ? "export"
                                                                        : "restore",
                                                                    Duration.between(
                                                                        started,
                                                                        drill.clock.instant()),
                                                                    result.restored(),
                                                                    result.deleted(),
                                                                    result.conflictCount(),
                                                                    reads == null
                                                                        ? -1
                                                                        : reads.of(s.table())
                                                                            - live0,
                                                                    reads == null
                                                                        ? -1
                                                                        : reads.total() - all0,
                                                                    drill.lastOverwritten
                                                                        + result
                                                                            .notVerified()
                                                                            .size()
                                                                        + result.failed().size(),
                                                                    prepared
                                                                        .recoveryTables()
                                                                        .size()));
                                                            return waited + summary(result);
                                                          }))));
                    }));
  }

  /**
   * Plans a {@code rollback} step: from two restored tables, or from an incremental export of [T0,
   * T1) to the step's bucket.
   */
  private Mono<Rollbacks.Prepared> plan(
      Step.Rollback s, Rollbacks.TableRequest request, Path dir, Rollbacks rollbacks) {
    if (!s.fromExport()) {
      return rollbacks.planTable(request);
    }
    return Mono.defer(
        () ->
            ExportRollbacks.create(
                    drill.target.client(),
                    drill.clock,
                    drill.scheduler,
                    settings(dir),
                    drill.target.exports(s.bucket()),
                    EXPORT_POLL)
                .planTable(
                    request,
                    new ExportRollbacks.Source(s.bucket(), s.prefix(), null, RESTORE_TIMEOUT, 0),
                    d -> {}));
  }

  Mono<String> migrateRollback(Step.MigrateRollback s) {
    MigrationEnvironment env = drill.environment();
    boolean overwrite = "overwrite".equals(s.onConflict());
    String id = Rollbacks.newId(4);
    return inWorkDir(
        dir -> {
          Rollbacks rollbacks = rollbacks(dir);
          return env.<String>underLock(
              "rollback-" + id,
              s.name(),
              DrillContext.user(),
              "drill",
              lease ->
                  rollbacks
                      .lastRun(env, s.name())
                      .flatMap(
                          run ->
                              rollbacks
                                  .proveCanRecordRolledBack(env, run, lease)
                                  .thenMany(Flux.fromIterable(run.tables()))
                                  .concatMap(t -> awaitRestorable(t, run.restorePoint()))
                                  .then(
                                      rollbacks.planMigration(
                                          env, run, overwrite, RESTORE_TIMEOUT, id)))
                      .flatMap(rollback -> applyAll(env, rollbacks, rollback, lease, dir)));
        });
  }

  private Mono<String> applyAll(
      MigrationEnvironment env,
      Rollbacks rollbacks,
      Rollbacks.MigrationRollback rollback,
      Lease lease,
      Path dir) {
    Mono<List<ApplyResult>> applied =
        Flux.fromIterable(rollback.plans())
            .index()
            .concatMap(
                p ->
                    rollbacks.apply(
                        p.getT2().plan(), applyRequest(dir, rollback.id() + "-" + (p.getT1() + 1))))
            .collectList();
    return applied.flatMap(
        results -> {
          boolean complete = results.stream().allMatch(ApplyResult::complete);
          Mono<String> marked =
              complete
                  ? rollbacks
                      .recordRolledBack(env, rollback, lease, by(), results)
                      .thenReturn(" rolled back; ")
                  : Mono.just(" NOT marked rolled back (incomplete); ");
          StringBuilder counts = new StringBuilder();
          results.forEach(r -> counts.append(summary(r)));
          return account(
                  Flux.fromIterable(rollback.plans()).concatMap(p -> p.plan().items()), results)
              .then(marked)
              .flatMap(
                  m ->
                      rollbacks
                          .drop(rollback.recoveryTables())
                          .thenReturn(
                              "run "
                                  + rollback.run().runId()
                                  + " of "
                                  + rollback.run().migration()
                                  + m
                                  + counts));
        });
  }

  /**
   * Remembers the keys a rollback considered and the conflicts it reported, for {@code
   * assert-conflicts}, and adds its conflicts and lost items to the drill's totals.
   */
  private Mono<Void> account(Flux<PlanItem> items, List<ApplyResult> results) {
    LinkedHashSet<String> overwritten = new LinkedHashSet<>();
    return items
        .doOnNext(
            i -> {
              // With --on-conflict overwrite the plan restores its conflicts: the apply result
              // does not list them, but the drill found them all the same.
              if (i.conflict() && i.action() != Action.CONFLICT) {
                overwritten.add(ItemHash.canonical(i.key()));
              }
            })
        .map(i -> ItemHash.canonical(i.key()))
        .collect(Collectors.toCollection(LinkedHashSet::new))
        .doOnNext(
            candidates -> {
              drill.lastCandidates = candidates;
              LinkedHashSet<String> conflicts = new LinkedHashSet<>(overwritten);
              drill.conflicts += overwritten.size();
              drill.lastOverwritten = overwritten.size();
              for (ApplyResult result : results) {
                result.allConflicts().forEach(k -> conflicts.add(ItemHash.canonical(k)));
                drill.conflicts += result.conflictCount();
                drill.dataLost += result.notVerified().size() + result.failed().size();
              }
              drill.lastConflicts = conflicts;
            })
        .then();
  }

  private static String summary(ApplyResult r) {
    return String.format(
        "restored %,d, deleted %,d, conflicts %,d, not verified %,d, failed %,d",
        r.restored(), r.deleted(), r.conflictCount(), r.notVerified().size(), r.failed().size());
  }

  private static String by() {
    return "pitr drill (" + DrillContext.user() + ")";
  }

  private Rollbacks rollbacks(Path dir) {
    return Rollbacks.create(drill.target.client(), drill.clock, drill.scheduler, settings(dir));
  }

  private Rollbacks.Settings settings(Path dir) {
    return Rollbacks.Settings.defaults(drill.target.name(), by(), dir.resolve("rollbacks"));
  }

  private static ApplyRequest applyRequest(Path dir, String runId) {
    return ApplyRequest.of(runId, FileCheckpoints.in(dir), dir.resolve(runId + "-failures.jsonl"));
  }

  /** Runs {@code work} with a new temporary folder for plans and checkpoints, deleted after. */
  private static <T> Mono<T> inWorkDir(Function<Path, Mono<T>> work) {
    return Mono.usingWhen(
        Mono.fromCallable(() -> Files.createTempDirectory("pitr-drill-"))
            .subscribeOn(Schedulers.boundedElastic()),
        work,
        dir -> Mono.fromRunnable(() -> deleteTree(dir)));
  }

  private static void deleteTree(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // Leftover temporary files are harmless.
    }
  }

  /**
   * Waits until {@code table} can be restored to {@code at}: at once on the embedded engine once
   * time was advanced; on AWS (whose latest restorable time trails now by about five minutes) the
   * drill waits, polling every second. Emits what it waited, for the step's detail.
   */
  private Mono<String> awaitRestorable(String table, Instant at) {
    long started = drill.scheduler.now(TimeUnit.MILLISECONDS);
    return drill
        .gateway
        .describeContinuousBackups(table)
        .map(d -> d.pointInTimeRecoveryDescription())
        .filter(
            p ->
                p != null
                    && p.latestRestorableDateTime() != null
                    && !p.latestRestorableDateTime().isBefore(at))
        .repeatWhenEmpty(r -> r.delayElements(Duration.ofSeconds(1), drill.scheduler))
        .timeout(RESTORE_WINDOW_WAIT, drill.scheduler)
        .onErrorMap(
            TimeoutException.class,
            e ->
                new PitrException(
                    ErrorCode.FAILED,
                    "The restore window of "
                        + table
                        + " did not reach "
                        + at
                        + " within "
                        + RESTORE_WINDOW_WAIT
                        + "; check that point-in-time recovery is on"))
        .map(
            p -> {
              long waited = drill.scheduler.now(TimeUnit.MILLISECONDS) - started;
              return waited < 1000
                  ? ""
                  : String.format(
                      "waited %.0f s for the restore window to reach %s; ", waited / 1000.0, at);
            });
  }
}
