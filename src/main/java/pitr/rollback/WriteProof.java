package pitr.rollback;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.Retries;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * Proves, changing nothing, that an apply may make every kind of write its plan holds, before the
 * first one: for RESTORE items a PutItem, for DELETE items a DeleteItem, each on the first such key
 * of the plan, with a condition no item meets. DynamoDB authorizes the call, then refuses it
 * (ConditionalCheckFailed), so credentials allowed puts but not deletes (or the reverse) are
 * refused with the table as it was, rather than after half of the rollback landed.
 */
final class WriteProof {
  private WriteProof() {}

  /** A condition no item meets: its key attribute both exists and does not. */
  private static final String NEVER = "attribute_exists(#k) AND attribute_not_exists(#k)";

  /**
   * Proves the writes of {@code plan} on its table.
   *
   * @throws pitr.PitrException {@link pitr.ErrorCode#USAGE} when IAM denies one (the message names
   *     the permission and says the denied call changed nothing)
   */
  static Mono<Void> prove(DynamoDbGateway gateway, RollbackPlan plan) {
    List<Mono<?>> proofs = new ArrayList<>();
    List<Map<String, AttributeValue>> restores = plan.samples(Action.RESTORE);
    if (!restores.isEmpty()) {
      Map<String, AttributeValue> key = restores.get(0);
      proofs.add(
          gateway.putItem(
              PutItemRequest.builder()
                  .tableName(plan.table())
                  .item(key)
                  .conditionExpression(NEVER)
                  .expressionAttributeNames(names(key))
                  .build(),
              Retries.SHARED));
    }
    List<Map<String, AttributeValue>> deletes = plan.samples(Action.DELETE);
    if (!deletes.isEmpty()) {
      Map<String, AttributeValue> key = deletes.get(0);
      proofs.add(
          gateway.deleteItem(
              DeleteItemRequest.builder()
                  .tableName(plan.table())
                  .key(key)
                  .conditionExpression(NEVER)
                  .expressionAttributeNames(names(key))
                  .build(),
              Retries.SHARED));
    }
    return Flux.fromIterable(proofs)
        .concatMap(
            proof ->
                proof
                    .then(
                        Mono.<Void>error(
                            () ->
                                new IllegalStateException(
                                    "a write with a condition no item meets was made on "
                                        + plan.table())))
                    .onErrorResume(WriteProof::refusedByItsCondition, e -> Mono.empty()))
        .then();
  }

  private static Map<String, String> names(Map<String, AttributeValue> key) {
    return Map.of("#k", key.keySet().iterator().next());
  }

  private static boolean refusedByItsCondition(Throwable e) {
    return e instanceof ConditionalCheckFailedException
        || e.getCause() instanceof ConditionalCheckFailedException;
  }
}
