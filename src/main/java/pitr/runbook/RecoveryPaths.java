package pitr.runbook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The recovery paths of a drill side by side, as the report and the command print them: one column
 * a {@code rollback} step, one row a figure (recovery time, items, read units on the live table,
 * lost writes). Shown when a drill rolled back at least twice, e.g. the same incident through
 * restores and through an export.
 */
public final class RecoveryPaths {
  private RecoveryPaths() {}

  /**
   * The table's rows, the first the header ({@code ""}, then each path as "restore (step 20,
   * orders-restore)"); empty when the drill has fewer than two paths.
   */
  public static List<List<String>> rows(DrillResult r) {
    List<RecoveryPath> paths = r.paths();
    if (paths.size() < 2) {
      return List.of();
    }
    List<List<String>> rows = new ArrayList<>();
    List<String> header = new ArrayList<>(List.of(""));
    paths.forEach(p -> header.add(p.source() + " (step " + p.step() + ", " + p.table() + ")"));
    rows.add(header);
    row(rows, "Recovery time", paths, p -> DrillReport.took(p.time()));
    row(rows, "Items restored", paths, p -> count(p.restored()));
    row(rows, "Items deleted", paths, p -> count(p.deleted()));
    row(rows, "Conflicts kept", paths, p -> count(p.conflicts()));
    row(rows, "Read units on the live table", paths, p -> units(p.liveReadUnits()));
    row(rows, "Read units in all (recovery tables too)", paths, p -> units(p.readUnits()));
    row(rows, "Lost writes (must be 0)", paths, p -> count(p.lostWrites()));
    row(rows, "Recovery tables made", paths, p -> count(p.recoveryTables()));
    return rows;
  }

  /** Each path as a map, for {@code --output json}. */
  public static List<Map<String, Object>> json(DrillResult r) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (RecoveryPath p : r.paths()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("step", p.step());
      m.put("table", p.table());
      m.put("source", p.source());
      m.put("recoveryTime", p.time());
      m.put("restored", p.restored());
      m.put("deleted", p.deleted());
      m.put("conflicts", p.conflicts());
      m.put("liveReadUnits", p.readsMeasured() ? p.liveReadUnits() : null);
      m.put("readUnits", p.readsMeasured() ? p.readUnits() : null);
      m.put("lostWrites", p.lostWrites());
      m.put("recoveryTables", p.recoveryTables());
      out.add(m);
    }
    return out;
  }

  /** The rows as aligned text columns, for the command's text output; empty without rows. */
  public static String text(DrillResult r) {
    List<List<String>> rows = rows(r);
    if (rows.isEmpty()) {
      return "";
    }
    int[] widths = new int[rows.get(0).size()];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder("Recovery paths, side by side:\n");
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder(" ");
      for (int i = 0; i < row.size(); i++) {
        line.append(' ').append(String.format("%-" + widths[i] + "s", row.get(i))).append(' ');
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }

  private static void row(
      List<List<String>> rows,
      String name,
      List<RecoveryPath> paths,
      java.util.function.Function<RecoveryPath, String> value) {
    List<String> row = new ArrayList<>(List.of(name));
    paths.forEach(p -> row.add(value.apply(p)));
    rows.add(row);
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String units(double u) {
    return u < 0 ? "not measured" : String.format(Locale.ROOT, "%,.1f", u);
  }
}
