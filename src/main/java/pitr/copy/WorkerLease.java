package pitr.copy;

import java.time.Instant;

/**
 * One worker's lease in a run's checkpoints: its last heartbeat, whether it finished its share, the
 * process that wrote it and, when that process reported it, its {@link WorkerProgress}.
 *
 * @param worker the worker
 * @param heartbeat its last heartbeat
 * @param finished true when it finished its share
 * @param owner the process that wrote the lease, or null when unknown
 * @param expires when the lease lapses, or null for a lease written before leases recorded it
 * @param progress what the process did, or null when it reported nothing
 */
public record WorkerLease(
    Worker worker,
    Instant heartbeat,
    boolean finished,
    RunOwner owner,
    Instant expires,
    WorkerProgress progress) {

  /**
   * Whether the lease is renewed, lapsed, or its worker finished, at {@code now}. A renewed lease
   * whose process on this host is gone ({@link RunOwner#gone}) is dead at once.
   */
  public RunState state(Instant now) {
    if (finished) {
      return RunState.FINISHED;
    }
    Instant e = expires != null ? expires : RunLease.legacyExpiry(heartbeat);
    return e.isAfter(now) && (owner == null || !owner.gone()) ? RunState.RUNNING : RunState.DEAD;
  }
}
