package pitr.rollback;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import pitr.migrate.DynamoJson;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Plans and results as the operator reads them. */
public final class PlanText {
  private static final int SAMPLES = PlanSummary.SAMPLES;

  private PlanText() {}

  /** Counts per action, sample keys, and the WCU and time estimate at {@code maxWcu}. */
  public static String plan(RollbackPlan plan, double maxWcu) {
    StringBuilder out = new StringBuilder();
    out.append("Rollback plan for ")
        .append(plan.table())
        .append(" to ")
        .append(plan.to())
        .append(plan.incidentEnd() == null ? "" : " (incident ended " + plan.incidentEnd() + ")")
        .append(", scope: ")
        .append(plan.scope())
        .append('\n');
    Map<Action, Long> counts = plan.counts();
    for (Action a : Action.values()) {
      out.append(
          String.format("  %-9s %,d", a.name().toLowerCase(java.util.Locale.ROOT), counts.get(a)));
      List<String> samples = plan.samples(a).stream().map(DynamoJson::toText).toList();
      if (!samples.isEmpty()) {
        out.append("   e.g. ").append(String.join(", ", samples));
      }
      out.append('\n');
    }
    double wcu = plan.estimatedWcu();
    out.append(String.format("  conflicts %,d (changed after the bad change)%n", plan.conflicts()));
    out.append(String.format("  estimate  %,.0f WCU", wcu));
    if (maxWcu > 0) {
      out.append(", about ").append(human(Duration.ofMillis((long) (wcu / maxWcu * 1000))));
      out.append(String.format(" at %,.0f WCU/s", maxWcu));
    }
    return out.append('\n').toString();
  }

  /** What applying did, one line each. */
  public static String result(ApplyResult r) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "Restored %,d items, deleted %,d, in %s, %,.1f WCU%n",
            r.restored(), r.deleted(), human(r.elapsed()), r.wcu()));
    if (r.chunksSkipped() > 0) {
      out.append(
          String.format(
              "Resumed run %s: %,d of %,d chunks were done by an earlier attempt%n",
              r.runId(), r.chunksSkipped(), r.workerChunks()));
    }
    if (r.worker().count() > 1) {
      out.append(
          String.format(
              "Worker %s of run %s applied its share (%,d of %,d chunks); the run has %,d of %,d"
                  + " chunks done%s%n",
              r.worker(),
              r.runId(),
              r.workerChunks(),
              r.chunks(),
              r.runChunksDone(),
              r.chunks(),
              r.runChunksDone() >= r.chunks()
                  ? ""
                  : " (the other workers' shares remain: pitr runs show " + r.runId() + ")"));
    }
    if (r.alreadyApplied() > 0) {
      out.append(String.format("Already as planned, not written again: %,d%n", r.alreadyApplied()));
    }
    out.append(
        String.format(
            "Conflicts kept as they are: %,d%s%n", r.conflictCount(), keys(r.allConflicts())));
    if (!r.changedSincePlan().isEmpty()) {
      out.append(
          String.format(
              "  of which changed between planning and applying: %,d%n",
              r.changedSincePlan().size()));
    }
    if (!r.failed().isEmpty()) {
      out.append(String.format("Failed writes: %,d%n", r.failed().size()));
      r.failed().stream().limit(SAMPLES).forEach(f -> out.append("  ").append(f).append('\n'));
      if (r.failureFile() != null) {
        out.append("  written to ").append(r.failureFile()).append('\n');
      }
    }
    out.append(
        String.format(
            "Verified: %s%n",
            r.notVerified().isEmpty()
                ? "every written item reads back as planned"
                : r.notVerified().size()
                    + " items do not read back as planned"
                    + keys(r.notVerified())));
    return out.toString();
  }

  private static String keys(List<Map<String, AttributeValue>> keys) {
    if (keys.isEmpty()) {
      return "";
    }
    return keys.stream()
        .limit(SAMPLES)
        .map(DynamoJson::toText)
        .collect(Collectors.joining(", ", " (e.g. ", keys.size() > SAMPLES ? ", ...)" : ")"));
  }

  static String human(Duration d) {
    if (d.toMillis() < 10_000) {
      return String.format("%.2f s", d.toMillis() / 1000.0);
    }
    if (d.toMinutes() < 120) {
      return String.format("%dm %02ds", d.toMinutes(), d.toSecondsPart());
    }
    return String.format("%dh %02dm", d.toHours(), d.toMinutesPart());
  }
}
