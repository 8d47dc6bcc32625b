package pitr.migrate;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.AdaptiveRateLimiter;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.TableCapacity;
import pitr.dynamo.Throttling;
import pitr.migrate.api.Migration;
import pitr.migrate.api.RunMode;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.function.Tuples;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * Runs a migration: compile and lint, check its tables, preflight (prod), take the lease lock,
 * record the run in the ledger, run it with heartbeats, journal each write ahead of it (see {@link
 * Journal}), record the outcome. Writes go through the shared {@link pitr.dynamo.DynamoDbGateway}
 * (retries on throttling) at the pace of one {@link pitr.dynamo.AdaptiveRateLimiter} per run,
 * shared by the data writes and the journal.
 *
 * <p>Order matters for "nothing written": everything that can refuse (unknown name, compile error,
 * lint, missing table, preflight, held lock, a ledger or journal table that cannot be created or
 * written) happens before the first write, and the ledger tables are created only once preflight
 * passed. The journal proves writable (its commit marker is stored) before the run is recorded.
 *
 * <p>A resumed run (a new attempt of the same run) skips the scan pages checkpointed and, in the
 * pages it redoes, the items whose write had landed (see {@link ResumeSkips}). When a migration
 * fails, the writes already sent are awaited and confirmed before the last commit marker (see
 * {@link InFlightWrites}); the ledger's counts are those of the run's commit markers, the writes
 * the journal confirms (see {@link CommitMarker}).
 *
 * <p>A dry run compiles, reads and counts; it takes no lock and writes nothing, not even the
 * ledger.
 */
public final class MigrationRunner {
  private final reactor.core.publisher.Sinks.Empty<Void> stop =
      reactor.core.publisher.Sinks.empty();
  private volatile java.util.function.Consumer<String> started = runId -> {};
  private static final Logger log = LoggerFactory.getLogger(MigrationRunner.class);
  private static final DateTimeFormatter RUN_ID =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final MigrationEnvironment env;
  private final MigrationCompiler compiler;
  private final MeterRegistry registry;
  private final Map<java.nio.file.Path, CompiledMigration> compiled =
      new java.util.concurrent.ConcurrentHashMap<>();

  MigrationRunner(MigrationEnvironment env, MigrationCompiler compiler, MeterRegistry registry) {
    this.env = env;
    this.compiler = compiler;
    this.registry = registry;
  }

  /**
   * Runs {@code request}.
   *
   * @return the report; a run whose migration failed is recorded FAILED and ends with its error as
   *     a {@link PitrException} ({@link ErrorCode#FAILED}) after the ledger is updated
   */
  public Mono<RunReport> run(RunRequest request) {
    return Mono.defer(
        () -> {
          CompiledMigration compiled = load(request.file());
          Migration migration = compiled.migration();
          List<String> tables = new ArrayList<>(new TreeSet<>(declared(compiled)));
          return describe(compiled.file().name(), tables)
              .flatMap(
                  descriptions ->
                      request.dryRun()
                          ? DryRun.run(env, registry, compiled, descriptions, request)
                          : live(compiled, migration, descriptions, request));
        });
  }

  /**
   * Compiles and lints {@code file} now, so a bad file fails before anything is written (e.g.
   * before seeding); the run reuses the result.
   *
   * @throws PitrException {@link ErrorCode#USAGE} when it does not compile, breaks the lint or does
   *     not implement the API
   */
  public void check(MigrationFile file) {
    load(file);
  }

  /**
   * Compiles, checks the declared tables and, in prod, runs the preflight checks, writing nothing.
   * A prod command runs this before asking for confirmation.
   */
  public Mono<Void> preflight(RunRequest request) {
    return Mono.defer(
        () -> {
          CompiledMigration compiled = load(request.file());
          List<String> tables = new ArrayList<>(new TreeSet<>(declared(compiled)));
          return describe(compiled.file().name(), tables)
              .flatMap(
                  d ->
                      request.mode() == RunMode.PROD && !request.dryRun()
                          ? new Preflight(env.db(), env.clock())
                              .check(
                                  compiled.file().name(),
                                  d,
                                  Preflight.expectedRun(
                                      compiled.migration().expectedDuration(), d, request.maxWcu()),
                                  request.maxRestoreLag())
                              .then()
                          : Mono.empty());
        });
  }

  private CompiledMigration load(MigrationFile file) {
    CompiledMigration c = compiled.get(file.path());
    if (c == null) {
      c = compiler.load(file);
      compiled.put(file.path(), c);
    }
    return c;
  }

  private static java.util.Set<String> declared(CompiledMigration c) {
    java.util.Set<String> t = c.migration().tables();
    if (t == null || t.isEmpty()) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Migration "
              + c.file().name()
              + " declares no tables; return the tables it reads or writes from tables()");
    }
    return t;
  }

  private Mono<Map<String, TableDescription>> describe(String migration, List<String> tables) {
    DynamoDbGateway db = env.db();
    return Flux.fromIterable(tables)
        .concatMap(
            t ->
                db.findTable(t)
                    .switchIfEmpty(
                        Mono.error(
                            () ->
                                new PitrException(
                                    ErrorCode.USAGE,
                                    "Table "
                                        + t
                                        + " declared by migration "
                                        + migration
                                        + " does not exist in "
                                        + env.targetName()
                                        + "; create it, check --region/--endpoint-url, or in dev"
                                        + " seed it with --seed FILE"))))
        .collectMap(TableDescription::tableName, d -> d, LinkedHashMap::new);
  }

  private Mono<RunReport> live(
      CompiledMigration compiled,
      Migration migration,
      Map<String, TableDescription> descriptions,
      RunRequest request) {
    String name = compiled.file().name();
    Ledger ledger = env.ledger();
    LeaseLock lock = env.lock();
    List<String> notes = Collections.synchronizedList(new ArrayList<>());
    Mono<Map<String, Instant>> preflight =
        request.mode() == RunMode.PROD
            ? new Preflight(env.db(), env.clock())
                .check(
                    name,
                    descriptions,
                    Preflight.expectedRun(
                        migration.expectedDuration(), descriptions, request.maxWcu()),
                    request.maxRestoreLag())
            : Mono.just(Map.of());
    return preflight.flatMap(
        earliest ->
            ledger
                .ensureTable()
                .then(Journal.ensureTable(env.db(), env.journalTable()))
                .then(
                    ledger
                        .runs(name)
                        .collectList()
                        .onErrorMap(e -> LedgerTables.LEDGER.refusal("Query", ledger.table(), e)))
                .flatMap(
                    prior -> {
                      RunRecord resumeFrom =
                          request.shared()
                              ? SharedRuns.existing(name, prior, compiled, request)
                              : request.resume()
                                  ? ResumeCheck.interrupted(name, prior, compiled, request)
                                  : null;
                      for (RunRecord r : prior) {
                        if (r.status() == MigrationState.SUCCEEDED
                            && !r.checksum().equals(compiled.checksum())) {
                          notes.add(
                              "source of "
                                  + name
                                  + " changed since succeeded run "
                                  + r.runId()
                                  + " (checksum "
                                  + r.checksum().substring(0, 12)
                                  + " -> "
                                  + compiled.checksum().substring(0, 12)
                                  + ")");
                          break;
                        }
                      }
                      String runId =
                          resumeFrom != null
                              ? resumeFrom.runId()
                              : request.shared() ? request.runId() : newRunId();
                      Mono<Lease> take =
                          request.shared()
                              ? lock.join(
                                  runId,
                                  name,
                                  request.operator(),
                                  request.host(),
                                  request.worker().count())
                              : lock.acquire(runId, name, request.operator(), request.host());
                      return SharedRuns.finishedAlready(env, name, runId, request)
                          .switchIfEmpty(
                              Mono.defer(
                                  () ->
                                      lockedRun(
                                          take,
                                          compiled,
                                          descriptions,
                                          request,
                                          runId,
                                          resumeFrom,
                                          earliest,
                                          notes)));
                    }));
  }

  private Mono<RunReport> lockedRun(
      Mono<Lease> take,
      CompiledMigration compiled,
      Map<String, TableDescription> descriptions,
      RunRequest request,
      String runId,
      RunRecord resumeFrom,
      Map<String, Instant> earliest,
      List<String> notes) {
    String name = compiled.file().name();
    Ledger ledger = env.ledger();
    LeaseLock lock = env.lock();
    return take.onErrorMap(e -> LedgerTables.LEDGER.refusal("UpdateItem", ledger.table(), e))
        .flatMap(
            lease ->
                takeOver(lease, notes, request.shared() ? runId : null)
                    .then(backups(name, runId, descriptions, request, notes))
                    .then(
                        Mono.defer(
                            () ->
                                execute(
                                    compiled,
                                    descriptions,
                                    request,
                                    lease,
                                    runId,
                                    resumeFrom,
                                    earliest,
                                    notes)))
                    // A worker of several releases the lock when the run
                    // ends with it (see WorkerLedger), not before.
                    .flatMap(
                        report ->
                            request.shared()
                                ? Mono.just(report)
                                : lock.release(lease).thenReturn(report))
                    .onErrorResume(
                        e ->
                            (request.shared() ? Mono.<Void>empty() : lock.release(lease))
                                .onErrorResume(x -> Mono.empty())
                                .then(Mono.error(e))));
  }

  /**
   * Marks the run whose lapsed lease {@code lease} took over FAILED, unless it is {@code ownRun} (a
   * run across workers whose every worker had died, continued by one of its workers).
   */
  private Mono<Void> takeOver(Lease lease, List<String> notes, String ownRun) {
    LockInfo dead = lease.takenOver();
    if (dead == null) {
      return Mono.empty();
    }
    if (dead.runId().equals(ownRun)) {
      notes.add(
          "every worker's lease of run " + ownRun + " had expired; this worker took the lock over");
      return Mono.empty();
    }
    notes.add(
        "took over the lock of run "
            + dead.runId()
            + " ("
            + dead.migration()
            + " by "
            + dead.operator()
            + " on "
            + dead.host()
            + "), whose lease expired at "
            + dead.expiresAt()
            + "; that run is marked FAILED (resume it with 'pitr migrate resume "
            + dead.migration()
            + "')");
    log.info(
        "lock taken over deadRun={} deadMigration={} expiredAt={} fence={}",
        dead.runId(),
        dead.migration(),
        dead.expiresAt(),
        lease.fence());
    return env.ledger().markInterrupted(dead, env.clock().instant());
  }

  private Mono<Void> backups(
      String name,
      String runId,
      Map<String, TableDescription> descriptions,
      RunRequest request,
      List<String> notes) {
    if (!request.backup() || request.mode() != RunMode.PROD) {
      return Mono.empty();
    }
    Preflight preflight = new Preflight(env.db(), env.clock());
    return Flux.fromIterable(descriptions.keySet())
        .concatMap(
            t ->
                preflight
                    .backup(t, backupName(t, name, runId), Duration.ofMinutes(30))
                    .doOnNext(arn -> notes.add("backup of " + t + ": " + arn)))
        .then();
  }

  static String backupName(String table, String migration, String runId) {
    String raw = "pitr-" + table + "-" + migration + "-" + runId;
    String clean = raw.replaceAll("[^A-Za-z0-9_.-]", "-");
    return clean.length() > 255 ? clean.substring(0, 255) : clean;
  }

  private Mono<RunReport> execute(
      CompiledMigration compiled,
      Map<String, TableDescription> descriptions,
      RunRequest request,
      Lease lease,
      String runId,
      RunRecord resumeFrom,
      Map<String, Instant> earliest,
      List<String> notes) {
    Ledger ledger = env.ledger();
    String name = compiled.file().name();
    // Starts at the cap, or at what the tables can take together when that is lower.
    AdaptiveRateLimiter limiter =
        AdaptiveRateLimiter.create(
            request.maxWcu(),
            TableCapacity.totalWriteUnits(descriptions.values()),
            env.scheduler());
    // Throttles the gateway retries slow the run's rate down, as copy-back's do.
    DynamoDbGateway db =
        env.db()
            .withRetryListener(
                e -> {
                  if (Throttling.isThrottle(e)) {
                    limiter.throttled();
                  }
                });
    int shards =
        resumeFrom != null
            ? resumeFrom.journalShards()
            : JournalLayout.shardsFor(
                descriptions.values().stream()
                    .mapToLong(d -> d.itemCount() == null ? 0 : d.itemCount())
                    .sum());
    Instant started = env.clock().instant();
    // The restore point: the instant just before the first write of this run.
    Instant restorePoint = started.minusMillis(1).truncatedTo(ChronoUnit.MILLIS);
    RunRecord record =
        resumeFrom != null
            ? resumeFrom.resumed(lease.fence(), request.operator(), request.host())
            : RunRecord.starting(runId, name, compiled.checksum(), request.mode())
                .by(request.operator(), request.host())
                .startedAt(started)
                .restorePoint(restorePoint)
                .earliestRestorable(earliest)
                .tables(List.copyOf(descriptions.keySet()))
                .fence(lease.fence())
                .journal(env.journalTable(), shards)
                .workers(request.worker().count())
                .build();
    if (!request.shared()) {
      return attempt(
          compiled, descriptions, request, lease, resumeFrom, notes, db, limiter, record, null);
    }
    SharedRuns shared = new SharedRuns(env, db, request, lease, notes);
    return shared
        .start(record)
        .flatMap(
            joined ->
                attempt(
                    compiled,
                    descriptions,
                    request,
                    lease,
                    resumeFrom,
                    notes,
                    db,
                    limiter,
                    joined.record(),
                    shared.epoch(joined)));
  }

  /**
   * Runs one attempt of {@code record}: of the run, or, with {@code shared}, of one worker's share
   * of it, journaled under {@code shared}'s epoch.
   */
  private Mono<RunReport> attempt(
      CompiledMigration compiled,
      Map<String, TableDescription> descriptions,
      RunRequest request,
      Lease lease,
      RunRecord resumeFrom,
      List<String> notes,
      DynamoDbGateway db,
      AdaptiveRateLimiter limiter,
      RunRecord record,
      SharedRuns shared) {
    Ledger ledger = env.ledger();
    String name = compiled.file().name();
    String runId = record.runId();
    int shards = record.journalShards();
    long journalFence = shared == null ? lease.fence() : shared.fence();
    LongAdder reads = new LongAdder();
    Journal journal =
        request.journal()
            ? new Journal(
                db,
                env.journalTable(),
                runId,
                journalFence,
                shards,
                limiter,
                env.clock(),
                reads::sum)
            : null;
    if (resumeFrom != null) {
      notes.add(
          shared == null
              ? "resumed run " + runId + " (attempt " + record.attempts() + ")"
              : "worker " + request.worker() + " resumed its share of run " + runId);
    }
    Mono<Map<String, Ledger.Checkpoint>> checkpoints =
        resumeFrom != null ? ledger.checkpoints(runId) : Mono.just(Map.of());
    // What earlier attempts did, as their commit markers count it (or the ledger, for a journal
    // whose markers predate the counts).
    CommitMarker.Counts recorded =
        resumeFrom == null
            ? CommitMarker.Counts.ZERO
            : new CommitMarker.Counts(
                resumeFrom.itemsRead(), resumeFrom.itemsWritten(), resumeFrom.wcu());
    Mono<CommitMarker.Counts> before =
        shared != null
            ? Mono.just(CommitMarker.Counts.ZERO)
            : resumeFrom != null && journal != null
                ? JournalReader.totals(db, resumeFrom).defaultIfEmpty(recorded)
                : Mono.just(recorded);
    InFlightWrites inFlight = new InFlightWrites();
    return before
        .flatMap(
            counts ->
                (journal == null ? Mono.<Void>empty() : journal.open())
                    .then(
                        (shared != null ? Mono.<Void>empty() : ledger.save(record, lease))
                            .onErrorMap(
                                e ->
                                    LedgerTables.LEDGER.refusal(
                                        "TransactWriteItems", ledger.table(), e)))
                    .then(checkpoints)
                    .map(loaded -> Tuples.of(counts, loaded)))
        .flatMap(
            opened -> {
              Map<String, Ledger.Checkpoint> loaded = opened.getT2();
              TableHandle.Checkpoints store =
                  new TableHandle.Checkpoints() {
                    @Override
                    public Ledger.Checkpoint get(String id) {
                      return loaded.get(id);
                    }

                    @Override
                    public Mono<Void> save(String id, Ledger.Checkpoint checkpoint) {
                      return ledger.saveCheckpoint(runId, id, checkpoint, lease);
                    }
                  };
              ResumeSkips resume =
                  resumeFrom == null || journal == null
                      ? ResumeSkips.NONE
                      : shared == null
                          ? new ResumeSkips(db, resumeFrom, loaded)
                          : shared.skips(db, resumeFrom, loaded);
              RunContext.ProgressCounter progress = new RunContext.ProgressCounter();
              Map<String, TableHandle> handles =
                  RunHandles.of(
                      registry,
                      env.clock(),
                      compiled,
                      descriptions,
                      db,
                      limiter,
                      journal,
                      false,
                      store,
                      progress,
                      new RunHandles.Wiring(inFlight, resume, reads, request.worker()));
              RunContext ctx =
                  new RunContext(
                      request.mode(), false, runId, name, handles, env.clock(), registry, progress);
              RunHandles.expectItems(ctx, descriptions);
              started.accept(runId);
              log.info(
                  "run started migration={} runId={} mode={} fence={} restorePoint={}",
                  name,
                  runId,
                  request.mode(),
                  lease.fence(),
                  record.restorePoint());
              Attempt attempt =
                  new Attempt(
                      record, handles, journal, ctx, lease, notes, request, opened.getT1(), resume);
              // Writes on the wire are seen through before the last marker, even when the
              // migration failed and stopped waiting for them, so the counts are what landed.
              Mono<Void> settle =
                  inFlight
                      .settled()
                      .then(Mono.defer(() -> journal == null ? Mono.empty() : journal.commit()));
              Mono<Void> work = Mono.defer(() -> compiled.migration().run(ctx)).then(settle);
              java.util.function.Function<RunRecord, Mono<Void>> save =
                  shared == null ? done -> ledger.save(done, lease) : shared::end;
              Mono<Void> watch =
                  shared == null
                      ? RunWatch.of(env, lease, name, ctx)
                      : RunWatch.of(env, lease, name, ctx, shared.beats(ctx, journal));
              // A stop (Ctrl-C) fails the attempt like any failure: the writes in flight are seen
              // through and journaled, and the run is recorded as failed, to be resumed.
              Mono<Void> stopped =
                  stop.asMono()
                      .then(
                          Mono.error(
                              () ->
                                  new PitrException(
                                      ErrorCode.INTERRUPTED,
                                      "Migration "
                                          + name
                                          + " was stopped in run "
                                          + runId
                                          + "; its writes in flight were seen through and"
                                          + " journaled and the run is recorded as failed, to be"
                                          + " resumed")));
              return Mono.firstWithSignal(work, watch, stopped)
                  .then(
                      Mono.defer(
                          () -> attempt.end(save, env.clock(), MigrationState.SUCCEEDED, null)))
                  .onErrorResume(
                      e ->
                          settle
                              .onErrorResume(x -> Mono.empty())
                              .then(
                                  Mono.defer(
                                      () ->
                                          attempt.end(
                                              save,
                                              env.clock(),
                                              MigrationState.FAILED,
                                              RunFailures.describe(e))))
                              .onErrorResume(x -> Mono.empty())
                              .then(Mono.error(RunFailures.failure(name, runId, e))));
            });
  }

  /**
   * Asks a running migration to stop: it fails as if a write had failed (writes in flight are seen
   * through, the journal is committed, the ledger says FAILED and the lock is released), so that
   * {@code migrate resume} continues it. Before the run starts, the run fails at once.
   */
  public void requestStop() {
    stop.tryEmitEmpty();
  }

  /**
   * Tells {@code listener} the run id of each attempt as it starts, once the lock is held and
   * before the migration's first write (so that the CLI can say how to resume it).
   */
  public void onStarted(java.util.function.Consumer<String> listener) {
    started = listener;
  }

  String newRunId() {
    Clock clock = env.clock();
    return RUN_ID.format(clock.instant())
        + "-"
        + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
  }
}
