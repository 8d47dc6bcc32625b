package pitr.copy;

/**
 * Whether a copy-back or rollback-apply run is alive, as its checkpoints tell: each worker renews a
 * heartbeat every {@link RunLease#heartbeatEvery()} while it works, and its lease lasts {@link
 * RunLease#MULTIPLE} times that.
 */
public enum RunState {
  /**
   * A worker renewed its heartbeat within its lease: a process is working on the run. Wait for it,
   * or stop that process (its owner says where it runs) and let the lease lapse.
   */
  RUNNING,

  /**
   * Not finished, no worker is working and none died: a worker has not started yet (AWS Batch still
   * queues it, or a {@code --worker I/N} process was not launched). Wait for it, or start the
   * missing worker; {@code pitr runs show RUN} says which.
   */
  PENDING,

  /**
   * Not finished, and no worker renewed its heartbeat within its lease: the process was killed,
   * crashed or lost its host. Its checkpoints are intact: resume it ({@code pitr copy-back --resume
   * RUN}, or {@code pitr rollback --apply PLAN --resume RUN}), or release it with {@code pitr runs
   * abandon RUN}.
   */
  DEAD,

  /** Every worker that started finished. Nothing to do; the recovery table may be dropped. */
  FINISHED,

  /**
   * Released with {@code pitr runs abandon}: nothing waits for it any more and it cannot be
   * resumed. Start a new run to copy again; rewriting items already copied is harmless.
   */
  ABANDONED;

  /** The state in lower case, as printed. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
