package pitr.rollback;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.WriteProbe;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Proves, changing nothing, that an apply may make every kind of write its plan holds, before the
 * first one: for RESTORE items a PutItem, for DELETE items a DeleteItem, each on the first such key
 * of the plan, with a condition no item meets. DynamoDB authorizes the call, then refuses it
 * (ConditionalCheckFailed), so credentials allowed puts but not deletes (or the reverse) are
 * refused with the table as it was, rather than after half of the rollback landed.
 */
final class WriteProof {
  private WriteProof() {}

  /**
   * Proves the writes of {@code plan} on its table.
   *
   * @throws pitr.PitrException {@link pitr.ErrorCode#USAGE} when IAM denies one (the message names
   *     the permission and says the denied call changed nothing)
   */
  static Mono<Void> prove(DynamoDbGateway gateway, RollbackPlan plan) {
    List<Mono<Void>> proofs = new ArrayList<>();
    List<Map<String, AttributeValue>> restores = plan.samples(Action.RESTORE);
    if (!restores.isEmpty()) {
      Map<String, AttributeValue> key = restores.get(0);
      proofs.add(WriteProbe.put(gateway, plan.table(), key, attribute(key)));
    }
    List<Map<String, AttributeValue>> deletes = plan.samples(Action.DELETE);
    if (!deletes.isEmpty()) {
      Map<String, AttributeValue> key = deletes.get(0);
      proofs.add(WriteProbe.delete(gateway, plan.table(), key, attribute(key)));
    }
    return Flux.concat(proofs).then();
  }

  private static String attribute(Map<String, AttributeValue> key) {
    return key.keySet().iterator().next();
  }
}
