package pitr.local.expr;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Parses the expressions of one request against its ExpressionAttributeNames and
 * ExpressionAttributeValues, and remembers which placeholders were used so that unused ones can be
 * rejected the way DynamoDB rejects them.
 */
public final class ExpressionContext {
  private final Map<String, String> names;
  private final Map<String, AttributeValue> values;

  /**
   * @param names ExpressionAttributeNames of the request, or null
   * @param values ExpressionAttributeValues of the request, or null
   */
  public ExpressionContext(Map<String, String> names, Map<String, AttributeValue> values) {
    this.names = names == null ? Map.of() : names;
    this.values = values == null ? Map.of() : values;
  }

  /** Parses a ConditionExpression or FilterExpression. */
  public ConditionExpression condition(String expression) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** Parses a condition-like expression, naming it {@code kind} in error messages. */
  public ConditionExpression condition(String expression, String kind) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** Parses an UpdateExpression. */
  public UpdateExpression update(String expression) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** Parses a ProjectionExpression. */
  public ProjectionExpression projection(String expression) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** Parses a KeyConditionExpression. */
  public KeyConditionExpression keyCondition(String expression) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /**
   * Rejects placeholders that no parsed expression used, with DynamoDB's messages. Call after every
   * expression of the request is parsed.
   */
  public void checkAllUsed() {
    throw new UnsupportedOperationException("not yet implemented");
  }
}
