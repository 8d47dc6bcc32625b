package pitr.local.store;

import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import pitr.local.DurableStore;
import pitr.local.Errors;
import pitr.local.SecondaryIndex;
import pitr.local.StoreKey;
import pitr.local.Table;
import pitr.local.Version;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BackupNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableAlreadyExistsException;
import software.amazon.awssdk.services.dynamodb.model.TableNotFoundException;

/**
 * Every table the engine holds, the deleted tables still restorable, and the backups, with the
 * lookups the operations share and the errors DynamoDB returns when they find nothing. The live
 * tables are read without locks; the deleted tables and backups, and every change, only under the
 * {@link ItemWriter}'s lock.
 */
public final class Catalog {
  private final Clock clock;
  private final ConcurrentHashMap<String, Table> tables = new ConcurrentHashMap<>();
  private final Map<String, DeletedTable> deletedTables = new HashMap<>();
  private final Map<String, Backup> backups = new LinkedHashMap<>();

  public Catalog(Clock clock) {
    this.clock = clock;
  }

  /** The live tables by name. */
  public ConcurrentHashMap<String, Table> tables() {
    return tables;
  }

  /** The deleted tables still restorable, by ARN. Caller holds the write lock. */
  public Map<String, DeletedTable> deletedTables() {
    return deletedTables;
  }

  /** The backups by ARN, in creation order. Caller holds the write lock. */
  public Map<String, Backup> backups() {
    return backups;
  }

  /**
   * Loads what a durable store holds, calling {@code configure} on each table (to set up its
   * capacity) before it is served.
   */
  public void load(DurableStore store, Consumer<Table> configure) {
    for (DurableStore.LoadedTable lt : store.loadTables()) {
      Table t = DurableStore.table(lt.meta());
      lt.items()
          .forEach(
              (key, head) -> {
                t.items.put(key, head);
                if (head.exists()) {
                  t.itemCount++;
                  t.sizeBytes += head.size;
                  if (t.hasLocalIndexes()) {
                    t.collectionSizes.merge(key.partition(), (long) head.size, Long::sum);
                  }
                  if (!t.indexes.isEmpty()) {
                    Map<String, AttributeValue> image = head.image();
                    for (SecondaryIndex idx : t.indexes.values()) {
                      idx.update(key, null, image);
                    }
                  }
                }
              });
      configure.accept(t);
      if (lt.meta().deletedAt() != null) {
        deletedTables.put(t.arn, new DeletedTable(t, lt.meta().deletedAt()));
      } else {
        tables.put(t.name, t);
      }
    }
    for (DurableStore.LoadedBackup lb : store.loadBackups()) {
      NavigableMap<StoreKey, Version> items = new TreeMap<>(StoreKey.ORDER);
      items.putAll(lb.items());
      DurableStore.BackupMeta m = lb.meta();
      backups.put(
          m.arn(),
          new Backup(
              m.arn(),
              m.name(),
              DurableStore.table(m.source()),
              m.createdAt(),
              items,
              m.sizeBytes(),
              m.itemCount()));
    }
  }

  /** The live table named (or with the ARN) {@code nameOrArn}, or null. */
  public Table find(String nameOrArn) {
    return tables.get(nameOf(nameOrArn));
  }

  /** The table an item operation addresses: it must exist and be ACTIVE. */
  public Table active(String nameOrArn) {
    Table t = tables.get(nameOf(nameOrArn));
    if (t == null || clock.millis() < t.activeAt) {
      throw Errors.notFound("Requested resource not found");
    }
    return t;
  }

  /** The live table with this ARN, for the tagging operations. */
  public Table byArn(String arn) {
    if (arn != null) {
      for (Table t : tables.values()) {
        if (t.arn.equals(arn)) {
          return t;
        }
      }
    }
    throw Errors.notFound("Requested resource not found: ResourcArn: " + arn + " not found");
  }

  /** The live or deleted table with this ARN, for a point-in-time restore. */
  public Table byArnIncludingDeleted(String arn) {
    DeletedTable gone = deletedTables.get(arn);
    if (gone != null) {
      return gone.table();
    }
    for (Table t : tables.values()) {
      if (t.arn.equals(arn)) {
        return t;
      }
    }
    throw tableNotFoundForBackup(arn);
  }

  /** The backup with this ARN. */
  public Backup backup(String arn) {
    Backup b = arn == null ? null : backups.get(arn);
    if (b == null) {
      throw (BackupNotFoundException)
          Errors.build(
              BackupNotFoundException.builder(),
              "BackupNotFoundException",
              "Backup not found: " + arn,
              400);
    }
    return b;
  }

  /** Refuses a restore into a table name that is taken. Caller holds the write lock. */
  public void checkTargetFree(String target) {
    if (tables.containsKey(target)) {
      throw (TableAlreadyExistsException)
          Errors.build(
              TableAlreadyExistsException.builder(),
              "TableAlreadyExistsException",
              "Table already exists: " + target,
              400);
    }
  }

  /** The error the backup and restore operations return for a missing table. */
  public static TableNotFoundException tableNotFoundForBackup(String table) {
    return (TableNotFoundException)
        Errors.build(
            TableNotFoundException.builder(),
            "TableNotFoundException",
            "Table not found: " + table,
            400);
  }

  /** Accepts a table name or a table ARN, as DynamoDB does. */
  public static String nameOf(String nameOrArn) {
    if (nameOrArn == null) {
      throw Errors.validation(
          "1 validation error detected: Value null at 'tableName' failed to satisfy constraint:"
              + " Member must not be null");
    }
    int slash = nameOrArn.startsWith("arn:") ? nameOrArn.indexOf(":table/") : -1;
    return slash < 0 ? nameOrArn : nameOrArn.substring(slash + ":table/".length());
  }
}
