package pitr.local.ops;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import pitr.local.EngineConfig;
import pitr.local.Errors;
import pitr.local.SecondaryIndex;
import pitr.local.Table;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputDescription;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * A table's states as DynamoDB moves it through them, on the engine's clock: CREATING until it is
 * ready, UPDATING for a while after UpdateTable (a new global index CREATING and backfilling
 * meanwhile), DELETING for a while after DeleteTable, and the changes each state refuses with
 * ResourceInUseException. The durations come from {@link EngineConfig.Lifecycle} and default to
 * zero, so that a table is ACTIVE, updated or gone at once.
 */
final class TableLifecycle {
  private static final long DAY_MS = 86_400_000L;

  private final EngineConfig.Lifecycle lifecycle;

  /** Tables deleted but still DELETING, by name: what DescribeTable shows until they are gone. */
  private final Map<String, Deleting> deleting = new ConcurrentHashMap<>();

  private record Deleting(TableDescription description, long until) {}

  TableLifecycle(EngineConfig.Lifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  /** The status of a live table at {@code now} (epoch ms). */
  static TableStatus status(Table t, long now) {
    if (now < t.activeAt) {
      return TableStatus.CREATING;
    }
    return now < t.updatingUntil ? TableStatus.UPDATING : TableStatus.ACTIVE;
  }

  /**
   * Refuses a change to a table that is CREATING or UPDATING, with DynamoDB's
   * ResourceInUseException.
   */
  static void checkChangeable(Table t, long now) {
    TableStatus status = status(t, now);
    if (status == TableStatus.CREATING) {
      throw inUse("created", t.name);
    }
    if (status == TableStatus.UPDATING) {
      throw inUse("updated", t.name);
    }
  }

  private static RuntimeException inUse(String being, String table) {
    return Errors.inUse(
        "Attempt to change a resource which is still in use: Table is being "
            + being
            + ": "
            + table);
  }

  /** Starts an update at {@code now}: UPDATING for the configured time, if any. */
  void updating(Table t, long now) {
    if (!lifecycle.updateDuration().isZero()) {
      t.updatingUntil = now + lifecycle.updateDuration().toMillis();
    }
  }

  /** Starts building a new global index at {@code now}: CREATING and backfilling for a while. */
  void backfilling(SecondaryIndex index, long now) {
    if (!lifecycle.updateDuration().isZero()) {
      index.backfillingUntil = now + lifecycle.updateDuration().toMillis();
    }
  }

  /**
   * Adds to {@code t} the definitions UpdateTable gives for a new global index's key attributes, as
   * DynamoDB takes them; others are left to the index checks.
   */
  static void defineIndexKeys(
      Table t, List<KeySchemaElement> keys, List<AttributeDefinition> defs) {
    if (keys == null || defs == null) {
      return;
    }
    for (KeySchemaElement k : keys) {
      for (AttributeDefinition d : defs) {
        if (d.attributeName().equals(k.attributeName()) && d.attributeType() != null) {
          t.define(d);
        }
      }
    }
  }

  /** Records a provisioned-throughput change from (rcu, wcu) to the table's current capacity. */
  static void throughputChanged(Table t, long oldRead, long oldWrite, long now) {
    if (t.billingMode != BillingMode.PROVISIONED || (oldRead == 0 && oldWrite == 0)) {
      return;
    }
    if (t.readCapacity > oldRead || t.writeCapacity > oldWrite) {
      t.lastIncreaseAt = now;
    }
    if (t.readCapacity < oldRead || t.writeCapacity < oldWrite) {
      t.lastDecreaseAt = now;
      long day = now / DAY_MS;
      t.decreasesToday = t.decreaseDay == day ? t.decreasesToday + 1 : 1;
      t.decreaseDay = day;
    }
  }

  /** The table's ProvisionedThroughput as DescribeTable shows it at {@code now}. */
  static ProvisionedThroughputDescription throughput(Table t, long now) {
    return ProvisionedThroughputDescription.builder()
        .readCapacityUnits(t.readCapacity)
        .writeCapacityUnits(t.writeCapacity)
        .lastIncreaseDateTime(t.lastIncreaseAt == 0 ? null : Instant.ofEpochMilli(t.lastIncreaseAt))
        .lastDecreaseDateTime(t.lastDecreaseAt == 0 ? null : Instant.ofEpochMilli(t.lastDecreaseAt))
        .numberOfDecreasesToday(t.decreaseDay == now / DAY_MS ? (long) t.decreasesToday : 0L)
        .build();
  }

  /**
   * Keeps a deleted table's description DELETING for the configured time, if any. Caller holds the
   * write lock and has removed the table.
   */
  void deleted(TableDescription deletingDescription, long now) {
    if (!lifecycle.deleteDuration().isZero()) {
      deleting.put(
          deletingDescription.tableName(),
          new Deleting(deletingDescription, now + lifecycle.deleteDuration().toMillis()));
    }
  }

  /** The DELETING description of {@code table} at {@code now}, or null when it is gone. */
  TableDescription deleting(String table, long now) {
    Deleting d = deleting.get(table);
    if (d == null) {
      return null;
    }
    if (now >= d.until()) {
      deleting.remove(table, d);
      return null;
    }
    return d.description();
  }

  /** Names of the tables still DELETING at {@code now}. */
  List<String> deletingNames(long now) {
    return deleting.keySet().stream().filter(n -> deleting(n, now) != null).toList();
  }

  /** Refuses to create or delete a table whose name is still DELETING. */
  void checkNotDeleting(String table, long now, boolean creating) {
    if (deleting(table, now) != null) {
      throw creating ? Errors.inUse("Table already exists: " + table) : inUse("deleted", table);
    }
  }
}
