package pitr.local.expr;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A parsed projection expression: the list of document paths to keep. */
public interface ProjectionExpression {
  /** Returns a new item holding only the projected paths that exist in {@code item}. */
  Map<String, AttributeValue> apply(Map<String, AttributeValue> item);
}
