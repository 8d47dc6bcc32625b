package pitr.copy;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import pitr.ErrorCode;
import pitr.PitrException;
import reactor.core.publisher.Mono;

/**
 * Progress through a saved list of writes (a rollback plan) applied in numbered chunks, kept in a
 * copy-back {@link Checkpoints} store, so a killed apply resumes where it stopped. The run records
 * what it applies ({@code plan <fingerprint> in chunks of <n>}, as its source) and the table it
 * writes (as its target), with one position per chunk, saved once every write of the chunk is
 * settled. A resumed run skips the chunks marked done and redoes the others from their start; the
 * writes must therefore be safe to repeat, as conditional writes that recognise an applied item
 * are.
 *
 * <p>Runs share the store with copy-back runs; a rollback run's source never names a table, so
 * {@code pitr drop} never mistakes one for a copy-back reading a table.
 */
public final class PlanProgress {
  static final String SOURCE_PREFIX = "plan ";

  private final Checkpoints store;
  private final CopyRunRecord run;
  private final Clock clock;
  private final Worker worker;
  private final Set<Integer> done = ConcurrentHashMap.newKeySet();

  private PlanProgress(Checkpoints store, CopyRunRecord run, Clock clock, Worker worker) {
    this.store = store;
    this.run = run;
    this.clock = clock;
    this.worker = worker;
  }

  /** Opens the run for one process applying every chunk ({@link Worker#ALL}). */
  public static Mono<PlanProgress> open(
      Checkpoints store,
      String runId,
      boolean resume,
      String fingerprint,
      String table,
      int chunkItems,
      int chunks,
      Clock clock) {
    return open(store, runId, resume, fingerprint, table, chunkItems, chunks, Worker.ALL, clock);
  }

  /**
   * The chunk size run {@code runId} applies the plan with {@code fingerprint} in, when the run
   * exists and applies that plan; empty otherwise. A resume keeps it, whatever {@code
   * --chunk-items} it is given, so the run's checkpointed chunks stay the same items.
   */
  public static Mono<Integer> recordedChunkItems(
      Checkpoints store, String runId, String fingerprint) {
    String prefix = SOURCE_PREFIX + fingerprint + " in chunks of ";
    return store
        .find(runId)
        .filter(r -> r.source().startsWith(prefix))
        .flatMap(
            r -> {
              try {
                return Mono.just(Integer.parseInt(r.source().substring(prefix.length())));
              } catch (NumberFormatException e) {
                return Mono.empty();
              }
            });
  }

  /**
   * Opens run {@code runId} applying the plan with {@code fingerprint} to {@code table} in {@code
   * chunks} chunks of {@code chunkItems} items.
   *
   * @param resume true when the run must exist already ({@code --resume})
   * @param worker this process's share: every chunk {@code c} with {@code c % N == I - 1}
   * @throws PitrException {@link ErrorCode#USAGE} when a resumed run does not exist or applies
   *     another plan, another table or other chunks, or has workers of another count, or another
   *     process still works on this worker's share
   */
  public static Mono<PlanProgress> open(
      Checkpoints store,
      String runId,
      boolean resume,
      String fingerprint,
      String table,
      int chunkItems,
      int chunks,
      Worker worker,
      Clock clock) {
    CopyRunRecord wanted =
        CopyRunRecord.opened(
            runId,
            SOURCE_PREFIX + fingerprint + " in chunks of " + chunkItems,
            table,
            chunks,
            null);
    Mono<Void> check =
        store
            .find(runId)
            .map(existing -> check(store, existing, wanted))
            .flatMap(ok -> store.leases(runId))
            .map(leases -> checkWorkers(runId, leases, worker))
            .flatMap(
                ok ->
                    resume
                        ? LiveWorkers.refuseIfHeld(
                                store, runId, worker, clock.instant(), "rollback run")
                            .thenReturn(ok)
                        : Mono.just(ok))
            .switchIfEmpty(
                Mono.fromCallable(
                    () -> {
                      if (resume) {
                        throw new PitrException(
                            ErrorCode.USAGE,
                            "No rollback run "
                                + runId
                                + " in "
                                + store.describe()
                                + "; check the run id, --state-dir or --checkpoint-table");
                      }
                      return true;
                    }))
            .then();
    return check
        .then(store.open(wanted))
        .flatMap(
            run ->
                store
                    .heartbeat(runId, worker, clock.instant(), false)
                    .then(store.positions(runId))
                    .map(
                        positions -> {
                          PlanProgress p = new PlanProgress(store, run, clock, worker);
                          positions.values().stream()
                              .filter(SegmentPosition::done)
                              .forEach(s -> p.done.add(s.segment()));
                          return p;
                        }));
  }

  private static boolean check(Checkpoints store, CopyRunRecord existing, CopyRunRecord wanted) {
    if (!existing.source().startsWith(SOURCE_PREFIX)) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Run "
              + existing.runId()
              + " in "
              + store.describe()
              + " is a copy-back run, not a rollback; resume it with 'pitr copy-back --resume "
              + existing.runId()
              + "'");
    }
    if (!existing.source().equals(wanted.source())
        || !existing.target().equals(wanted.target())
        || existing.totalSegments() != wanted.totalSegments()) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Run "
              + existing.runId()
              + " applied "
              + existing.source()
              + " to "
              + existing.target()
              + ", not this plan; resume it with the plan file it started with, or apply this"
              + " plan without --resume");
    }
    return true;
  }

  /**
   * Refuses a worker of another count than the run's workers: their shares would overlap and leave
   * chunks to no one.
   */
  private static boolean checkWorkers(String runId, List<WorkerLease> leases, Worker worker) {
    for (WorkerLease l : leases) {
      if (l.worker().count() != worker.count()) {
        throw new PitrException(
            ErrorCode.USAGE,
            "Run "
                + runId
                + " is applied by "
                + l.worker().count()
                + (l.worker().count() == 1 ? " worker" : " workers")
                + " (worker "
                + l.worker()
                + " reported), not "
                + worker.count()
                + "; join or resume it with --worker I/"
                + l.worker().count()
                + ". Nothing was written");
      }
    }
    return true;
  }

  /** The run id. */
  public String runId() {
    return run.runId();
  }

  /** Whether {@code chunk} was finished by this or an earlier attempt. */
  public boolean done(int chunk) {
    return done.contains(chunk);
  }

  /** Chunks finished so far. */
  public int doneCount() {
    return done.size();
  }

  /** Chunks in the run. */
  public int chunks() {
    return run.totalSegments();
  }

  /** Marks {@code chunk} finished: a resumed run skips it. */
  public Mono<Void> markDone(int chunk) {
    return store
        .save(run.runId(), new SegmentPosition(chunk, null, true))
        .doOnSuccess(v -> done.add(chunk));
  }

  /** When and by whom the run was abandoned while it ran, or empty ({@link Checkpoints}). */
  public Mono<CopyRunRecord.Abandoned> abandonment() {
    return store.abandonment(run.runId());
  }

  /** Records that this process is alive, or, with {@code finished}, that the run is over. */
  public Mono<Void> heartbeat(boolean finished) {
    return store.heartbeat(run.runId(), worker, clock.instant(), finished);
  }

  /** Records that this process is alive (or its share finished) with what it did so far. */
  public Mono<Void> heartbeat(boolean finished, WorkerProgress progress) {
    return store.heartbeat(run.runId(), worker, clock.instant(), finished, progress);
  }

  /** This process's share of the chunks. */
  public Worker worker() {
    return worker;
  }

  /** Whether {@code chunk} is this process's to apply. */
  public boolean owns(int chunk) {
    return worker.owns(chunk);
  }

  /** The chunks of this process's share. */
  public int ownChunks() {
    int n = chunks();
    return n / worker.count() + (worker.index() - 1 < n % worker.count() ? 1 : 0);
  }

  /** Whether every chunk of this process's share is done. */
  public boolean shareDone() {
    return done.stream().filter(worker::owns).count() == ownChunks();
  }

  /** Chunks of the whole run done, by any worker, as the store has them now. */
  public Mono<Integer> doneInRun() {
    return store
        .positions(run.runId())
        .map(p -> (int) p.values().stream().filter(SegmentPosition::done).count());
  }

  /** Where the progress is kept, for messages. */
  public String describe() {
    return store.describe();
  }
}
