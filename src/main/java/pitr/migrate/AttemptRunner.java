package pitr.migrate;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.AdaptiveRateLimiter;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.TableCapacity;
import pitr.dynamo.Throttling;
import pitr.migrate.api.Migration;
import reactor.core.publisher.Mono;
import reactor.util.function.Tuples;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * The attempt of a live run once it holds the lock: its rate limiter, journal, ledger record (or,
 * for a worker of several, its part in the run, see {@link SharedRuns}), checkpoints and resume
 * skips, the table handles the migration writes through, the tickers beside it, and how it ends
 * (see {@link Attempt}). For {@link MigrationRunner}, which does everything before the lock.
 */
final class AttemptRunner {
  private static final Logger log = LoggerFactory.getLogger(MigrationRunner.class);

  private final MigrationEnvironment env;
  private final MeterRegistry registry;
  private final Mono<Void> stop;
  private final Consumer<String> started;

  /**
   * @param stop completes when the operator asks the run to stop
   * @param started told the run id once the attempt holds the lock, before its first write
   */
  AttemptRunner(
      MigrationEnvironment env, MeterRegistry registry, Mono<Void> stop, Consumer<String> started) {
    this.env = env;
    this.registry = registry;
    this.stop = stop;
    this.started = started;
  }

  /**
   * Runs the attempt of {@code request} under {@code lease}: a run of one process, or one worker's
   * share of a run across workers; {@code crew} is null unless that worker runs beside others in
   * this process.
   */
  Mono<RunReport> execute(
      CompiledMigration compiled,
      Map<String, TableDescription> descriptions,
      RunRequest request,
      Lease lease,
      String runId,
      RunRecord resumeFrom,
      Map<String, Instant> earliest,
      List<String> notes,
      WorkerCrew crew) {
    String name = compiled.file().name();
    // The workers of a run in one process share one limiter, so together they keep to --max-wcu.
    // Starts at the cap, or at what the tables can take together when that is lower.
    Supplier<AdaptiveRateLimiter> make =
        () ->
            AdaptiveRateLimiter.create(
                request.maxWcu(),
                TableCapacity.totalWriteUnits(descriptions.values()),
                env.scheduler());
    AdaptiveRateLimiter limiter = crew != null ? crew.limiter(make) : make.get();
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
          compiled,
          descriptions,
          request,
          lease,
          resumeFrom,
          notes,
          db,
          limiter,
          record,
          null,
          null);
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
                    shared.epoch(joined),
                    crew));
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
      SharedRuns shared,
      WorkerCrew crew) {
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
    // A worker joining a run that another worker recorded continues it without resuming anything.
    if (resumeFrom != null && (shared == null || request.resume())) {
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
              if (crew == null || crew.started(ctx)) {
                started.accept(runId);
              }
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
              // Workers in one process each run their own instance: a migration may keep state.
              Migration migration = crew == null ? compiled.migration() : compiled.fresh();
              Mono<Void> work = Mono.defer(() -> migration.run(ctx)).then(settle);
              java.util.function.Function<RunRecord, Mono<Void>> save =
                  shared == null ? done -> ledger.save(done, lease) : shared::end;
              Mono<Void> watch =
                  shared == null
                      ? RunWatch.of(env, lease, name, ctx)
                      : RunWatch.of(
                          env, lease, name, ctx, shared.beats(ctx, journal), crew == null);
              // A stop (Ctrl-C) fails the attempt like any failure: the writes in flight are seen
              // through and journaled, and the run is recorded as failed, to be resumed.
              Mono<Void> stopped =
                  stop.then(
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
                              .then(
                                  Mono.error(RunFailures.failure(name, runId, request.mode(), e))));
            });
  }
}
