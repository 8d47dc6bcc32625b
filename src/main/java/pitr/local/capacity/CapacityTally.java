package pitr.local.capacity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.Capacity;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/**
 * Capacity units one request consumed, per table and index, by DynamoDB's rules: writes cost one
 * unit per started KB of item, reads one unit per started 4 KB (half for eventually consistent
 * reads), transactional requests double, and index maintenance is charged to the index.
 */
public final class CapacityTally {
  private final Map<String, Tab> tables = new LinkedHashMap<>();
  private final boolean read;

  private CapacityTally(boolean read) {
    this.read = read;
  }

  public static CapacityTally reads() {
    return new CapacityTally(true);
  }

  public static CapacityTally writes() {
    return new CapacityTally(false);
  }

  /** Write units for an item of {@code bytes}: one per started KB, at least one. */
  public static double writeUnits(long bytes) {
    return Math.max(1, Math.ceil(bytes / 1024.0));
  }

  /** Read units for {@code bytes} read in one go: one per started 4 KB, halved when eventual. */
  public static double readUnits(long bytes, boolean consistent) {
    double units = Math.max(1, Math.ceil(bytes / 4096.0));
    return consistent ? units : units / 2;
  }

  public void table(String table, double units) {
    tab(table).table += units;
  }

  public void index(String table, String index, boolean global, double units) {
    Tab t = tab(table);
    (global ? t.gsi : t.lsi).merge(index, units, Double::sum);
  }

  /** Adds another tally of the same kind into this one. */
  public void merge(CapacityTally other) {
    other.tables.forEach(
        (name, o) -> {
          Tab t = tab(name);
          t.table += o.table;
          o.gsi.forEach((k, v) -> t.gsi.merge(k, v, Double::sum));
          o.lsi.forEach((k, v) -> t.lsi.merge(k, v, Double::sum));
        });
  }

  /** Multiplies everything recorded so far, e.g. by two for transactions. */
  public void scale(double factor) {
    for (Tab t : tables.values()) {
      t.table *= factor;
      t.gsi.replaceAll((k, v) -> v * factor);
      t.lsi.replaceAll((k, v) -> v * factor);
    }
  }

  private Tab tab(String table) {
    return tables.computeIfAbsent(table, k -> new Tab());
  }

  /** The ConsumedCapacity of one table, or null when the caller did not ask for it. */
  public ConsumedCapacity single(String table, ReturnConsumedCapacity mode) {
    if (!wanted(mode)) {
      return null;
    }
    return build(table, tables.getOrDefault(table, new Tab()), mode);
  }

  /** One ConsumedCapacity per table touched, or null when the caller did not ask for it. */
  public List<ConsumedCapacity> all(ReturnConsumedCapacity mode) {
    if (!wanted(mode)) {
      return null;
    }
    List<ConsumedCapacity> out = new ArrayList<>();
    tables.forEach((name, t) -> out.add(build(name, t, mode)));
    return out;
  }

  /** Total units across tables and indexes, for throughput accounting. */
  public double total() {
    double sum = 0;
    for (Tab t : tables.values()) {
      sum += t.total();
    }
    return sum;
  }

  /** Units charged to the table itself, without its indexes. */
  public double tableUnits(String table) {
    Tab t = tables.get(table);
    return t == null ? 0 : t.table;
  }

  /** Units charged to one index of a table. */
  public double indexUnits(String table, String index) {
    Tab t = tables.get(table);
    if (t == null) {
      return 0;
    }
    return t.gsi.getOrDefault(index, t.lsi.getOrDefault(index, 0.0));
  }

  /** Units charged to one table (its indexes included). */
  public double totalFor(String table) {
    Tab t = tables.get(table);
    return t == null ? 0 : t.total();
  }

  private static boolean wanted(ReturnConsumedCapacity mode) {
    return mode == ReturnConsumedCapacity.TOTAL || mode == ReturnConsumedCapacity.INDEXES;
  }

  private ConsumedCapacity build(String name, Tab t, ReturnConsumedCapacity mode) {
    double total = t.total();
    ConsumedCapacity.Builder b = ConsumedCapacity.builder().tableName(name).capacityUnits(total);
    // TOTAL is TableName and CapacityUnits only; INDEXES adds the read or write split and the
    // table and index breakdown, as DynamoDB answers.
    if (mode == ReturnConsumedCapacity.INDEXES) {
      if (read) {
        b.readCapacityUnits(total);
      } else {
        b.writeCapacityUnits(total);
      }
      b.table(capacity(t.table));
      if (!t.gsi.isEmpty()) {
        b.globalSecondaryIndexes(capacities(t.gsi));
      }
      if (!t.lsi.isEmpty()) {
        b.localSecondaryIndexes(capacities(t.lsi));
      }
    }
    return b.build();
  }

  private Capacity capacity(double units) {
    Capacity.Builder c = Capacity.builder().capacityUnits(units);
    return (read ? c.readCapacityUnits(units) : c.writeCapacityUnits(units)).build();
  }

  private Map<String, Capacity> capacities(Map<String, Double> units) {
    Map<String, Capacity> out = new LinkedHashMap<>();
    units.forEach((k, v) -> out.put(k, capacity(v)));
    return out;
  }

  private static final class Tab {
    double table;
    final Map<String, Double> gsi = new LinkedHashMap<>();
    final Map<String, Double> lsi = new LinkedHashMap<>();

    double total() {
      double sum = table;
      for (double v : gsi.values()) {
        sum += v;
      }
      for (double v : lsi.values()) {
        sum += v;
      }
      return sum;
    }
  }
}
