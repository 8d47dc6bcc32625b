package pitr.local.store;

import java.util.Collection;
import pitr.local.Table;
import pitr.local.Version;

/**
 * Drops the history no restore can reach any more, and measures what history is kept, for the cost
 * model.
 */
public final class HistoryPruner {
  private HistoryPruner() {}

  /**
   * Drops versions older than each table's restorable window, tombstones older than it, and deleted
   * tables whose recovery period has run out. Caller holds the write lock.
   *
   * @return how many versions were dropped
   */
  public static long prune(Catalog catalog, ItemWriter writer, long now) {
    long dropped = 0;
    for (Table t : catalog.tables().values()) {
      if (t.pitrEnabled) {
        long n = pruneTable(t, t.earliestRestorable(now));
        if (n > 0) {
          writer.ifDurable(d -> d.rewriteItems(t));
        }
        dropped += n;
      }
    }
    var it = catalog.deletedTables().values().iterator();
    while (it.hasNext()) {
      DeletedTable d = it.next();
      if (now - d.deletedAt() > d.table().recoveryPeriodDays * 86_400_000L) {
        it.remove();
        writer.ifDurable(s -> s.dropTable(d.table()));
      } else {
        long n = pruneTable(d.table(), d.table().earliestRestorable(now));
        if (n > 0) {
          writer.ifDurable(s -> s.rewriteItems(d.table()));
        }
        dropped += n;
      }
    }
    return dropped;
  }

  private static long pruneTable(Table t, long horizon) {
    long dropped = 0;
    var it = t.items.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      Version v = e.getValue();
      int n = v.pruneBefore(horizon);
      dropped += n;
      if (v.isDeadBefore(horizon)) {
        it.remove();
        dropped++;
      } else if (n > 0) {
        // A lone live version again: the index may hold it without a version record.
        t.items.put(e.getKey(), v);
      }
    }
    return dropped;
  }

  /** Drops all of a table's history, keeping only live images: PITR was turned off. */
  public static void dropHistory(Table t) {
    var it = t.items.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      Version v = e.getValue();
      int n = v.pruneBefore(Long.MAX_VALUE);
      if (!v.exists()) {
        it.remove();
      } else if (n > 0) {
        t.items.put(e.getKey(), v);
      }
    }
  }

  /**
   * Versions kept beyond the live items.
   *
   * @param versions older versions and tombstones kept
   * @param approximateBytes the item data they hold (a full encoding, or a delta against a newer
   *     version) plus per-version overhead
   */
  public record Kept(long versions, long approximateBytes) {}

  /** What {@code tables} hold beyond their live items. */
  public static Kept kept(Collection<Table> tables) {
    long versions = 0;
    long bytes = 0;
    for (Table t : tables) {
      for (Version head : t.items.values()) {
        for (Version v = head.previous(); v != null; v = v.previous()) {
          versions++;
          bytes += Version.OVERHEAD_BYTES + v.heldBytes();
        }
        if (!head.exists()) {
          versions++;
          bytes += Version.OVERHEAD_BYTES;
        }
      }
    }
    return new Kept(versions, bytes);
  }
}
