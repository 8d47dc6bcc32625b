package pitr.copy;

import java.time.Instant;
import java.util.List;
import pitr.ErrorCode;
import pitr.PitrException;
import reactor.core.publisher.Mono;

/**
 * Refuses to resume a worker of a run that another process still works on: two processes on the
 * same share write every item twice, each at the run's full rate cap, into a live table. A worker
 * whose lease is renewed is alive, unless its owner was a process on this host that no longer
 * exists (killed, say with kill -9): then a resume need not wait for the lease to lapse. A lease
 * written by this very process (a run cancelled and resumed within one JVM) does not refuse.
 */
final class LiveWorkers {
  private LiveWorkers() {}

  /**
   * Empty when {@code worker} of run {@code runId} may be resumed at {@code now}; else the refusal.
   *
   * @param command how the run is named in the advice, e.g. {@code copy-back run}
   */
  static Mono<Void> refuseIfHeld(
      Checkpoints store, String runId, Worker worker, Instant now, String command) {
    return store.leases(runId).flatMap(leases -> refusal(runId, leases, worker, now, command));
  }

  private static Mono<Void> refusal(
      String runId, List<WorkerLease> leases, Worker worker, Instant now, String command) {
    for (WorkerLease l : leases) {
      if (!l.worker().equals(worker) || l.state(now) != RunState.RUNNING || !alive(l.owner())) {
        continue;
      }
      Instant until = l.expires() != null ? l.expires() : RunLease.legacyExpiry(l.heartbeat());
      return Mono.error(
          new PitrException(
              ErrorCode.USAGE,
              "The "
                  + command
                  + " "
                  + runId
                  + (worker.count() > 1 ? " (worker " + worker + ")" : "")
                  + " is still running: "
                  + (l.owner() == null ? "a process" : l.owner().describe())
                  + " renewed its heartbeat at "
                  + l.heartbeat()
                  + ". Two processes on one share would write every item twice, each at the"
                  + " full rate. Wait for it to finish (pitr runs show "
                  + runId
                  + "), or stop that process and resume after its lease lapses at "
                  + until
                  + ". Nothing was written."));
    }
    return Mono.empty();
  }

  /**
   * Whether {@code owner}, of a lease still running, may be another process at work: not this
   * process itself (a lease whose process is gone is not running, {@link WorkerLease#state}).
   */
  private static boolean alive(RunOwner owner) {
    return owner == null || !owner.equals(RunOwner.current());
  }
}
