package pitr.dynamo;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What {@link DynamoDbGateway#batchGetUntilDone} read, and what it could not: keys still
 * unprocessed (or whose calls kept being throttled or failing) when the retry budget ran out are
 * handed back, never dropped, so a caller can tell "not read" from "no such item".
 *
 * @param items the items found, in no particular order; a key with no item has none
 * @param consumedUnits read capacity units DynamoDB reported for the calls
 * @param unread keys not read when the retry budget ran out; empty when all were
 * @param reason why {@code unread} is not empty (the last failure's message), or null
 */
public record BatchGetResult(
    List<Map<String, AttributeValue>> items,
    double consumedUnits,
    List<Map<String, AttributeValue>> unread,
    String reason) {

  public BatchGetResult {
    items = List.copyOf(items);
    unread = List.copyOf(unread);
  }

  /** True when every key was read (found or not). */
  public boolean complete() {
    return unread.isEmpty();
  }
}
