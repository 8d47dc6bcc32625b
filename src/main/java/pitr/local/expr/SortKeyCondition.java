package pitr.local.expr;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The sort-key part of a key condition.
 *
 * @param attribute the sort key's attribute name (placeholders already resolved)
 * @param operator the comparison
 * @param value the operand (the lower bound for BETWEEN)
 * @param upper the upper bound for BETWEEN, otherwise null
 */
public record SortKeyCondition(
    String attribute, Operator operator, AttributeValue value, AttributeValue upper) {

  /** The comparisons DynamoDB allows on a sort key. */
  public enum Operator {
    EQ,
    LT,
    LE,
    GT,
    GE,
    BETWEEN,
    BEGINS_WITH
  }

  /** Whether a sort-key value satisfies this condition (false if its type differs). */
  public boolean matches(AttributeValue candidate) {
    if (candidate == null || candidate.type() != value.type()) {
      return false;
    }
    int c = AttributeValues.compare(candidate, value);
    return switch (operator) {
      case EQ -> c == 0;
      case LT -> c < 0;
      case LE -> c <= 0;
      case GT -> c > 0;
      case GE -> c >= 0;
      case BETWEEN -> c >= 0 && AttributeValues.compare(candidate, upper) <= 0;
      case BEGINS_WITH -> AttributeValues.beginsWith(candidate, value);
    };
  }
}
