package pitr.rollback;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import pitr.copy.CopyRunRecord;
import pitr.copy.Worker;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What applying a plan did.
 *
 * @param runId the apply's run id ({@code --resume} takes it)
 * @param restored items put back to their T0 image by this attempt
 * @param deleted items deleted (absent at T0) by this attempt
 * @param alreadyApplied items found already as planned (restored by an earlier attempt, or by
 *     someone else), not written again
 * @param conflicts items the plan left alone because they changed after the bad change
 * @param changedSincePlan items not written because they changed between planning and applying;
 *     left as they are and reported as conflicts
 * @param failed items whose write failed after retries, with why; they are in the failure file
 * @param notVerified written items that did not read back as planned: data that should have been
 *     restored and was not
 * @param wcu write capacity consumed
 * @param elapsed from the first write to the end of verification
 * @param chunks checkpointed chunks of the plan
 * @param chunksSkipped chunks an earlier attempt had finished (only read back)
 * @param failureFile the failure file, or null when nothing failed
 * @param worker the share of the chunks this process applied
 * @param workerChunks the chunks of that share
 * @param runChunksDone chunks of the whole run done (by any worker) when this process ended
 * @param stopped true when the apply was asked to stop before its last chunk started: the chunks it
 *     did are checkpointed and a resume does the rest
 * @param abandoned when the run was abandoned while this process applied it ({@code pitr runs
 *     abandon --force}), which stopped it as {@code stopped} does; else null
 */
public record ApplyResult(
    String runId,
    long restored,
    long deleted,
    long alreadyApplied,
    List<Map<String, AttributeValue>> conflicts,
    List<Map<String, AttributeValue>> changedSincePlan,
    List<String> failed,
    List<Map<String, AttributeValue>> notVerified,
    double wcu,
    Duration elapsed,
    int chunks,
    int chunksSkipped,
    Path failureFile,
    Worker worker,
    int workerChunks,
    int runChunksDone,
    boolean stopped,
    CopyRunRecord.Abandoned abandoned) {

  /** Conflicts found in planning and in applying. */
  public long conflictCount() {
    return conflicts.size() + changedSincePlan.size();
  }

  /** Every conflict key, planned and found while applying. */
  public List<Map<String, AttributeValue>> allConflicts() {
    List<Map<String, AttributeValue>> all = new java.util.ArrayList<>(conflicts);
    all.addAll(changedSincePlan);
    return all;
  }

  /**
   * Whether every chunk of the run is done, by this process or another worker: the run as a whole
   * is complete, and its recovery tables may go.
   */
  public boolean runComplete() {
    return complete() && runChunksDone >= chunks;
  }

  /**
   * Whether everything planned for this process's share was written (or found applied) and
   * verified.
   */
  public boolean complete() {
    return failed.isEmpty() && notVerified.isEmpty() && !stopped;
  }
}
