package pitr.migrate;

import java.util.Map;
import pitr.migrate.api.Condition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Whether a write's condition holds on the item it would write over, for a dry run, which sends no
 * write for DynamoDB to check it. The command line gives the engine's evaluator of DynamoDB's
 * condition expressions, so a dry run counts and samples only the writes a run would make.
 */
@FunctionalInterface
public interface DryRunConditions {
  /** Checks nothing: every condition is taken to hold. */
  DryRunConditions UNCHECKED = (condition, item) -> true;

  /**
   * Whether {@code condition} holds on {@code item}.
   *
   * @param item the item as the dry run read it; an empty map when there is none
   * @throws RuntimeException when the condition is one DynamoDB would refuse, saying why
   */
  boolean holds(Condition condition, Map<String, AttributeValue> item);
}
