package pitr.rollback;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What applying a plan did.
 *
 * @param restored items put back to their T0 image
 * @param deleted items deleted (absent at T0)
 * @param conflicts items the plan left alone because they changed after the bad change
 * @param changedSincePlan items whose write was refused because they changed between planning and
 *     applying; left as they are and reported as conflicts
 * @param failed items whose write failed after retries, with why
 * @param notVerified written items that did not read back as planned: data that should have been
 *     restored and was not
 * @param wcu write capacity consumed
 * @param elapsed from the first write to the end of verification
 */
public record ApplyResult(
    long restored,
    long deleted,
    List<Map<String, AttributeValue>> conflicts,
    List<Map<String, AttributeValue>> changedSincePlan,
    List<String> failed,
    List<Map<String, AttributeValue>> notVerified,
    double wcu,
    Duration elapsed) {

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

  /** Whether everything planned was written and verified. */
  public boolean complete() {
    return failed.isEmpty() && notVerified.isEmpty();
  }
}
