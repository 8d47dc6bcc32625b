package pitr.rollback;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A rollback plan: what it rolls back, and each item's action. A saved plan is applied exactly as
 * it is; see {@link PlanFile}.
 *
 * @param table the live table
 * @param to T0, the instant restored
 * @param incidentEnd T1, when the bad change ended, or null
 * @param scope what chose the candidate keys: {@code table}, or {@code migration NAME run RUNID}
 * @param createdAt when the plan was made
 * @param items the items, in key order of the scan or journal
 */
public record RollbackPlan(
    String table,
    Instant to,
    Instant incidentEnd,
    String scope,
    Instant createdAt,
    List<PlanItem> items) {

  /** Items per action; every action is present. */
  public Map<Action, Long> counts() {
    Map<Action, Long> counts = new EnumMap<>(Action.class);
    for (Action a : Action.values()) {
      counts.put(a, 0L);
    }
    items.forEach(i -> counts.merge(i.action(), 1L, Long::sum));
    return counts;
  }

  /** Items that changed after the bad change, whether overwritten or kept. */
  public long conflicts() {
    return items.stream().filter(PlanItem::conflict).count();
  }

  /** Write capacity applying the plan takes: each write's size in whole KB, at least 1. */
  public double estimatedWcu() {
    return items.stream()
        .filter(PlanItem::writes)
        .mapToLong(i -> i.image() == null ? 1 : ItemSize.writeUnits(i.image()))
        .sum();
  }
}
