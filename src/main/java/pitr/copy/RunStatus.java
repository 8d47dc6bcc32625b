package pitr.copy;

/**
 * A run with its state at one instant and where its checkpoints are.
 *
 * @param run the run as its checkpoints record it
 * @param state running, dead, finished or abandoned at that instant
 * @param store where its checkpoints are ({@link Checkpoints#describe()})
 */
public record RunStatus(CopyRunRecord run, RunState state, String store) {
  /** The run id. */
  public String runId() {
    return run.runId();
  }

  /**
   * E.g. {@code last heartbeat at 2026-11-30T03:00:00Z from host ip-10-0-1-7 pid 4242}, or {@code
   * no heartbeat recorded}.
   */
  public String lastHeartbeat() {
    if (run.heartbeat() == null) {
      return "no heartbeat recorded";
    }
    return "last heartbeat at "
        + run.heartbeat()
        + (run.owner() == null ? "" : " from " + run.owner().describe());
  }
}
