package pitr.rollback;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import pitr.dynamo.ItemSizes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What a plan holds, gathered item by item while it is written or read: counts per action,
 * conflicts, the write estimate and a few sample keys per action. Constant memory. Thread-safe.
 */
final class PlanSummary {
  static final int SAMPLES = 5;

  private final Map<Action, Long> counts = new EnumMap<>(Action.class);
  private final Map<Action, List<Map<String, AttributeValue>>> samples =
      new EnumMap<>(Action.class);
  private long items;
  private long conflicts;
  private double estimatedWcu;

  PlanSummary() {
    for (Action a : Action.values()) {
      counts.put(a, 0L);
      samples.put(a, new ArrayList<>());
    }
  }

  synchronized void add(PlanItem item) {
    items++;
    counts.merge(item.action(), 1L, Long::sum);
    if (item.conflict()) {
      conflicts++;
    }
    if (item.writes()) {
      estimatedWcu += item.image() == null ? 1 : ItemSizes.writeUnits(item.image());
    }
    List<Map<String, AttributeValue>> s = samples.get(item.action());
    if (s.size() < SAMPLES) {
      s.add(item.key());
    }
  }

  synchronized long items() {
    return items;
  }

  synchronized Map<Action, Long> counts() {
    return Collections.unmodifiableMap(new EnumMap<>(counts));
  }

  synchronized long conflicts() {
    return conflicts;
  }

  synchronized double estimatedWcu() {
    return estimatedWcu;
  }

  synchronized List<Map<String, AttributeValue>> samples(Action action) {
    return List.copyOf(samples.get(action));
  }
}
