package pitr.copy;

import java.time.Instant;

/**
 * One copy-back run as its checkpoints know it: what it copies and whether a worker of it is alive.
 *
 * @param runId the run id ({@code --resume} takes it)
 * @param source the table copied from
 * @param target the table copied to
 * @param totalSegments scan segments of the run
 * @param filter the filter expression, or null
 * @param heartbeat when a worker last reported progress
 * @param finished true when every worker that started has finished
 * @param limits the limits it was started with, which a resume keeps; null for runs that record
 *     none (rollback runs, and runs of a pitr before limits were recorded)
 */
public record CopyRunRecord(
    String runId,
    String source,
    String target,
    int totalSegments,
    String filter,
    Instant heartbeat,
    boolean finished,
    RunLimits limits) {

  /** True when not finished and a worker reported within {@code leaseSeconds} of {@code now}. */
  public boolean live(Instant now, long leaseSeconds) {
    return !finished && heartbeat != null && heartbeat.plusSeconds(leaseSeconds).isAfter(now);
  }
}
