package pitr.migrate;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.DynamoDbGateway;
import pitr.migrate.api.Migration;
import pitr.migrate.api.RunMode;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
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
 *
 * <p>This class does what comes before the lock; once it is held, {@link AttemptRunner} runs the
 * attempt. {@link InProcessWorkers} runs the workers of a run across workers through one runner.
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
  private final AttemptRunner attempts;

  MigrationRunner(MigrationEnvironment env, MigrationCompiler compiler, MeterRegistry registry) {
    this.env = env;
    this.compiler = compiler;
    this.registry = registry;
    this.attempts = new AttemptRunner(env, registry, stop.asMono(), id -> started.accept(id));
  }

  /** The environment this runner runs in. */
  MigrationEnvironment environment() {
    return env;
  }

  /**
   * Runs {@code request}.
   *
   * @return the report; a run whose migration failed is recorded FAILED and ends with its error as
   *     a {@link PitrException} ({@link ErrorCode#FAILED}) after the ledger is updated
   */
  public Mono<RunReport> run(RunRequest request) {
    return run(request, null);
  }

  /**
   * Runs {@code request}, one worker's share of a run across workers, beside the others of {@code
   * crew} in this process (null for a run on its own).
   */
  Mono<RunReport> run(RunRequest request, WorkerCrew crew) {
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
                          : live(compiled, migration, descriptions, request, crew));
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
      RunRequest request,
      WorkerCrew crew) {
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
                      UnfinishedRuns.check(name, prior, request);
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
                                  request.mode(),
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
                                          notes,
                                          crew)));
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
      List<String> notes,
      WorkerCrew crew) {
    String name = compiled.file().name();
    Ledger ledger = env.ledger();
    LeaseLock lock = env.lock();
    return take.onErrorMap(e -> LedgerTables.LEDGER.refusal("UpdateItem", ledger.table(), e))
        .flatMap(
            lease ->
                takeOver(lease, notes, request.shared() ? runId : null, request)
                    .then(backups(name, runId, descriptions, request, notes))
                    .then(
                        Mono.defer(
                            () ->
                                attempts.execute(
                                    compiled,
                                    descriptions,
                                    request,
                                    lease,
                                    runId,
                                    resumeFrom,
                                    earliest,
                                    notes,
                                    crew)))
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
  private Mono<Void> takeOver(Lease lease, List<String> notes, String ownRun, RunRequest request) {
    LockInfo dead = lease.takenOver();
    if (dead == null) {
      return Mono.empty();
    }
    if (dead.runId().equals(ownRun)) {
      notes.add(
          "every worker's lease of run " + ownRun + " had expired; this worker took the lock over");
      return Mono.empty();
    }
    return env.ledger()
        .resumeOf(dead)
        .flatMap(
            resume -> {
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
                      + "; that run is marked FAILED (resume it with "
                      + resume
                      + " or roll it back)");
              log.info(
                  "lock taken over deadRun={} deadMigration={} expiredAt={} fence={}",
                  dead.runId(),
                  dead.migration(),
                  dead.expiresAt(),
                  lease.fence());
              PitrException refused =
                  UnfinishedRuns.afterTakeOver(request.file().name(), dead, resume, request);
              return env.ledger()
                  .markInterrupted(dead, env.clock().instant(), resume)
                  .then(refused == null ? Mono.empty() : Mono.error(refused));
            });
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
