package pitr.migrate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.copy.Worker;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs the N workers of a run across workers in this process ({@code pitr migrate prod NAME
 * --workers N}, and {@code pitr migrate resume NAME} of such a run): the same run as N processes
 * with {@code --worker I/N --run-id R} (one lease, one ledger entry, one journal, see {@link
 * SharedRuns}), each worker its own share and its own instance of the migration, concurrently.
 *
 * <ul>
 *   <li>The first worker starts alone: it takes the lock, records the run (and takes the backups
 *       {@code --backup} asks for) before the others join it, so a refusal (lock held, bad run id)
 *       is the first worker's, before anything is written.
 *   <li>The workers share one rate limiter: together they keep to {@code --max-wcu}.
 *   <li>One progress line for the run, not one per worker.
 *   <li>A worker that fails leaves the others to finish their shares; the run then ends FAILED and
 *       {@code pitr migrate resume NAME} continues the failed workers' shares.
 *   <li>{@link MigrationRunner#requestStop} stops every worker; each is recorded as failed, to be
 *       resumed.
 * </ul>
 */
public final class InProcessWorkers {
  private final MigrationRunner runner;
  private final MigrationEnvironment env;

  public InProcessWorkers(MigrationRunner runner) {
    this.runner = runner;
    this.env = runner.environment();
  }

  /**
   * The most workers one process runs ({@code migrate prod NAME --workers N}): 4 per available
   * processor, at least 16. Each worker is an instance of the migration with its own scans, lease
   * heartbeats and journal writes, all in this process; past this they contend for it rather than
   * add throughput, and more workers belong on AWS Batch, one process each.
   */
  public static int maxWorkers() {
    return Math.max(16, 4 * Runtime.getRuntime().availableProcessors());
  }

  /**
   * Refuses more workers than {@link #maxWorkers()}, before anything is read or written.
   *
   * @throws PitrException {@link ErrorCode#USAGE} naming the limit and {@code --submit batch}
   */
  public static void checkWorkers(int workers) {
    int max = maxWorkers();
    if (workers <= max) {
      return;
    }
    throw new PitrException(
        ErrorCode.USAGE,
        "--workers "
            + workers
            + " is more workers than one process runs: at most "
            + max
            + " here (4 per available processor, at least 16), since each is an instance of the"
            + " migration with its own scans and heartbeats. Pass --workers "
            + max
            + " or fewer, or run the "
            + workers
            + " workers on AWS Batch, one process each, with --submit batch --job-queue QUEUE."
            + " Nothing was changed.");
  }

  /** A new run id, for the run of {@link #run} when the operator named none. */
  public String newRunId() {
    return runner.newRunId();
  }

  /**
   * Runs {@code request} (no {@code --worker}) as run {@code runId} across {@code workers} workers;
   * a run {@code runId} already recorded is continued (its finished workers are skipped).
   *
   * @throws PitrException {@link ErrorCode#USAGE} for more workers than {@link #maxWorkers()}, when
   *     run {@code runId} runs across another number of workers, and whatever the first worker is
   *     refused with; nothing is written then
   */
  public Mono<WorkersReport> run(RunRequest request, int workers, String runId) {
    String name = request.file().name();
    return Mono.fromRunnable(() -> checkWorkers(workers))
        .then(
            env.ledger()
                .runs(name)
                .filter(r -> !r.runId().equals(runId))
                .collectList()
                .doOnNext(
                    prior ->
                        UnfinishedRuns.check(name, prior, request.withWorker(Worker.ALL, null)))
                .then())
        .then(recorded(name, runId))
        .doOnNext(
            r -> {
              if (r.workers() != workers) {
                throw SharedRuns.otherWorkerCount(r, workers, true);
              }
              if (r.status() == MigrationState.ROLLED_BACK) {
                throw new PitrException(
                    ErrorCode.REFUSED,
                    "Run "
                        + runId
                        + " of "
                        + name
                        + " was rolled back; it cannot be continued. Start a new run with a new"
                        + " --run-id");
              }
            })
        .flatMap(r -> plan(r).map(p -> launch(request, runId, workers, p)))
        .switchIfEmpty(Mono.fromSupplier(() -> launch(request, runId, workers, fresh(workers))))
        .flatMap(Function.identity());
  }

  /**
   * The run across workers that {@code pitr migrate resume NAME} continues: run {@code runId}, or
   * without it the latest run of {@code name}; empty when that latest run is a run of one process
   * (resumed as such) or there is none.
   *
   * @throws PitrException {@link ErrorCode#USAGE} when {@code runId} names no run of {@code name},
   *     or a run of one process
   */
  public Mono<RunRecord> resumable(String name, String runId) {
    return env.ledger()
        .runs(name)
        .collectList()
        .flatMap(
            runs -> {
              if (runId == null) {
                RunRecord latest = RunRecord.latest(runs);
                return latest == null || latest.workers() <= 1 ? Mono.empty() : Mono.just(latest);
              }
              RunRecord r =
                  runs.stream().filter(x -> x.runId().equals(runId)).findFirst().orElse(null);
              if (r == null) {
                return Mono.error(
                    new PitrException(
                        ErrorCode.USAGE,
                        "Migration "
                            + name
                            + " has no run "
                            + runId
                            + "; pass one of its runs across workers (see 'pitr migrate list')"));
              }
              if (r.workers() <= 1) {
                return Mono.error(
                    new PitrException(
                        ErrorCode.USAGE,
                        "Run "
                            + runId
                            + " of "
                            + name
                            + " ran in one process; resume it with 'pitr migrate resume "
                            + name
                            + "' without --run-id"));
              }
              return Mono.just(r);
            });
  }

  /**
   * Resumes {@code run}, a run across workers, in this process: every worker that has not finished
   * its share and is not running elsewhere continues it ({@code request} asks for a resume, with no
   * {@code --worker}).
   *
   * @throws PitrException {@link ErrorCode#USAGE} when the run was not interrupted or every
   *     unfinished worker runs elsewhere; nothing is written then
   */
  public Mono<WorkersReport> resume(RunRequest request, RunRecord run) {
    String name = request.file().name();
    if (run.status() != MigrationState.FAILED && run.status() != MigrationState.RUNNING) {
      return Mono.error(
          new PitrException(
              ErrorCode.USAGE,
              "Run "
                  + run.runId()
                  + " of "
                  + name
                  + " is "
                  + run.status()
                  + ": it has nothing to resume; start a new run with 'pitr migrate "
                  + run.mode().name().toLowerCase(Locale.ROOT)
                  + " "
                  + name
                  + "'"));
    }
    return plan(run)
        .flatMap(
            p -> {
              if (p.stream().noneMatch(o -> o == null)) {
                return Mono.error(
                    new PitrException(
                        ErrorCode.USAGE,
                        "Every unfinished worker of run "
                            + run.runId()
                            + " of "
                            + name
                            + " is running elsewhere ("
                            + p.stream()
                                .filter(o -> o.state() == WorkersReport.State.ELSEWHERE)
                                .map(o -> o.worker() + " " + o.detail())
                                .collect(Collectors.joining("; "))
                            + "); wait for them to end, or if they are dead for their heartbeats"
                            + " to lapse, then resume"));
              }
              long unfinished = p.stream().filter(o -> o == null).count();
              if (unfinished > maxWorkers()) {
                return Mono.error(
                    new PitrException(
                        ErrorCode.USAGE,
                        "Run "
                            + run.runId()
                            + " of "
                            + name
                            + " has "
                            + unfinished
                            + " unfinished workers of "
                            + run.workers()
                            + ", more than one process runs: at most "
                            + maxWorkers()
                            + " here (4 per available processor, at least 16). Resume each in a"
                            + " process of its own with 'pitr "
                            + RunFailedException.resumeArgs(name, run.mode())
                            + " --run-id "
                            + run.runId()
                            + " --worker I/"
                            + run.workers()
                            + "' ('pitr migrate list' shows which are unfinished). Nothing was"
                            + " changed."));
              }
              return launch(request.withResume(true), run.runId(), run.workers(), p);
            });
  }

  /** Every worker of a new run: none skipped (a null outcome means "run it"). */
  private static List<WorkersReport.Outcome> fresh(int workers) {
    List<WorkersReport.Outcome> out = new ArrayList<>();
    for (int i = 1; i <= workers; i++) {
      out.add(null);
    }
    return out;
  }

  /**
   * What to do with each worker of {@code run}: skip it (its outcome) when it finished its share or
   * runs elsewhere, else run it (null).
   */
  private Mono<List<WorkersReport.Outcome>> plan(RunRecord run) {
    return env.workers(run, env.clock().instant())
        .map(
            statuses -> {
              List<WorkersReport.Outcome> out = new ArrayList<>();
              for (WorkerStatus s : statuses) {
                out.add(
                    switch (s.state()) {
                      case DONE ->
                          new WorkersReport.Outcome(
                              s.worker(), WorkersReport.State.DONE_BEFORE, 0, 0, null);
                      case RUNNING ->
                          new WorkersReport.Outcome(
                              s.worker(),
                              WorkersReport.State.ELSEWHERE,
                              0,
                              0,
                              "on "
                                  + s.host()
                                  + (s.batchJobId() == null
                                      ? ""
                                      : ", AWS Batch job " + s.batchJobId())
                                  + ", last heartbeat "
                                  + s.heartbeat());
                      default -> null;
                    });
              }
              return out;
            });
  }

  private Mono<RunRecord> recorded(String name, String runId) {
    return runId == null
        ? Mono.empty()
        : env.ledger().runs(name).filter(r -> r.runId().equals(runId)).next();
  }

  private Mono<WorkersReport> launch(
      RunRequest request, String runId, int workers, List<WorkersReport.Outcome> planned) {
    String name = request.file().name();
    List<Worker> toRun = new ArrayList<>();
    for (int i = 1; i <= workers; i++) {
      if (planned.get(i - 1) == null) {
        toRun.add(new Worker(i, workers));
      }
    }
    if (toRun.isEmpty()) {
      return report(request, runId, planned, List.of(), List.of());
    }
    WorkerCrew crew = new WorkerCrew();
    List<RunReport> reports = java.util.Collections.synchronizedList(new ArrayList<>());
    Mono<WorkersReport.Outcome> first =
        one(request.withBackup(request.backup()), toRun.get(0), runId, crew, reports).cache();
    // The others join once the first holds the lock and recorded the run (or had nothing to do).
    Flux<WorkersReport.Outcome> rest =
        Mono.firstWithSignal(crew.firstStarted(), first.then())
            .thenMany(
                Flux.fromIterable(toRun.subList(1, toRun.size()))
                    .flatMap(
                        w -> one(request.withBackup(false), w, runId, crew, reports),
                        Math.max(1, toRun.size() - 1)));
    Mono<List<WorkersReport.Outcome>> ran = Flux.merge(first, rest).collectList();
    return Mono.using(
            () -> crew.progress(env, name, runId, workers).subscribe(),
            ticker -> ran,
            Disposable::dispose)
        .flatMap(outcomes -> report(request, runId, planned, outcomes, List.copyOf(reports)));
  }

  private static List<String> summary(RunRecord run) {
    if (run.status() == MigrationState.RUNNING) {
      return List.of();
    }
    return List.of(
        "run "
            + run.runId()
            + " of "
            + run.workers()
            + " workers: read "
            + run.itemsRead()
            + ", wrote "
            + run.itemsWritten()
            + " in all (every worker and attempt, as the journal counts them)");
  }

  private Mono<WorkersReport.Outcome> one(
      RunRequest request, Worker w, String runId, WorkerCrew crew, List<RunReport> reports) {
    String name = request.file().name();
    return runner
        .run(request.withWorker(w, runId), crew)
        .map(
            r -> {
              reports.add(r);
              return new WorkersReport.Outcome(w, WorkersReport.State.FINISHED, 0, 0, null);
            })
        .onErrorResume(
            e -> {
              if (!crew.anyStarted()) {
                // Refused before any worker held the lock: nothing was written.
                return Mono.error(e);
              }
              Throwable cause = RunFailures.cause(e);
              boolean stopped =
                  cause instanceof PitrException p && p.code() == ErrorCode.INTERRUPTED;
              String detail =
                  cause instanceof PitrException p
                          && p.getCause() != null
                          && p.getMessage().startsWith("Migration " + name + " failed in run ")
                      ? RunFailures.describe(p.getCause())
                      : RunFailures.describe(cause);
              return Mono.just(
                  new WorkersReport.Outcome(
                      w,
                      stopped ? WorkersReport.State.STOPPED : WorkersReport.State.FAILED,
                      0,
                      0,
                      detail));
            });
  }

  /** The report of the run as recorded, with each worker's outcome and counts. */
  private Mono<WorkersReport> report(
      RunRequest request,
      String runId,
      List<WorkersReport.Outcome> planned,
      List<WorkersReport.Outcome> ran,
      List<RunReport> reports) {
    String name = request.file().name();
    WorkerLedger ledger = new WorkerLedger(env.db(), env.ledger().table());
    return Mono.zip(
            env.ledger().runs(name).filter(r -> r.runId().equals(runId)).last(),
            ledger.entries(runId))
        .map(
            t -> {
              RunRecord run = t.getT1();
              Map<Integer, WorkerLedger.WorkerEntry> entries =
                  t.getT2().stream()
                      .collect(Collectors.toMap(e -> e.worker().index(), e -> e, (a, b) -> b));
              List<WorkersReport.Outcome> outcomes = new ArrayList<>();
              for (WorkersReport.Outcome o : planned) {
                if (o != null) {
                  outcomes.add(o);
                }
              }
              for (WorkersReport.Outcome o : ran) {
                WorkerLedger.WorkerEntry e = entries.get(o.worker().index());
                outcomes.add(
                    e == null
                        ? o
                        : new WorkersReport.Outcome(
                            o.worker(), o.state(), e.read(), e.written(), o.detail()));
              }
              outcomes.sort(Comparator.comparingInt(o -> o.worker().index()));
              Instant now = env.clock().instant();
              RunReport report =
                  new RunReport(
                      runId,
                      name,
                      request.mode(),
                      false,
                      run.status(),
                      run.restorePoint(),
                      run.startedAt(),
                      run.finishedAt() == null ? now : run.finishedAt(),
                      WorkersReport.sum(reports),
                      reports.stream().mapToLong(RunReport::journalEntries).sum(),
                      reports.stream().mapToDouble(RunReport::journalWcu).sum(),
                      0,
                      java.time.Duration.ZERO,
                      List.of(),
                      WorkersReport.counters(reports),
                      WorkersReport.notes(summary(run), reports),
                      run.error());
              return new WorkersReport(report, List.copyOf(outcomes));
            });
  }
}
