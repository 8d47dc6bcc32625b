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
    String partitionKey, AttributeValue partitionValue, Optional<SortKeyCondition> sortKey) {}
