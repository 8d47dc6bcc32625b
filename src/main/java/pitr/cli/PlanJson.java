package pitr.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import pitr.dynamo.ItemJson;
import pitr.rollback.Action;
import pitr.rollback.ApplyResult;
import pitr.rollback.RollbackPlan;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Rollback plans and apply results as {@code rollback} and {@code migrate rollback} print them with
 * {@code --output json}: counts per action, sample keys as DynamoDB JSON objects, the estimate, and
 * what applying did.
 */
final class PlanJson {
  private PlanJson() {}

  static Map<String, Object> plan(RollbackPlan plan, double maxWcu) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("table", plan.table());
    m.put("to", plan.to());
    m.put("incidentEnd", plan.incidentEnd());
    m.put("scope", plan.scope());
    Map<String, Object> actions = new LinkedHashMap<>();
    for (Action a : Action.values()) {
      Map<String, Object> action = new LinkedHashMap<>();
      action.put("count", plan.counts().get(a));
      action.put("sampleKeys", keys(plan.samples(a)));
      actions.put(a.name().toLowerCase(Locale.ROOT), action);
    }
    m.put("actions", actions);
    m.put("conflicts", plan.conflicts());
    m.put("estimatedWcu", Math.round(plan.estimatedWcu()));
    m.put("maxWcu", Math.round(maxWcu));
    m.put(
        "estimatedSeconds",
        maxWcu > 0 ? Math.round(plan.estimatedWcu() / maxWcu * 10) / 10.0 : null);
    return m;
  }

  static Map<String, Object> result(ApplyResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("runId", r.runId());
    m.put("complete", r.complete());
    m.put("restored", r.restored());
    m.put("deleted", r.deleted());
    m.put("alreadyApplied", r.alreadyApplied());
    m.put("conflicts", r.conflictCount());
    m.put("conflictKeys", keys(r.allConflicts()));
    m.put("failed", r.failed().size());
    m.put("failureFile", r.failureFile() == null ? null : r.failureFile().toString());
    m.put("notVerified", keys(r.notVerified()));
    m.put("wcu", Math.round(r.wcu() * 10) / 10.0);
    m.put("elapsed", r.elapsed());
    m.put("worker", r.worker().toString());
    m.put("chunks", r.chunks());
    m.put("runChunksDone", r.runChunksDone());
    return m;
  }

  static List<Object> keys(List<Map<String, AttributeValue>> keys) {
    List<Object> out = new ArrayList<>();
    keys.forEach(k -> out.add(ItemJson.toNode(k)));
    return out;
  }
}
