package pitr.local.expr;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A parsed condition or filter expression. */
public interface ConditionExpression {
  /**
   * Evaluates the condition against an item.
   *
   * @param item the item's current image; an empty map when the item does not exist
   * @throws ExpressionException when evaluation fails the way DynamoDB fails it
   */
  boolean test(Map<String, AttributeValue> item);
}
