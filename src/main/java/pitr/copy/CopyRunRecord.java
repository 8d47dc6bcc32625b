package pitr.copy;

import java.time.Instant;
import pitr.ErrorCode;
import pitr.PitrException;

/**
 * One copy-back run as its checkpoints know it: what it copies and whether a worker of it is alive.
 *
 * @param runId the run id ({@code --resume} takes it)
 * @param source the table copied from
 * @param target the table copied to
 * @param totalSegments scan segments of the run
 * @param filter the filter expression, or null
 * @param heartbeat when a worker last reported progress (an unfinished worker, if any is)
 * @param finished true when every worker that started has finished
 * @param limits the limits it was started with, which a resume keeps; null for runs that record
 *     none (rollback runs, and runs of a pitr before limits were recorded)
 * @param owner the process that sent {@code heartbeat}, or null when unknown
 * @param expires when the lease of the last unfinished worker lapses, or null when none is
 *     unfinished
 * @param abandoned when and by whom the run was abandoned, or null
 */
public record CopyRunRecord(
    String runId,
    String source,
    String target,
    int totalSegments,
    String filter,
    Instant heartbeat,
    boolean finished,
    RunLimits limits,
    RunOwner owner,
    Instant expires,
    Abandoned abandoned) {

  /**
   * A run as it is opened, with what it copies and its limits (null for none), and no liveness yet.
   * Its filter is the one its limits record.
   */
  public static CopyRunRecord opened(
      String runId, String source, String target, int totalSegments, RunLimits limits) {
    return new CopyRunRecord(
        runId,
        source,
        target,
        totalSegments,
        limits == null ? null : limits.identity(),
        null,
        false,
        limits,
        null,
        null,
        null);
  }

  /**
   * A run released with {@code pitr runs abandon}.
   *
   * @param at when
   * @param by the process that abandoned it
   */
  public record Abandoned(Instant at, RunOwner by) {
    /**
     * What a process working on run {@code runId} says when it stopped because the run was
     * abandoned under it; {@code wrote} says what it wrote, e.g. "wrote 1,200 items".
     */
    public String stopped(String runId, String wrote) {
      return "Run "
          + runId
          + " was abandoned by "
          + by.describe()
          + " at "
          + at
          + " ('pitr runs abandon --force') while this process worked on it; it started no new"
          + " work, let the writes in flight settle and checkpointed them ("
          + wrote
          + "). An abandoned run cannot be resumed: if the work must still be done, start a new"
          + " run";
    }
  }

  /** Whether the run is running, dead, finished or abandoned at {@code now}. */
  public RunState state(Instant now) {
    if (abandoned != null) {
      return RunState.ABANDONED;
    }
    if (finished) {
      return RunState.FINISHED;
    }
    if (expires == null) {
      // No unfinished worker has a lease: one has yet to start.
      return RunState.PENDING;
    }
    return expires.isAfter(now) ? RunState.RUNNING : RunState.DEAD;
  }

  /**
   * {@code rollback} for a rollback plan applied ({@link PlanProgress}), else {@code copy-back}.
   */
  public String kind() {
    return source.startsWith(PlanProgress.SOURCE_PREFIX) ? "rollback" : "copy-back";
  }

  /**
   * Refuses to continue an abandoned run.
   *
   * @param store where the run's checkpoints are, for the message
   * @throws PitrException {@link ErrorCode#REFUSED} when the run was abandoned
   */
  public void refuseIfAbandoned(String store) {
    if (abandoned == null) {
      return;
    }
    throw new PitrException(
        ErrorCode.REFUSED,
        "Run "
            + runId
            + " in "
            + store
            + " was abandoned at "
            + abandoned.at()
            + " by "
            + abandoned.by().describe()
            + ", so it cannot be resumed; "
            + (kind().equals("rollback")
                ? "apply the plan again without --resume (items already restored are recognised)"
                : "start a new run with pitr copy-back --from "
                    + source
                    + " --to "
                    + target
                    + (filter == null ? "" : " and the same --filter")
                    + " (rewriting items already copied is harmless)"));
  }
}
