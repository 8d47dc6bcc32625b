package pitr.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import pitr.migrate.JournalEntry;
import pitr.migrate.MigrationEnvironment;
import pitr.migrate.RunRecord;
import pitr.restore.PointInTimeRestorer;
import pitr.rollback.MigrationExportRollbacks;
import pitr.rollback.Rollbacks;

/**
 * {@code migrate rollback NAME --dry-run}: what a rollback of the migration's latest run would
 * undo, from the ledger and the journal alone. It restores nothing, writes nothing and takes no
 * lock: the run it would roll back, its restore point (checked against every table's restore
 * window), and the writes the run journaled per table. Which of those items are conflicts needs the
 * restore; {@code --plan FILE} makes it and saves the item-by-item plan. With {@code --source
 * export} it names the window of each table it would export instead (checked as the rollback checks
 * it), and requests no export.
 */
final class MigrateRollbackPreview {
  private MigrateRollbackPreview() {}

  /** The exports a rollback from exports would request: a window per table, and where to. */
  record Exports(List<MigrationExportRollbacks.Window> windows, String bucket, String prefix) {
    String where() {
      return "s3://" + bucket + "/" + (prefix == null ? "" : prefix);
    }
  }

  static int preview(
      Targets t,
      MigrationEnvironment env,
      Rollbacks rollbacks,
      Clock clock,
      String migration,
      Exports exports,
      boolean json,
      PrintWriter out) {
    RunRecord run = rollbacks.lastRun(env, migration).block();
    PointInTimeRestorer restorer =
        PointInTimeRestorer.create(t.gateway, clock, Targets.createdBy());
    for (String table : run.tables()) {
      restorer
          .checkRestorable(table, run.restorePoint(), "Run " + run.runId() + "'s restore point")
          .block();
    }
    Map<String, Map<String, Long>> journaled = new TreeMap<>();
    run.tables().forEach(table -> journaled.put(table, new TreeMap<>()));
    for (JournalEntry e : env.journal(run).toIterable()) {
      journaled
          .computeIfAbsent(e.table(), k -> new TreeMap<>())
          .merge(e.op().name().toLowerCase(Locale.ROOT), 1L, Long::sum);
    }
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("dryRun", true);
      m.put("migration", run.migration());
      m.put("runId", run.runId());
      m.put("status", run.status().name());
      m.put("restorePoint", run.restorePoint());
      m.put("source", exports == null ? "restore" : "export");
      if (exports != null) {
        List<Object> windows = new ArrayList<>();
        for (MigrationExportRollbacks.Window w : exports.windows()) {
          Map<String, Object> each = new LinkedHashMap<>();
          each.put("table", w.table());
          each.put("from", w.from());
          each.put("to", w.to());
          windows.add(each);
        }
        m.put("exportTo", exports.where());
        m.put("exportWindows", windows);
      }
      m.put("journaledWrites", journaled);
      Json.print(out, m);
      return 0;
    }
    out.println(
        "Dry run: a rollback would undo run "
            + run.runId()
            + " of "
            + run.migration()
            + " ("
            + run.status().name().toLowerCase(Locale.ROOT)
            + ") by "
            + (exports == null
                ? "restoring " + run.restorePoint() + ", inside the restore window of every table"
                : "taking the items' images at "
                    + run.restorePoint()
                    + " from exports to "
                    + exports.where()));
    if (exports != null) {
      for (MigrationExportRollbacks.Window w : exports.windows()) {
        out.println("  export " + w.table() + " [" + w.from() + ", " + w.to() + ")");
      }
    }
    journaled.forEach(
        (table, ops) -> {
          long total = ops.values().stream().mapToLong(Long::longValue).sum();
          out.println(
              "  "
                  + table
                  + ": "
                  + String.format(Locale.ROOT, "%,d", total)
                  + " journaled writes"
                  + (ops.isEmpty() ? "" : " " + ops)
                  + " to put back as they were, unless changed since (conflicts)");
        });
    out.println(
        exports == null
            ? "Nothing was restored or written. 'pitr migrate rollback "
                + migration
                + " --plan FILE' restores the run's restore point and saves the item-by-item plan,"
                + " conflicts included."
            : "Nothing was exported or written. 'pitr migrate rollback "
                + migration
                + " --source export --bucket "
                + exports.bucket()
                + " --plan FILE' exports and saves the item-by-item plan, conflicts included.");
    out.flush();
    return 0;
  }
}
