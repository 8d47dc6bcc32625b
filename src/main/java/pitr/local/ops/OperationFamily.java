package pitr.local.ops;

import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import pitr.local.EngineConfig;
import pitr.local.SecondaryIndex;
import pitr.local.Table;
import pitr.local.capacity.Throughput;
import pitr.local.store.Catalog;
import pitr.local.store.ItemWriter;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.SSESpecification;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * What every operation family works on: the engine's configuration and clock, the {@link Catalog}
 * of tables and backups, the {@link ItemWriter} (the write path and its lock) and the {@link
 * Throughput} buckets.
 */
abstract class OperationFamily {
  protected final EngineConfig config;
  protected final Clock clock;
  protected final Catalog catalog;
  protected final ItemWriter writer;
  protected final Throughput throughput;

  OperationFamily(EngineConfig config, Catalog catalog, ItemWriter writer, Throughput throughput) {
    this.config = config;
    this.clock = config.clock();
    this.catalog = catalog;
    this.writer = writer;
    this.throughput = throughput;
  }

  /** The TableDescription of {@code t} now. */
  protected TableDescription describe(Table t) {
    return TableDescriptions.describe(t, clock.millis());
  }

  protected String arn(String table) {
    return "arn:aws:dynamodb:" + config.region() + ":" + config.accountId() + ":table/" + table;
  }

  /** A new, empty table defined as {@code source} with a restore's overrides applied. */
  protected Table restoredTable(
      Table source,
      String name,
      BillingMode billingOverride,
      ProvisionedThroughput throughputOverride,
      List<GlobalSecondaryIndex> gsiOverride,
      List<LocalSecondaryIndex> lsiOverride,
      SSESpecification sseOverride,
      long now) {
    Table t =
        new Table(
            name,
            arn(name),
            UUID.randomUUID().toString(),
            now,
            source.partitionKey,
            source.sortKey,
            source.attributeDefinitions);
    t.activeAt = now + config.restoreDuration().toMillis();
    t.billingMode = billingOverride != null ? billingOverride : source.billingMode;
    if (throughputOverride != null) {
      long[] c = TableSchemas.checkThroughput(t.billingMode, throughputOverride);
      t.readCapacity = c[0];
      t.writeCapacity = c[1];
    } else if (t.billingMode == BillingMode.PROVISIONED) {
      t.readCapacity = Math.max(1, source.readCapacity);
      t.writeCapacity = Math.max(1, source.writeCapacity);
    }
    t.sse = sseOverride != null ? sseOverride : source.sse;
    Set<String> names = new HashSet<>();
    if (lsiOverride != null) {
      for (LocalSecondaryIndex l : lsiOverride) {
        TableSchemas.addIndex(t, names, l.indexName(), false, l.keySchema(), l.projection(), 0, 0);
      }
    } else {
      for (SecondaryIndex i : source.localIndexes()) {
        t.indexes.put(i.name, i.emptyCopy());
        names.add(i.name);
      }
    }
    if (gsiOverride != null) {
      for (GlobalSecondaryIndex g : gsiOverride) {
        long[] gc =
            t.billingMode == BillingMode.PROVISIONED && g.provisionedThroughput() != null
                ? TableSchemas.checkThroughput(t.billingMode, g.provisionedThroughput())
                : new long[] {t.readCapacity, t.writeCapacity};
        TableSchemas.addIndex(
            t, names, g.indexName(), true, g.keySchema(), g.projection(), gc[0], gc[1]);
      }
    } else {
      for (SecondaryIndex i : source.globalIndexes()) {
        t.indexes.put(i.name, i.emptyCopy());
      }
    }
    return t;
  }
}
