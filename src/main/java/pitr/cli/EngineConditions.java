package pitr.cli;

import java.util.Map;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.local.expr.ExpressionContext;
import pitr.local.expr.ExpressionException;
import pitr.migrate.DryRunConditions;
import pitr.migrate.api.Condition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The dry runs' check of a migration write's condition: DynamoDB's condition expressions evaluated
 * by the embedded engine's parser and evaluator, which its contract suite holds to DynamoDB's
 * answers. A condition DynamoDB would refuse fails the dry run with DynamoDB's message.
 */
final class EngineConditions implements DryRunConditions {
  static final EngineConditions INSTANCE = new EngineConditions();

  private EngineConditions() {}

  @Override
  public boolean holds(Condition condition, Map<String, AttributeValue> item) {
    try {
      ExpressionContext context =
          new ExpressionContext(
              condition.names().isEmpty() ? null : condition.names(),
              condition.values().isEmpty() ? null : condition.values());
      boolean holds = context.condition(condition.expression()).test(item);
      context.checkAllUsed();
      return holds;
    } catch (ExpressionException e) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Condition "
              + condition.expression()
              + " of a write would be refused by DynamoDB: "
              + e.getMessage()
              + "; fix it in the migration. Nothing was written (dry run)",
          e);
    }
  }
}
