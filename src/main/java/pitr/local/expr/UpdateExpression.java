package pitr.local.expr;

import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A parsed update expression (SET, REMOVE, ADD, DELETE clauses). */
public interface UpdateExpression {
  /**
   * Applies the update to a copy of the item.
   *
   * @param item the current image (empty when the item does not exist yet); never modified
   * @return the new image
   * @throws ExpressionException for data-type errors, missing paths and the like, with DynamoDB's
   *     message
   */
  Map<String, AttributeValue> apply(Map<String, AttributeValue> item);

  /** Names of the top-level attributes any clause of this update writes or removes. */
  Set<String> topLevelAttributes();

  /** A projection of exactly the paths this update writes, for ReturnValues UPDATED_OLD/NEW. */
  ProjectionExpression updatedPaths();
}
