package pitr.rollback;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.DynamoDbGateway;
import pitr.migrate.Lease;
import pitr.migrate.MigrationEnvironment;
import pitr.migrate.MigrationState;
import pitr.migrate.RollbackEntry;
import pitr.migrate.RunRecord;
import pitr.restore.PointInTimeRestorer;
import pitr.restore.RecoveryNames;
import pitr.restore.RecoveryTableDropper;
import pitr.restore.RestorePoint;
import pitr.restore.RestoreRequest;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * Rolls tables back: restores T0 (and T1) into recovery tables named {@code <table>-recovery-<id>}
 * through {@link PointInTimeRestorer}, so they carry pitr's recovery tags ({@code pitr status}
 * lists them, {@code pitr drop} accepts them); plans; applies a plan with checkpoints; and drops
 * the recovery tables through {@link RecoveryTableDropper}, which drops only tagged recovery
 * tables. Commands call these steps one by one so they can print the plan and ask before applying.
 *
 * <p>Plans are made in a work folder ({@link Settings#workDir()}, {@code <id>/plan.jsonl}):
 * planning holds no more than one spill partition in memory, and an apply streams the plan from its
 * file.
 *
 * <p>Partial failure: an apply that was interrupted resumes from its checkpoints ({@link
 * ApplyRequest#resume()}); an apply that was simply run again reads each item back first, so items
 * already restored are counted, not written, and nothing written since planning is overwritten.
 * Recovery tables left by a killed run are tagged recovery tables: {@code pitr status TABLE} lists
 * them and {@code pitr drop} removes them.
 */
public final class Rollbacks {
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * Settings of a rollback.
   *
   * @param targetName how messages name the target, e.g. "AWS (eu-west-1)"
   * @param createdBy the {@code pitr:created-by} tag of recovery tables
   * @param workDir where plans are made and kept until applied
   * @param partitionItems items per spill partition while planning (bounds memory)
   * @param restorePoll how often a restore's table status is polled
   */
  public record Settings(
      String targetName, String createdBy, Path workDir, int partitionItems, Duration restorePoll) {

    /** Partitions of 50,000 items; restores polled every 5 s. */
    public static Settings defaults(String targetName, String createdBy, Path workDir) {
      return new Settings(targetName, createdBy, workDir, 50_000, Duration.ofSeconds(5));
    }

    public Settings withPartitionItems(int items) {
      if (items < 1) {
        throw new PitrException(
            ErrorCode.USAGE, "--partition-items " + items + " must be at least 1");
      }
      return new Settings(targetName, createdBy, workDir, items, restorePoll);
    }
  }

  private final Tables tables;
  private final Clock clock;
  private final Scheduler scheduler;
  private final Settings settings;
  private final PointInTimeRestorer restorer;
  private final RecoveryTableDropper dropper;
  private final java.util.concurrent.atomic.AtomicBoolean stopRequested =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile ScanProgress progress = ScanProgress.NONE;

  private Rollbacks(
      DynamoDbAsyncClient client, Clock clock, Scheduler scheduler, Settings settings) {
    DynamoDbGateway gateway =
        DynamoDbGateway.create(client, settings.targetName()).withScheduler(scheduler);
    this.tables = new Tables(gateway);
    this.clock = clock;
    this.scheduler = scheduler;
    this.settings = settings;
    this.restorer =
        PointInTimeRestorer.create(gateway, clock, settings.createdBy())
            .polling(settings.restorePoll());
    this.dropper = RecoveryTableDropper.create(gateway, clock);
  }

  /** Rollbacks over {@code client}; the caller keeps and closes it. */
  public static Rollbacks create(
      DynamoDbAsyncClient client, Clock clock, Scheduler scheduler, Settings settings) {
    return new Rollbacks(client, clock, scheduler, settings);
  }

  /** Tells {@code progress} what planning a table's rollback reads; returns this. */
  public Rollbacks reporting(ScanProgress progress) {
    this.progress = progress;
    return this;
  }

  /**
   * What to roll back.
   *
   * @param table the live table
   * @param to T0: the instant to go back to
   * @param incidentEnd T1: when the bad change ended, or null
   * @param overwrite restore conflicts too ({@code --on-conflict overwrite})
   * @param deleteExtra without T1, delete items created after T0
   * @param restoreTimeout how long to wait for a recovery table to become ACTIVE
   */
  public record TableRequest(
      String table,
      Instant to,
      Instant incidentEnd,
      boolean overwrite,
      boolean deleteExtra,
      Duration restoreTimeout) {

    /**
     * T0 and T1 are taken to the millisecond: DynamoDB takes restore and export instants to the
     * millisecond (the SDK sends them so), and every step of the plan must put a write made in T1's
     * millisecond on the same side of it. A write in that millisecond is thus after the incident
     * (kept, or a conflict), never silently outside both the export and the incident.
     */
    public TableRequest {
      to = to == null ? null : to.truncatedTo(ChronoUnit.MILLIS);
      incidentEnd = incidentEnd == null ? null : incidentEnd.truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * Refuses a request that cannot describe a rollback, before anything is read or restored: the
     * incident must end after T0, and {@code deleteExtra} goes without T1.
     *
     * @throws PitrException {@link ErrorCode#USAGE} naming the options, their values and the fix
     */
    public void check() {
      if (incidentEnd != null && !incidentEnd.isAfter(to)) {
        throw new PitrException(
            ErrorCode.USAGE,
            "--incident-end "
                + incidentEnd
                + " is not after --to "
                + to
                + ": the incident ends after the instant to go back to; pass the earlier instant"
                + " (before the bad change) as --to and the later one (when it ended) as"
                + " --incident-end. Nothing was changed.");
      }
      if (incidentEnd != null && deleteExtra) {
        throw new PitrException(
            ErrorCode.USAGE,
            "--delete-extra is for rollbacks without --incident-end; with it, items created during"
                + " the incident are deleted anyway");
      }
      if (restoreTimeout == null || restoreTimeout.isNegative() || restoreTimeout.isZero()) {
        throw new PitrException(
            ErrorCode.USAGE,
            "--restore-timeout "
                + restoreTimeout
                + " must be positive; restores take 20 minutes or more on AWS, so pass e.g. PT2H");
      }
    }
  }

  /**
   * A plan and the recovery tables made for it.
   *
   * @param plan the plan, in the work folder
   * @param recoveryTables the recovery tables, to drop when done
   */
  public record Prepared(RollbackPlan plan, List<String> recoveryTables) {}

  /**
   * The rollback of a migration run: one plan per table the run declared, saved in {@code
   * <workDir>/<id>/} with a manifest so {@link #resumeMigration} finds them again.
   *
   * @param id the rollback's id
   * @param run the run rolled back
   * @param plans one per table
   */
  public record MigrationRollback(String id, RunRecord run, List<Prepared> plans) {
    /** Every recovery table made for the rollback. */
    public List<String> recoveryTables() {
      return plans.stream().flatMap(p -> p.recoveryTables().stream()).toList();
    }
  }

  /**
   * Restores T0 (and T1) and plans the rollback of a whole table. Before the first restore the
   * request is checked ({@link TableRequest#check}), the table must exist and both instants must be
   * inside its restore window (refused, {@link ErrorCode#REFUSED}, as {@code pitr restore} refuses
   * them). On failure the recovery tables made are dropped; any that cannot be are named in the
   * error.
   */
  public Mono<Prepared> planTable(TableRequest request) {
    String id = newId(3);
    String t0 = RecoveryNames.of(request.table(), id);
    String t1 =
        request.incidentEnd() == null ? null : RecoveryNames.of(request.table(), id + "-t1");
    List<String> made = Collections.synchronizedList(new ArrayList<>());
    Path dir = settings.workDir().resolve(id);
    Mono<Void> restores =
        Mono.fromRunnable(request::check)
            .then(tables.keySchema(request.table()))
            .then(restorer.checkRestorable(request.table(), request.to(), "--to"))
            .then(
                request.incidentEnd() == null
                    ? Mono.empty()
                    : restorer.checkRestorable(
                        request.table(), request.incidentEnd(), "--incident-end"))
            .then(restore(request.table(), t0, request.to(), request.restoreTimeout(), made))
            .then(
                t1 == null
                    ? Mono.empty()
                    : restore(
                        request.table(),
                        t1,
                        request.incidentEnd(),
                        request.restoreTimeout(),
                        made));
    return restores
        .then(
            Mono.defer(
                () ->
                    new RollbackPlanner(tables, clock, settings.partitionItems(), progress)
                        .planTable(
                            request.table(),
                            request.to(),
                            t0,
                            request.incidentEnd(),
                            t1,
                            request.overwrite(),
                            request.deleteExtra(),
                            List.copyOf(made),
                            dir)))
        .map(plan -> new Prepared(plan, List.copyOf(made)))
        .onErrorResume(e -> undo(e, made, dir));
  }

  /**
   * After {@code failure}: drops the recovery tables made and deletes the work folder, then fails
   * with {@code failure}; when a table cannot be dropped, the error names the tables left and how
   * to drop them.
   */
  private <T> Mono<T> undo(Throwable failure, List<String> made, Path dir) {
    List<String> left = List.copyOf(made);
    return drop(left)
        .then(Mono.fromRunnable(() -> RollbackPlanner.delete(dir)))
        .then(Mono.<T>error(failure))
        .onErrorMap(e -> e != failure, e -> leftBehind(failure, left, e));
  }

  private static PitrException leftBehind(Throwable failure, List<String> left, Throwable why) {
    ErrorCode code = failure instanceof PitrException p ? p.code() : ErrorCode.FAILED;
    String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
    return new PitrException(
        code,
        message
            + "; the recovery tables made for it could not be dropped ("
            + (why.getMessage() == null ? why.toString() : why.getMessage())
            + "), so they are left: "
            + String.join(", ", left)
            + "; drop each with 'pitr drop TABLE --yes' once it is ACTIVE ('pitr status' on the"
            + " live table lists them)",
        failure);
  }

  private Mono<Void> restore(
      String source, String target, Instant at, Duration timeout, List<String> made) {
    return restore(source, target, at, timeout, made, false);
  }

  /** {@code adopt}: use the target where a stopped process's restore made it already. */
  private Mono<Void> restore(
      String source,
      String target,
      Instant at,
      Duration timeout,
      List<String> made,
      boolean adopt) {
    RestoreRequest request =
        RestoreRequest.of(source, RestorePoint.at(at)).as(target).withoutIndexes().waiting(timeout);
    return (adopt ? restorer.restoreOrAdopt(request, d -> {}) : restorer.restore(request, d -> {}))
        .doOnSubscribe(s -> made.add(target))
        .onErrorResume(
            e -> {
              // Nothing was created when the restore was refused before it started.
              if (e instanceof PitrException p && p.code() != ErrorCode.FAILED) {
                made.remove(target);
              }
              return Mono.error(e);
            })
        .then();
  }

  /**
   * The run of {@code migration} a rollback undoes: the latest one that wrote (succeeded or failed)
   * and is not rolled back yet.
   *
   * @throws PitrException {@link ErrorCode#USAGE} when there is none, naming the ledger table when
   *     it does not exist
   */
  public Mono<RunRecord> lastRun(MigrationEnvironment env, String migration) {
    return env.ledger()
        .requireExists("to roll back")
        .thenMany(env.ledger().runs(migration))
        // RUNNING counts: the rollback holds the migration lock, so a run still RUNNING then is
        // one whose process died (its lease ran out); a live one keeps the lock and refuses us.
        .filter(
            r ->
                r.status() == MigrationState.SUCCEEDED
                    || r.status() == MigrationState.FAILED
                    || r.status() == MigrationState.RUNNING)
        .filter(r -> r.restorePoint() != null)
        .sort(RunRecord.BY_START)
        .last()
        .onErrorResume(
            java.util.NoSuchElementException.class,
            e ->
                Mono.error(
                    new PitrException(
                        ErrorCode.USAGE,
                        "Migration "
                            + migration
                            + " has no run to roll back in "
                            + env.ledger().table()
                            + "; 'pitr migrate list' shows its runs (a rolled back run cannot be"
                            + " rolled back again)")));
  }

  /**
   * Restores the run's restore point and plans, per table, the rollback of exactly the keys the run
   * journaled; an item whose live hash is not the journaled after-image is a conflict. The plans
   * and a manifest are saved under {@code <workDir>/<id>/} ({@code id} from {@link #newId}).
   */
  public Mono<MigrationRollback> planMigration(
      MigrationEnvironment env,
      RunRecord run,
      boolean overwrite,
      Duration restoreTimeout,
      String id) {
    return planMigration(env, run, overwrite, restoreTimeout, id, false);
  }

  /**
   * As {@link #planMigration(MigrationEnvironment, RunRecord, boolean, Duration, String)}; {@code
   * resumed} for rollback {@code id} stopped before it saved its plans, whose recovery tables are
   * then used where its restores made them ({@link PointInTimeRestorer#restoreOrAdopt}).
   */
  public Mono<MigrationRollback> planMigration(
      MigrationEnvironment env,
      RunRecord run,
      boolean overwrite,
      Duration restoreTimeout,
      String id,
      boolean resumed) {
    Path dir = settings.workDir().resolve(id);
    List<String> made = Collections.synchronizedList(new ArrayList<>());
    // Every table is checked before the first restore, so none is restored for nothing.
    Mono<Void> checks =
        Flux.fromIterable(run.tables())
            .concatMap(
                table ->
                    restorer.checkRestorable(
                        table, run.restorePoint(), "Run " + run.runId() + "'s restore point"))
            .then();
    // Saved before the first restore, so a rollback stopped during its restores can be resumed.
    Mono<Void> planning =
        Mono.<Void>fromCallable(
                () -> {
                  RollbackManifest.planning(id, run).write(dir);
                  return null;
                })
            .subscribeOn(Schedulers.boundedElastic());
    return checks
        .then(resumed ? Mono.empty() : planning)
        .thenMany(Flux.fromIterable(run.tables()))
        .concatMap(
            table -> {
              String t0 = RecoveryNames.of(table, id);
              return restore(table, t0, run.restorePoint(), restoreTimeout, made, resumed)
                  .then(
                      Mono.defer(
                          () ->
                              new RollbackPlanner(tables, clock, settings.partitionItems())
                                  .planJournal(
                                      table,
                                      run.restorePoint(),
                                      t0,
                                      "migration " + run.migration() + " run " + run.runId(),
                                      env.journal(run)
                                          .filter(e -> e.table().equals(table))
                                          .map(
                                              e ->
                                                  new RollbackPlanner.Journaled(
                                                      e.key(), e.imageHash())),
                                      overwrite,
                                      List.of(t0),
                                      dir.resolve(table))))
                  .map(plan -> new Prepared(plan, List.of(t0)));
            })
        .collectList()
        .map(plans -> new MigrationRollback(id, run, plans))
        .flatMap(
            r ->
                Mono.fromCallable(
                        () -> {
                          writeManifest(dir, r);
                          return r;
                        })
                    .subscribeOn(Schedulers.boundedElastic()))
        .onErrorResume(e -> undo(e, made, dir));
  }

  private static void writeManifest(Path dir, MigrationRollback r) throws IOException {
    RollbackManifest.of(r, dir).write(dir);
  }

  /**
   * The rollback {@code id} of {@code migration} that {@link #planMigration} saved, to apply again
   * ({@link RollbackManifest#resume}); with no plans when it was stopped before it saved them, to
   * plan again with {@code resumed} set. Its run must not be rolled back already.
   *
   * @throws PitrException {@link ErrorCode#USAGE} when there is no such rollback, it is of another
   *     migration, or its run was rolled back already
   */
  public Mono<MigrationRollback> resumeMigration(
      MigrationEnvironment env, String migration, String id) {
    Path dir = settings.workDir().resolve(id);
    return Mono.fromCallable(() -> RollbackManifest.read(dir, id, migration, settings.workDir()))
        .subscribeOn(Schedulers.boundedElastic())
        .flatMap(m -> m.resume(env, migration, dir));
  }

  /**
   * Records in the ledger, under {@code lease}, that the rollback's run was rolled back (state
   * ROLLED_BACK, with who, when, the counts and the restore point).
   */
  public Mono<Void> recordRolledBack(
      MigrationEnvironment env,
      MigrationRollback rollback,
      Lease lease,
      String by,
      List<ApplyResult> results) {
    long restored = results.stream().mapToLong(ApplyResult::restored).sum();
    long deleted = results.stream().mapToLong(ApplyResult::deleted).sum();
    long already = results.stream().mapToLong(ApplyResult::alreadyApplied).sum();
    long conflicts = results.stream().mapToLong(ApplyResult::conflictCount).sum();
    return Mono.defer(
        () ->
            env.ledger()
                .markRolledBack(
                    rollback.run(),
                    new RollbackEntry(
                        rollback.id(),
                        clock.instant(),
                        by,
                        restored,
                        deleted,
                        already,
                        conflicts,
                        rollback.run().restorePoint()),
                    lease));
  }

  /**
   * Proves, changing nothing, that {@link #recordRolledBack} of {@code run} will be allowed (see
   * {@link pitr.migrate.Ledger#proveCanMarkRolledBack}): called before the first item write, so a
   * rollback that could not record itself is refused with the live tables untouched.
   */
  public Mono<Void> proveCanRecordRolledBack(MigrationEnvironment env, RunRecord run, Lease lease) {
    return Mono.defer(() -> env.ledger().proveCanMarkRolledBack(run, lease));
  }

  /** Applies {@code plan} as {@code request} says; see {@link RollbackApplier}. */
  public Mono<ApplyResult> apply(RollbackPlan plan, ApplyRequest request) {
    return apply(plan, request, () -> {});
  }

  /**
   * As {@link #apply(RollbackPlan, ApplyRequest)}, calling {@code recorded} once the run is
   * recorded, before its first item write: only then can {@code --resume} continue it.
   */
  public Mono<ApplyResult> apply(RollbackPlan plan, ApplyRequest request, Runnable recorded) {
    return apply(plan, request, recorded, ApplyProgress.NONE);
  }

  /**
   * As {@link #apply(RollbackPlan, ApplyRequest, Runnable)}, telling {@code report} how far it is.
   */
  public Mono<ApplyResult> apply(
      RollbackPlan plan, ApplyRequest request, Runnable recorded, ApplyProgress report) {
    return new RollbackApplier(tables, clock, scheduler, stopRequested::get, report)
        .apply(plan, request, recorded);
  }

  /**
   * Asks a running {@link #apply} to stop: no new chunk starts, the chunks in flight settle and are
   * checkpointed, and the apply ends incomplete, to be resumed.
   */
  public void requestStop() {
    stopRequested.set(true);
  }

  /**
   * Drops recovery tables through {@link RecoveryTableDropper}, which refuses any table not tagged
   * as a recovery table; tables already gone are skipped. Emits the tables dropped.
   */
  public Mono<List<String>> drop(List<String> recoveryTables) {
    return Flux.fromIterable(recoveryTables)
        .concatMap(
            t ->
                dropper
                    .check(t, Flux.empty(), false)
                    .flatMap(d -> dropper.drop(t))
                    .thenReturn(t)
                    .onErrorResume(Rollbacks::gone, e -> Mono.empty()))
        .collectList();
  }

  private static boolean gone(Throwable e) {
    return PitrException.causedBy(e, ResourceNotFoundException.class);
  }

  /** Deletes the work folder of a plan made here (not a plan file saved elsewhere). */
  public void discard(RollbackPlan plan) {
    if (plan.file() != null) {
      discardDir(plan.file().toAbsolutePath().getParent());
    }
  }

  /** Deletes the work folder of a migration rollback. */
  public void discard(MigrationRollback rollback) {
    discardDir(settings.workDir().resolve(rollback.id()).toAbsolutePath());
  }

  private void discardDir(Path dir) {
    Path root = settings.workDir().toAbsolutePath().normalize();
    Path d = dir.normalize();
    if (d.startsWith(root) && !d.equals(root)) {
      RollbackPlanner.delete(d);
    }
  }

  /** A new random id of {@code bytes} bytes, in hex. */
  public static String newId(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
