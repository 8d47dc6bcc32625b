package pitr.dynamo;

import java.util.Map;
import pitr.PitrException;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * Proves, changing nothing, that the credentials may write to a table: a PutItem or DeleteItem with
 * a condition no item meets. DynamoDB authorizes the call, then refuses it
 * (ConditionalCheckFailed), so a denial is found before the first real write, with the table as it
 * was.
 */
public final class WriteProbe {
  private WriteProbe() {}

  /** A condition no item meets: its key attribute both exists and does not. */
  private static final String NEVER = "attribute_exists(#k) AND attribute_not_exists(#k)";

  /**
   * Proves a PutItem of {@code item} (a key of {@code table}, whose attribute {@code keyAttribute}
   * the condition names) on {@code table}.
   *
   * @throws PitrException the gateway's access-denied message, when IAM denies the call
   */
  public static Mono<Void> put(
      DynamoDbGateway gateway,
      String table,
      Map<String, AttributeValue> item,
      String keyAttribute) {
    return refused(
        gateway.putItem(
            PutItemRequest.builder()
                .tableName(table)
                .item(item)
                .conditionExpression(NEVER)
                .expressionAttributeNames(Map.of("#k", keyAttribute))
                .build(),
            Retries.SHARED),
        table);
  }

  /** As {@link #put}, a DeleteItem of {@code key}. */
  public static Mono<Void> delete(
      DynamoDbGateway gateway, String table, Map<String, AttributeValue> key, String keyAttribute) {
    return refused(
        gateway.deleteItem(
            DeleteItemRequest.builder()
                .tableName(table)
                .key(key)
                .conditionExpression(NEVER)
                .expressionAttributeNames(Map.of("#k", keyAttribute))
                .build(),
            Retries.SHARED),
        table);
  }

  /** {@code write}, whose refusal by its condition is the proof, and whose success is a bug. */
  private static Mono<Void> refused(Mono<?> write, String table) {
    return write
        .then(
            Mono.<Void>error(
                () ->
                    new IllegalStateException(
                        "a write with a condition no item meets was made on " + table)))
        .onErrorResume(
            e -> PitrException.causedBy(e, ConditionalCheckFailedException.class),
            e -> Mono.empty());
  }
}
