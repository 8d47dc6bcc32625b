package pitr.rollback;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One item of a rollback plan.
 *
 * @param key the item's key attributes
 * @param action what to do
 * @param image the image to restore (T0), or null when the item did not exist at T0
 * @param expected the live image the plan saw, or null when the item was absent; the write is
 *     conditional on the item still being exactly this
 * @param conflict true when the item changed after the bad change (restored only with overwrite)
 */
public record PlanItem(
    Map<String, AttributeValue> key,
    Action action,
    Map<String, AttributeValue> image,
    Map<String, AttributeValue> expected,
    boolean conflict) {

  /** Whether applying the plan writes this item. */
  public boolean writes() {
    return action == Action.RESTORE || action == Action.DELETE;
  }
}
