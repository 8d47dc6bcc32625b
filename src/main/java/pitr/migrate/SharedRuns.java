package pitr.migrate;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.copy.Worker;
import pitr.dynamo.DynamoDbGateway;
import reactor.core.publisher.Mono;

/**
 * One worker's part in a run across N workers ({@code pitr migrate prod NAME --worker I/N --run-id
 * R}): which run it joins and what it refuses, the journal epoch of its attempt, which of the run's
 * writes it skips when it resumes, its heartbeats, and how it ends (see {@link WorkerLedger}).
 *
 * <p>Epochs: an attempt of worker I journals under {@code (e << 14) | (I - 1)}, {@code e} the run's
 * {@code journalEpochs} counter, in place of the lock's fence; so the attempts of every worker have
 * distinct, increasing journal fences, and a resumed worker tells its own writes (the low 14 bits)
 * from the others'.
 */
final class SharedRuns {
  private static final Logger log = LoggerFactory.getLogger(MigrationRunner.class);
  private static final int WORKER_BITS = 14;
  private static final long MAX_EPOCHS = 1L << (32 - WORKER_BITS);

  private final MigrationEnvironment env;
  private final DynamoDbGateway db;
  private final Worker worker;
  private final Lease lease;
  private final List<String> notes;
  private final WorkerLedger workers;
  private final Instant started;
  private long fence;
  private RunRecord run;

  SharedRuns(
      MigrationEnvironment env,
      DynamoDbGateway db,
      RunRequest request,
      Lease lease,
      List<String> notes) {
    this.env = env;
    this.db = db;
    this.worker = request.worker();
    this.lease = lease;
    this.notes = notes;
    this.workers = new WorkerLedger(db, env.ledger().table());
    this.started = env.clock().instant();
  }

  /**
   * The run {@code request} (worker I of N of run R) joins, or null when R is new.
   *
   * @throws PitrException {@link ErrorCode#USAGE} when R runs across another number of workers, in
   *     another mode or from another source, or a resume names no run; {@link ErrorCode#REFUSED}
   *     when R was rolled back
   */
  static RunRecord existing(
      String name, List<RunRecord> prior, CompiledMigration compiled, RunRequest request) {
    String runId = request.runId();
    RunRecord r =
        prior.stream()
            .filter(p -> runId == null ? p.workers() > 1 : p.runId().equals(runId))
            .max(RunRecord.BY_START)
            .orElse(null);
    if (r == null) {
      if (request.resume() || runId == null) {
        throw new PitrException(
            ErrorCode.USAGE,
            "Migration "
                + name
                + " has no run "
                + (runId == null ? "across workers" : runId)
                + " to resume; pass the --run-id its workers ran with (see 'pitr migrate list')");
      }
      return null;
    }
    if (r.workers() != request.worker().count()) {
      throw otherWorkerCount(r, request.worker().count(), false);
    }
    if (r.mode() != request.mode()) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Run "
              + r.runId()
              + " of "
              + name
              + " ran in "
              + r.mode().name().toLowerCase(Locale.ROOT)
              + " mode; its workers run with 'pitr migrate "
              + r.mode().name().toLowerCase(Locale.ROOT)
              + "'");
    }
    if (!r.checksum().equals(compiled.checksum())) {
      throw new PitrException(
          ErrorCode.USAGE,
          "The source of "
              + name
              + " changed since run "
              + r.runId()
              + " started; its workers would mix two versions. Restore the file as it was, or"
              + " roll the run back and start a new one with a new --run-id");
    }
    if (r.status() == MigrationState.ROLLED_BACK) {
      throw new PitrException(
          ErrorCode.REFUSED,
          "Run "
              + r.runId()
              + " of "
              + name
              + " was rolled back; it cannot be continued. Start a new run with a new --run-id");
    }
    return r;
  }

  /**
   * The refusal of joining run {@code r} with {@code asked} workers: its workers split the work by
   * their count, so another count would overlap their shares and leave some to no one. The fix
   * depends on how the run was started and how it is joined: a run of one process is resumed with
   * {@code pitr migrate resume}; a run across workers takes its own count, as {@code --workers} in
   * one process ({@code inProcess}) or as {@code --worker I/N} per process.
   */
  static PitrException otherWorkerCount(RunRecord r, int asked, boolean inProcess) {
    return otherWorkerCount(r.runId(), r.migration(), r.mode(), r.workers(), asked, inProcess);
  }

  /**
   * As {@link #otherWorkerCount(RunRecord, int, boolean)}, for run {@code runId} of {@code
   * migration} in {@code mode} across {@code runWorkers} workers: the one refusal of another number
   * of workers, wherever it is found (the ledger's run, or the lock the run holds).
   */
  static PitrException otherWorkerCount(
      String runId,
      String migration,
      pitr.migrate.api.RunMode mode,
      long runWorkers,
      int asked,
      boolean inProcess) {
    String resume = "'pitr " + RunFailedException.resumeArgs(migration, mode) + "'";
    return new PitrException(
        ErrorCode.USAGE,
        "Run "
            + runId
            + " of "
            + migration
            + (runWorkers == 1
                ? " ran in one process, not across " + workers(asked)
                : " runs across " + workers(runWorkers) + ", not " + asked)
            + "; "
            + (runWorkers == 1
                ? "resume it with "
                    + resume
                    + (inProcess ? " without --workers" : " without --worker")
                : inProcess
                    ? "pass --workers " + runWorkers + " to continue it"
                    : "pass --worker I/" + runWorkers + " to continue it")
            + ", or start a new run with a new --run-id. Nothing was changed.");
  }

  private static String workers(long n) {
    return n == 1 ? "1 worker" : n + " workers";
  }

  /**
   * For worker I of run R: refuses a run id that names a run of another migration, and answers with
   * a report saying there is nothing to do when worker I finished its share already (a finished
   * worker that AWS Batch started again); empty otherwise, and for a run of its own.
   */
  static Mono<RunReport> finishedAlready(
      MigrationEnvironment env, String name, String runId, RunRequest request) {
    if (!request.shared()) {
      return Mono.empty();
    }
    WorkerLedger workers = new WorkerLedger(env.db(), env.ledger().table());
    return env.ledger()
        .runs()
        .filter(r -> r.runId().equals(runId) && !r.migration().equals(name))
        .next()
        .flatMap(
            other ->
                Mono.<RunReport>error(
                    new PitrException(
                        ErrorCode.USAGE,
                        "--run-id "
                            + runId
                            + " is a run of migration "
                            + other.migration()
                            + ", not of "
                            + name
                            + "; pass the run id of "
                            + name
                            + "'s workers, or a new one")))
        .switchIfEmpty(
            workers
                .workers(name, runId)
                .filter(e -> e.done().contains(request.worker().index()))
                .map(e -> nothingToDo(env, name, runId, request)));
  }

  private static RunReport nothingToDo(
      MigrationEnvironment env, String name, String runId, RunRequest request) {
    Instant now = env.clock().instant();
    return new RunReport(
        runId,
        name,
        request.mode(),
        false,
        MigrationState.SUCCEEDED,
        null,
        now,
        now,
        List.of(),
        0,
        0,
        0,
        Duration.ZERO,
        List.of(),
        Map.of(),
        List.of(
            "worker "
                + request.worker()
                + " of run "
                + runId
                + " had finished its share already; nothing to do"),
        null);
  }

  /** Starts this worker's attempt of {@code fresh}'s run (see {@link WorkerLedger#start}). */
  Mono<WorkerLedger.Joined> start(RunRecord fresh) {
    return workers
        .start(fresh, lease, worker)
        .flatMap(joined -> epoch(joined).beat("RUNNING", 0, 0).thenReturn(joined));
  }

  /** Takes the journal epoch of {@code joined} for this attempt; returns this. */
  SharedRuns epoch(WorkerLedger.Joined joined) {
    if (joined.epoch() >= MAX_EPOCHS) {
      throw new PitrException(
          ErrorCode.FAILED,
          "Run "
              + joined.record().runId()
              + " had "
              + joined.epoch()
              + " worker attempts, more than its journal can tell apart; start a new run");
    }
    this.run = joined.record();
    this.fence = joined.epoch() << WORKER_BITS | (worker.index() - 1);
    return this;
  }

  /** The journal fence of this attempt. */
  long fence() {
    return fence;
  }

  /**
   * What this worker skips when it resumes: the writes of its own earlier attempts in its own
   * segments' unfinished pages.
   */
  ResumeSkips skips(
      DynamoDbGateway db, RunRecord resumed, Map<String, Ledger.Checkpoint> checkpoints) {
    Map<String, Ledger.Checkpoint> own = new HashMap<>();
    checkpoints.forEach(
        (id, c) -> {
          int segment = Integer.parseInt(id.substring(id.lastIndexOf('#') + 1));
          if (worker.owns(segment)) {
            own.put(id, c);
          }
        });
    long mask = (1L << WORKER_BITS) - 1;
    return new ResumeSkips(db, resumed, own, attempt -> (attempt & mask) == worker.index() - 1);
  }

  /** This worker's heartbeat entry, with what its attempt did so far. */
  Mono<Void> beats(RunContext ctx, Journal journal) {
    return Mono.defer(
        () ->
            beat(
                "RUNNING",
                ctx.progressCounter().done(),
                journal == null ? 0 : journal.committed().written()));
  }

  private Mono<Void> beat(String state, long read, long written) {
    Instant now = env.clock().instant();
    return workers.beat(
        run.runId(),
        new WorkerLedger.WorkerEntry(
            worker,
            state,
            now,
            now.plus(env.lock().leaseDuration()),
            run.host(),
            System.getenv("AWS_BATCH_JOB_ID"),
            read,
            written));
  }

  /**
   * Records how this worker's attempt ended ({@code done} is the attempt as it ended); when it is
   * the last worker of the run to end, records the run's status and counts and releases the lock.
   */
  Mono<Void> end(RunRecord done) {
    String error =
        done.status() == MigrationState.SUCCEEDED
            ? null
            : done.error() == null ? "failed" : done.error();
    return beat(error == null ? "DONE" : "FAILED", done.itemsRead(), done.itemsWritten())
        .onErrorResume(e -> Mono.empty())
        .then(workers.ended(done, lease, worker, error))
        .flatMap(
            ended -> {
              if (!ended.last()) {
                int left = ended.workers() - ended.done().size() - ended.failed().size();
                notes.add(
                    "worker "
                        + worker
                        + (error == null ? " finished" : " failed")
                        + " its share of run "
                        + done.runId()
                        + "; the run ends when "
                        + (left == 1
                            ? "the other worker does"
                            : "its " + left + " other workers do"));
                return Mono.empty();
              }
              MigrationState status =
                  ended.failed().isEmpty() ? MigrationState.SUCCEEDED : MigrationState.FAILED;
              return JournalReader.totals(db, run)
                  .defaultIfEmpty(CommitMarker.Counts.ZERO)
                  .flatMap(
                      totals ->
                          workers.finish(
                              run,
                              lease,
                              status,
                              env.clock().instant(),
                              totals,
                              status == MigrationState.FAILED ? ended.error() : null))
                  .then(env.lock().release(lease))
                  .doOnSuccess(
                      v -> {
                        log.info(
                            "run ended migration={} runId={} status={} workers={} failed={}",
                            done.migration(),
                            done.runId(),
                            status,
                            ended.workers(),
                            ended.failed());
                        notes.add(
                            "run "
                                + done.runId()
                                + " "
                                + status.name()
                                + (status == MigrationState.SUCCEEDED
                                    ? ": all " + ended.workers() + " workers finished"
                                    : ": worker(s) "
                                        + ended.failed().stream()
                                            .map(i -> i + "/" + ended.workers())
                                            .toList()
                                        + " failed; resume them all here with 'pitr migrate"
                                        + " resume "
                                        + done.migration()
                                        + (done.mode() == pitr.migrate.api.RunMode.PROD
                                            ? " --prod"
                                            : "")
                                        + " --run-id "
                                        + done.runId()
                                        + "', or each with --worker I/"
                                        + ended.workers()
                                        + " added"));
                      });
            });
  }
}
