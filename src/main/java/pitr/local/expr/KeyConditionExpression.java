package pitr.local.expr;

import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A parsed key condition: equality on the partition key and an optional sort-key condition.
 *
 * @param partitionKey the partition key's attribute name (placeholders already resolved)
 * @param partitionValue the value it must equal
 * @param sortKey the sort-key condition, if any
 */
public record KeyConditionExpression(
    String partitionKey, AttributeValue partitionValue, Optional<SortKeyCondition> sortKey) {

  /**
   * This condition read against the key schema, once known: when both conditions are equalities and
   * the second is on {@code partitionKeyName}, that one is the partition-key condition. Parsing
   * without the schema takes the first equality.
   */
  public KeyConditionExpression forPartitionKey(String partitionKeyName) {
    SortKeyCondition other = sortKey.orElse(null);
    if (other == null
        || other.operator() != SortKeyCondition.Operator.EQ
        || partitionKey.equals(partitionKeyName)
        || !other.attribute().equals(partitionKeyName)) {
      return this;
    }
    return new KeyConditionExpression(
        other.attribute(),
        other.value(),
        Optional.of(
            new SortKeyCondition(
                partitionKey, SortKeyCondition.Operator.EQ, partitionValue, null)));
  }
}
