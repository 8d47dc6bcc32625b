package pitr.local;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import pitr.dynamo.ItemSizes;
import pitr.local.capacity.CapacityTally;
import pitr.local.capacity.Throughput;
import pitr.local.expr.AttributeValues;
import pitr.local.expr.ConditionExpression;
import pitr.local.expr.ExpressionContext;
import pitr.local.expr.ExpressionException;
import pitr.local.expr.KeyConditionExpression;
import pitr.local.expr.ProjectionExpression;
import pitr.local.expr.SortKeyCondition;
import pitr.local.expr.UpdateExpression;
import pitr.local.store.Backup;
import pitr.local.store.Catalog;
import pitr.local.store.DeletedTable;
import pitr.local.store.HistoryPruner;
import pitr.local.store.ItemWriter;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BackupDescription;
import software.amazon.awssdk.services.dynamodb.model.BackupDetails;
import software.amazon.awssdk.services.dynamodb.model.BackupStatus;
import software.amazon.awssdk.services.dynamodb.model.BackupSummary;
import software.amazon.awssdk.services.dynamodb.model.BackupType;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.BillingModeSummary;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ContinuousBackupsDescription;
import software.amazon.awssdk.services.dynamodb.model.ContinuousBackupsStatus;
import software.amazon.awssdk.services.dynamodb.model.CreateBackupRequest;
import software.amazon.awssdk.services.dynamodb.model.CreateBackupResponse;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.CreateTableResponse;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.DeleteBackupRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteBackupResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteTableResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeBackupRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeBackupResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeContinuousBackupsRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeContinuousBackupsResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.Get;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexUpdate;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.InvalidRestoreTimeException;
import software.amazon.awssdk.services.dynamodb.model.ItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ListBackupsRequest;
import software.amazon.awssdk.services.dynamodb.model.ListBackupsResponse;
import software.amazon.awssdk.services.dynamodb.model.ListTablesRequest;
import software.amazon.awssdk.services.dynamodb.model.ListTablesResponse;
import software.amazon.awssdk.services.dynamodb.model.ListTagsOfResourceRequest;
import software.amazon.awssdk.services.dynamodb.model.ListTagsOfResourceResponse;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryDescription;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoverySpecification;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryStatus;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryUnavailableException;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputDescription;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.RestoreSummary;
import software.amazon.awssdk.services.dynamodb.model.RestoreTableFromBackupRequest;
import software.amazon.awssdk.services.dynamodb.model.RestoreTableFromBackupResponse;
import software.amazon.awssdk.services.dynamodb.model.RestoreTableToPointInTimeRequest;
import software.amazon.awssdk.services.dynamodb.model.RestoreTableToPointInTimeResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.SSEDescription;
import software.amazon.awssdk.services.dynamodb.model.SSESpecification;
import software.amazon.awssdk.services.dynamodb.model.SSEStatus;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.dynamodb.model.SourceTableDetails;
import software.amazon.awssdk.services.dynamodb.model.SourceTableFeatureDetails;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.Tag;
import software.amazon.awssdk.services.dynamodb.model.TagResourceRequest;
import software.amazon.awssdk.services.dynamodb.model.TagResourceResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItem;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UntagResourceRequest;
import software.amazon.awssdk.services.dynamodb.model.UntagResourceResponse;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateContinuousBackupsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateContinuousBackupsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The embedded DynamoDB-compatible engine: one object holding every table, serving each DynamoDB
 * operation as a method that takes the SDK's request type and returns its response type.
 *
 * <p>Errors are thrown as the SDK's service exceptions built by {@link Errors}. The engine is
 * thread-safe: writes are serialised by one lock (which also makes transactions atomic), reads see
 * each item's latest committed version without locking. The HTTP front end ({@code
 * pitr.local.http}) and the in-process client ({@link LocalDynamoDbAsyncClient}) both dispatch
 * here; an operation is served if and only if this class has a public method named after it that
 * takes its request type.
 */
public final class LocalEngine implements AutoCloseable {
  static final long MAX_PAGE_BYTES = 1024 * 1024;
  static final long MAX_BATCH_GET_BYTES = 16L * 1024 * 1024;
  private static final Pattern TABLE_NAME = Pattern.compile("[a-zA-Z0-9_.-]+");

  private final EngineConfig config;
  private final Clock clock;

  private final Catalog catalog;
  private final ItemWriter writer;
  private final Throughput throughput;
  private volatile Faults.Injector faults;

  private LocalEngine(EngineConfig config, DurableStore durable) {
    this.config = config;
    this.clock = config.clock();
    this.faults = config.faults().injector();
    this.catalog = new Catalog(clock);
    this.writer = new ItemWriter(clock, durable);
    this.throughput = new Throughput(config);
  }

  /**
   * An engine that keeps its tables, history and backups in {@code dataDir} (created if absent) and
   * loads what an earlier run left there. Every change is committed to disk before it is
   * acknowledged, and a restore, a backup or a table deletion is all or nothing across a crash.
   *
   * @throws IllegalArgumentException when the directory cannot be created or was written by an
   *     incompatible version
   */
  public static LocalEngine open(EngineConfig config, java.nio.file.Path dataDir) {
    DurableStore store = DurableStore.open(dataDir);
    LocalEngine engine = new LocalEngine(config, store);
    engine.catalog.load(store, engine.throughput::configure);
    return engine;
  }

  /**
   * Sets the largest item collection (all items sharing a partition key in a table with local
   * secondary indexes) a write may grow; DynamoDB's limit, the default, is 10 GB. Tests lower it.
   */
  public void setItemCollectionLimit(long bytes) {
    writer.setItemCollectionLimit(bytes);
  }

  /** Whether this engine writes to disk, so that callers keep it off I/O event loops. */
  public boolean isDurable() {
    return writer.isDurable();
  }

  /** Replaces the faults injected from now on (a drill may turn them on mid-run). */
  public void setFaults(Faults newFaults) {
    this.faults = newFaults.injector();
  }

  /**
   * Draws the fault for the next request. Front ends call this once per request before dispatching
   * it and act on the decision; the engine's own methods never inject faults.
   */
  public Faults.Decision nextFault() {
    return faults.next();
  }

  /** An in-memory engine. */
  public static LocalEngine create(EngineConfig config) {
    return new LocalEngine(config, null);
  }

  /** An in-memory engine with default settings. */
  public static LocalEngine create() {
    return create(EngineConfig.defaults());
  }

  public EngineConfig config() {
    return config;
  }

  // Tables -------------------------------------------------------------------------------------

  /** CreateTable. */
  public CreateTableResponse createTable(CreateTableRequest r) {
    return guard(
        () -> {
          checkTableName(r.tableName());
          List<KeySchemaElement> ks = r.keySchema();
          if (ks == null || ks.isEmpty()) {
            throw Errors.validation(
                "1 validation error detected: Value null at 'keySchema' failed to satisfy"
                    + " constraint: Member must not be null");
          }
          if (ks.size() > 2) {
            throw Errors.validation("Invalid KeySchema: Too many key schema elements");
          }
          if (ks.get(0).keyType() != KeyType.HASH) {
            throw Errors.validation(
                "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
          }
          if (ks.size() == 2 && ks.get(1).keyType() != KeyType.RANGE) {
            throw Errors.validation(
                "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
          }
          if (ks.size() == 2 && ks.get(0).attributeName().equals(ks.get(1).attributeName())) {
            throw Errors.validation(
                "Both the Hash Key and the Range Key element in the KeySchema have the same name");
          }
          List<AttributeDefinition> defs =
              r.attributeDefinitions() == null ? List.of() : r.attributeDefinitions();
          Map<String, ScalarAttributeType> types = new LinkedHashMap<>();
          for (AttributeDefinition d : defs) {
            if (d.attributeType() == null
                || d.attributeType() == ScalarAttributeType.UNKNOWN_TO_SDK_VERSION) {
              throw Errors.validation(
                  "1 validation error detected: Value '"
                      + d.attributeTypeAsString()
                      + "' at 'attributeDefinitions.member.attributeType' failed to satisfy"
                      + " constraint: Member must satisfy enum value set: [B, N, S]");
            }
            if (types.put(d.attributeName(), d.attributeType()) != null) {
              throw Errors.validation(
                  "Cannot have two attributes with the same name. Attribute name: "
                      + d.attributeName());
            }
          }
          Set<String> keyAttrs = new java.util.LinkedHashSet<>();
          for (KeySchemaElement e : ks) {
            keyAttrs.add(e.attributeName());
          }
          List<GlobalSecondaryIndex> gsis =
              r.hasGlobalSecondaryIndexes() ? r.globalSecondaryIndexes() : List.of();
          List<LocalSecondaryIndex> lsis =
              r.hasLocalSecondaryIndexes() ? r.localSecondaryIndexes() : List.of();
          for (GlobalSecondaryIndex g : gsis) {
            g.keySchema().forEach(e -> keyAttrs.add(e.attributeName()));
          }
          for (LocalSecondaryIndex l : lsis) {
            l.keySchema().forEach(e -> keyAttrs.add(e.attributeName()));
          }
          for (String k : keyAttrs) {
            if (!types.containsKey(k)) {
              throw Errors.validation(
                  "One or more parameter values were invalid: Some index key attributes are not"
                      + " defined in AttributeDefinitions. Keys: "
                      + keyAttrs
                      + ", AttributeDefinitions: "
                      + types.keySet());
            }
          }
          if (keyAttrs.size() != types.size()) {
            throw Errors.validation(
                "One or more parameter values were invalid: Number of attributes in KeySchema does"
                    + " not exactly match number of attributes defined in AttributeDefinitions");
          }
          BillingMode billing = r.billingMode() == null ? BillingMode.PROVISIONED : r.billingMode();
          long[] capacity = checkThroughput(billing, r.provisionedThroughput());
          if (lsis.size() > 5) {
            throw Errors.validation(
                "One or more parameter values were invalid: Table has more than 5 local secondary"
                    + " indexes");
          }
          if (gsis.size() > 20) {
            throw Errors.validation(
                "One or more parameter values were invalid: GlobalSecondaryIndex count exceeds the"
                    + " per-table limit of 20");
          }
          String name = r.tableName();
          Table t =
              new Table(
                  name,
                  arn(name),
                  UUID.randomUUID().toString(),
                  clock.millis(),
                  ks.get(0).attributeName(),
                  ks.size() == 2 ? ks.get(1).attributeName() : null,
                  defs);
          t.activeAt = t.createdAt + config.tableActivationDelay().toMillis();
          t.billingMode = billing;
          t.readCapacity = capacity[0];
          t.writeCapacity = capacity[1];
          t.sse = r.sseSpecification();
          t.stream = r.streamSpecification();
          t.deletionProtection = Boolean.TRUE.equals(r.deletionProtectionEnabled());
          Set<String> indexNames = new HashSet<>();
          for (LocalSecondaryIndex l : lsis) {
            if (t.sortKey == null) {
              throw Errors.validation(
                  "One or more parameter values were invalid: Table KeySchema does not have a range"
                      + " key, which is required when specifying a LocalSecondaryIndex");
            }
            List<KeySchemaElement> lk = l.keySchema();
            if (lk.size() != 2 || !lk.get(0).attributeName().equals(t.partitionKey)) {
              throw Errors.validation(
                  "One or more parameter values were invalid: Index KeySchema does not have the same"
                      + " leading hash key as table KeySchema for index: "
                      + l.indexName()
                      + ". index hash key: "
                      + lk.get(0).attributeName()
                      + ", table hash key: "
                      + t.partitionKey);
            }
            addIndex(t, indexNames, l.indexName(), false, lk, l.projection(), 0, 0);
          }
          for (GlobalSecondaryIndex g : gsis) {
            long[] gc =
                billing == BillingMode.PROVISIONED
                    ? checkThroughput(billing, g.provisionedThroughput())
                    : new long[] {0, 0};
            addIndex(
                t, indexNames, g.indexName(), true, g.keySchema(), g.projection(), gc[0], gc[1]);
          }
          if (r.hasTags()) {
            for (Tag tag : r.tags()) {
              t.tags.put(tag.key(), tag.value());
            }
          }
          throughput.configure(t);
          writer.lock();
          try {
            if (catalog.tables().containsKey(name)) {
              throw Errors.inUse("Table already exists: " + name);
            }
            catalog.tables().put(name, t);
            writer.persistTable(t);
          } finally {
            writer.unlock();
          }
          return CreateTableResponse.builder().tableDescription(describe(t)).build();
        });
  }

  private static void addIndex(
      Table t,
      Set<String> names,
      String name,
      boolean global,
      List<KeySchemaElement> ks,
      Projection projection,
      long rcu,
      long wcu) {
    if (name == null || !names.add(name)) {
      throw Errors.validation(
          "One or more parameter values were invalid: Duplicate index name: " + name);
    }
    if (ks == null || ks.isEmpty() || ks.get(0).keyType() != KeyType.HASH) {
      throw Errors.validation(
          "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
    }
    if (projection == null || projection.projectionType() == null) {
      throw Errors.validation(
          "One or more parameter values were invalid: Unknown ProjectionType: null");
    }
    t.indexes.put(
        name,
        new SecondaryIndex(
            name,
            global,
            ks.get(0).attributeName(),
            ks.size() > 1 ? ks.get(1).attributeName() : null,
            projection.projectionType(),
            projection.nonKeyAttributes(),
            rcu,
            wcu));
  }

  private static long[] checkThroughput(BillingMode billing, ProvisionedThroughput pt) {
    if (billing == BillingMode.PAY_PER_REQUEST) {
      if (pt != null) {
        throw Errors.validation(
            "One or more parameter values were invalid: Neither ReadCapacityUnits nor"
                + " WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
      }
      return new long[] {0, 0};
    }
    if (pt == null || pt.readCapacityUnits() == null || pt.writeCapacityUnits() == null) {
      throw Errors.validation(
          "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits"
              + " must both be specified when BillingMode is PROVISIONED");
    }
    if (pt.readCapacityUnits() < 1 || pt.writeCapacityUnits() < 1) {
      throw Errors.validation(
          "One or more parameter values were invalid: Provisioned throughput must be at least 1"
              + " for both ReadCapacityUnits and WriteCapacityUnits");
    }
    return new long[] {pt.readCapacityUnits(), pt.writeCapacityUnits()};
  }

  private static void checkTableName(String name) {
    if (name == null) {
      throw Errors.validation(
          "1 validation error detected: Value null at 'tableName' failed to satisfy constraint:"
              + " Member must not be null");
    }
    if (name.length() < 3 || name.length() > 255) {
      throw Errors.validation(
          "1 validation error detected: Value '"
              + name
              + "' at 'tableName' failed to satisfy constraint: Member must have length greater"
              + " than or equal to 3 and less than or equal to 255");
    }
    if (!TABLE_NAME.matcher(name).matches()) {
      throw Errors.validation(
          "1 validation error detected: Value '"
              + name
              + "' at 'tableName' failed to satisfy constraint: Member must satisfy regular"
              + " expression pattern: [a-zA-Z0-9_.-]+");
    }
  }

  private String arn(String table) {
    return "arn:aws:dynamodb:" + config.region() + ":" + config.accountId() + ":table/" + table;
  }

  /** DescribeTable. */
  public DescribeTableResponse describeTable(DescribeTableRequest r) {
    return guard(
        () -> {
          Table t = catalog.find(r.tableName());
          if (t == null) {
            throw Errors.tableNotFound(r.tableName());
          }
          return DescribeTableResponse.builder().table(describe(t)).build();
        });
  }

  /** DeleteTable. */
  public DeleteTableResponse deleteTable(DeleteTableRequest r) {
    return guard(
        () -> {
          writer.lock();
          try {
            Table t = catalog.find(r.tableName());
            if (t == null) {
              throw Errors.tableNotFound(r.tableName());
            }
            if (t.deletionProtection) {
              throw Errors.validation(
                  "Resource cannot be deleted as it is currently protected against deletion."
                      + " Disable deletion protection first.");
            }
            TableDescription d = describe(t).toBuilder().tableStatus(TableStatus.DELETING).build();
            catalog.tables().remove(t.name);
            if (t.pitrEnabled) {
              long at = clock.millis();
              catalog.deletedTables().put(t.arn, new DeletedTable(t, at));
              writer.ifDurable(store -> store.saveDeletedTable(t, at));
            } else writer.ifDurable(store -> store.dropTable(t));
            return DeleteTableResponse.builder().tableDescription(d).build();
          } finally {
            writer.unlock();
          }
        });
  }

  /** ListTables. */
  public ListTablesResponse listTables(ListTablesRequest r) {
    return guard(
        () -> {
          int limit = r.limit() == null ? 100 : r.limit();
          if (limit < 1 || limit > 100) {
            throw Errors.validation(
                "1 validation error detected: Value '"
                    + limit
                    + "' at 'limit' failed to satisfy constraint: Member must have value less than"
                    + " or equal to 100");
          }
          List<String> names = new ArrayList<>(catalog.tables().keySet());
          Collections.sort(names);
          List<String> page = new ArrayList<>();
          String start = r.exclusiveStartTableName();
          for (String n : names) {
            if (start != null && n.compareTo(start) <= 0) {
              continue;
            }
            page.add(n);
            if (page.size() == limit) {
              break;
            }
          }
          ListTablesResponse.Builder b = ListTablesResponse.builder().tableNames(page);
          if (page.size() == limit && !page.isEmpty() && !last(names).equals(last(page))) {
            b.lastEvaluatedTableName(last(page));
          }
          return b.build();
        });
  }

  /** UpdateTable: billing mode, provisioned throughput, GSI creation and deletion. */
  public UpdateTableResponse updateTable(UpdateTableRequest r) {
    return guard(
        () -> {
          writer.lock();
          try {
            Table t = catalog.active(r.tableName());
            if (r.billingMode() != null) {
              t.billingMode = r.billingMode();
              if (r.billingMode() == BillingMode.PAY_PER_REQUEST) {
                t.readCapacity = 0;
                t.writeCapacity = 0;
              }
            }
            if (r.provisionedThroughput() != null) {
              long[] c = checkThroughput(t.billingMode, r.provisionedThroughput());
              t.readCapacity = c[0];
              t.writeCapacity = c[1];
            } else if (t.billingMode == BillingMode.PROVISIONED && t.writeCapacity == 0) {
              throw Errors.validation(
                  "One or more parameter values were invalid: ProvisionedThroughput must be"
                      + " specified when BillingMode is PROVISIONED");
            }
            if (r.deletionProtectionEnabled() != null) {
              t.deletionProtection = r.deletionProtectionEnabled();
            }
            if (r.sseSpecification() != null) {
              t.sse = r.sseSpecification();
            }
            if (r.streamSpecification() != null) {
              t.stream = r.streamSpecification();
            }
            if (r.hasGlobalSecondaryIndexUpdates()) {
              for (GlobalSecondaryIndexUpdate u : r.globalSecondaryIndexUpdates()) {
                updateIndex(t, u);
              }
            }
            throughput.configure(t);
            writer.persistTable(t);
            return UpdateTableResponse.builder().tableDescription(describe(t)).build();
          } finally {
            writer.unlock();
          }
        });
  }

  private void updateIndex(Table t, GlobalSecondaryIndexUpdate u) {
    if (u.create() != null) {
      var c = u.create();
      for (KeySchemaElement e : c.keySchema()) {
        if (!t.attributeTypes.containsKey(e.attributeName())) {
          throw Errors.validation(
              "One or more parameter values were invalid: Some index key attributes are not"
                  + " defined in AttributeDefinitions. Keys: ["
                  + e.attributeName()
                  + "]");
        }
      }
      long[] gc =
          t.billingMode == BillingMode.PROVISIONED
              ? checkThroughput(t.billingMode, c.provisionedThroughput())
              : new long[] {0, 0};
      Set<String> names = new HashSet<>(t.indexes.keySet());
      addIndex(t, names, c.indexName(), true, c.keySchema(), c.projection(), gc[0], gc[1]);
      SecondaryIndex idx = t.indexes.get(c.indexName());
      for (Map.Entry<StoreKey, Version> e : t.items.entrySet()) {
        idx.update(e.getKey(), null, e.getValue().image());
      }
    } else if (u.delete() != null) {
      SecondaryIndex idx = t.indexes.get(u.delete().indexName());
      if (idx == null || !idx.global) {
        throw Errors.notFound(
            "Requested resource not found: Index: " + u.delete().indexName() + " not found");
      }
      t.indexes.remove(idx.name);
    } else if (u.update() != null) {
      SecondaryIndex idx = t.indexes.get(u.update().indexName());
      if (idx == null || !idx.global) {
        throw Errors.notFound(
            "Requested resource not found: Index: " + u.update().indexName() + " not found");
      }
      long[] gc = checkThroughput(t.billingMode, u.update().provisionedThroughput());
      idx.readCapacity = gc[0];
      idx.writeCapacity = gc[1];
    }
  }

  /** TagResource. */
  public TagResourceResponse tagResource(TagResourceRequest r) {
    return guard(
        () -> {
          writer.lock();
          try {
            Table t = catalog.byArn(r.resourceArn());
            for (Tag tag : r.tags()) {
              t.tags.put(tag.key(), tag.value());
            }
            writer.persistTable(t);
            return TagResourceResponse.builder().build();
          } finally {
            writer.unlock();
          }
        });
  }

  /** UntagResource. */
  public UntagResourceResponse untagResource(UntagResourceRequest r) {
    return guard(
        () -> {
          writer.lock();
          try {
            Table t = catalog.byArn(r.resourceArn());
            r.tagKeys().forEach(t.tags::remove);
            writer.persistTable(t);
            return UntagResourceResponse.builder().build();
          } finally {
            writer.unlock();
          }
        });
  }

  /** ListTagsOfResource. */
  public ListTagsOfResourceResponse listTagsOfResource(ListTagsOfResourceRequest r) {
    return guard(
        () -> {
          writer.lock();
          try {
            Table t = catalog.byArn(r.resourceArn());
            List<Tag> tags = new ArrayList<>();
            t.tags.forEach((k, v) -> tags.add(Tag.builder().key(k).value(v).build()));
            return ListTagsOfResourceResponse.builder().tags(tags).build();
          } finally {
            writer.unlock();
          }
        });
  }

  private TableDescription describe(Table t) {
    boolean active = clock.millis() >= t.activeAt;
    if (t.restoreSummary != null && active && t.restoreSummary.restoreInProgress()) {
      t.restoreSummary = t.restoreSummary.toBuilder().restoreInProgress(false).build();
    }
    List<KeySchemaElement> ks = new ArrayList<>();
    ks.add(KeySchemaElement.builder().attributeName(t.partitionKey).keyType(KeyType.HASH).build());
    if (t.sortKey != null) {
      ks.add(KeySchemaElement.builder().attributeName(t.sortKey).keyType(KeyType.RANGE).build());
    }
    TableDescription.Builder b =
        TableDescription.builder()
            .tableName(t.name)
            .tableArn(t.arn)
            .tableId(t.id)
            .tableStatus(active ? TableStatus.ACTIVE : TableStatus.CREATING)
            .creationDateTime(Instant.ofEpochMilli(t.createdAt))
            .keySchema(ks)
            .attributeDefinitions(t.attributeDefinitions)
            .itemCount(t.itemCount)
            .tableSizeBytes(t.sizeBytes)
            .deletionProtectionEnabled(t.deletionProtection)
            .provisionedThroughput(throughput(t.readCapacity, t.writeCapacity))
            .restoreSummary(t.restoreSummary);
    if (t.billingMode == BillingMode.PAY_PER_REQUEST) {
      b.billingModeSummary(
          BillingModeSummary.builder()
              .billingMode(BillingMode.PAY_PER_REQUEST)
              .lastUpdateToPayPerRequestDateTime(Instant.ofEpochMilli(t.createdAt))
              .build());
    }
    if (t.sse != null && Boolean.TRUE.equals(t.sse.enabled())) {
      b.sseDescription(
          SSEDescription.builder()
              .status(SSEStatus.ENABLED)
              .sseType(t.sse.sseType())
              .kmsMasterKeyArn(t.sse.kmsMasterKeyId())
              .build());
    }
    if (t.stream != null && Boolean.TRUE.equals(t.stream.streamEnabled())) {
      b.streamSpecification(t.stream);
    }
    List<GlobalSecondaryIndexDescription> gsis = new ArrayList<>();
    List<LocalSecondaryIndexDescription> lsis = new ArrayList<>();
    for (SecondaryIndex i : t.indexes.values()) {
      List<KeySchemaElement> iks = new ArrayList<>();
      iks.add(
          KeySchemaElement.builder().attributeName(i.partitionKey).keyType(KeyType.HASH).build());
      if (i.sortKey != null) {
        iks.add(KeySchemaElement.builder().attributeName(i.sortKey).keyType(KeyType.RANGE).build());
      }
      Projection p =
          Projection.builder()
              .projectionType(i.projectionType)
              .nonKeyAttributes(i.nonKeyAttributes.isEmpty() ? null : i.nonKeyAttributes)
              .build();
      long count = 0;
      long size = 0;
      for (StoreKey k : i.entries.values()) {
        Map<String, AttributeValue> item = t.get(k);
        if (item != null) {
          count++;
          size += ItemSizes.size(i.project(item, t.keyNames));
        }
      }
      if (i.global) {
        gsis.add(
            GlobalSecondaryIndexDescription.builder()
                .indexName(i.name)
                .indexArn(t.arn + "/index/" + i.name)
                .keySchema(iks)
                .projection(p)
                .indexStatus(IndexStatus.ACTIVE)
                .provisionedThroughput(throughput(i.readCapacity, i.writeCapacity))
                .itemCount(count)
                .indexSizeBytes(size)
                .build());
      } else {
        lsis.add(
            LocalSecondaryIndexDescription.builder()
                .indexName(i.name)
                .indexArn(t.arn + "/index/" + i.name)
                .keySchema(iks)
                .projection(p)
                .itemCount(count)
                .indexSizeBytes(size)
                .build());
      }
    }
    if (!gsis.isEmpty()) {
      b.globalSecondaryIndexes(gsis);
    }
    if (!lsis.isEmpty()) {
      b.localSecondaryIndexes(lsis);
    }
    return b.build();
  }

  private static ProvisionedThroughputDescription throughput(long rcu, long wcu) {
    return ProvisionedThroughputDescription.builder()
        .readCapacityUnits(rcu)
        .writeCapacityUnits(wcu)
        .numberOfDecreasesToday(0L)
        .build();
  }

  // Items --------------------------------------------------------------------------------------

  /** PutItem. */
  public PutItemResponse putItem(PutItemRequest r) {
    return guard(
        () -> {
          Table t = catalog.active(r.tableName());
          checkReturnValues(r.returnValuesAsString(), false);
          Map<String, AttributeValue> item = checkedItem(t, r.item());
          ExpressionContext ctx =
              new ExpressionContext(r.expressionAttributeNames(), r.expressionAttributeValues());
          ConditionExpression cond = condition(ctx, r.conditionExpression(), "ConditionExpression");
          ctx.checkAllUsed();
          StoreKey key = t.storeKey(item);
          CapacityTally tally = CapacityTally.writes();
          Map<String, AttributeValue> old =
              writeOne(t, key, item, cond, r.returnValuesOnConditionCheckFailure(), tally);
          PutItemResponse.Builder b =
              PutItemResponse.builder()
                  .consumedCapacity(tally.single(t.name, r.returnConsumedCapacity()));
          if (r.returnValues() == ReturnValue.ALL_OLD && old != null) {
            b.attributes(old);
          }
          return b.build();
        });
  }

  /** GetItem. */
  public GetItemResponse getItem(GetItemRequest r) {
    return guard(
        () -> {
          Table t = catalog.active(r.tableName());
          rejectLegacy(r.hasAttributesToGet(), "AttributesToGet");
          StoreKey key = requestKey(t, r.key());
          ExpressionContext ctx = new ExpressionContext(r.expressionAttributeNames(), null);
          ProjectionExpression proj = projection(ctx, r.projectionExpression());
          ctx.checkAllUsed();
          Throughput.checkRead(t, null);
          Map<String, AttributeValue> item = t.get(key);
          boolean consistent = Boolean.TRUE.equals(r.consistentRead());
          CapacityTally tally = CapacityTally.reads();
          tally.table(
              t.name, CapacityTally.readUnits(item == null ? 0 : ItemSizes.size(item), consistent));
          Throughput.charge(tally, true, t);
          GetItemResponse.Builder b =
              GetItemResponse.builder()
                  .consumedCapacity(tally.single(t.name, r.returnConsumedCapacity()));
          if (item != null) {
            b.item(proj == null ? item : proj.apply(item));
          }
          return b.build();
        });
  }

  /** DeleteItem. */
  public DeleteItemResponse deleteItem(DeleteItemRequest r) {
    return guard(
        () -> {
          Table t = catalog.active(r.tableName());
          checkReturnValues(r.returnValuesAsString(), false);
          rejectLegacy(r.hasExpected(), "Expected");
          StoreKey key = requestKey(t, r.key());
          ExpressionContext ctx =
              new ExpressionContext(r.expressionAttributeNames(), r.expressionAttributeValues());
          ConditionExpression cond = condition(ctx, r.conditionExpression(), "ConditionExpression");
          ctx.checkAllUsed();
          CapacityTally tally = CapacityTally.writes();
          Map<String, AttributeValue> old =
              writeOne(t, key, null, cond, r.returnValuesOnConditionCheckFailure(), tally);
          DeleteItemResponse.Builder b =
              DeleteItemResponse.builder()
                  .consumedCapacity(tally.single(t.name, r.returnConsumedCapacity()));
          if (r.returnValues() == ReturnValue.ALL_OLD && old != null) {
            b.attributes(old);
          }
          return b.build();
        });
  }

  /** UpdateItem. */
  public UpdateItemResponse updateItem(UpdateItemRequest r) {
    return guard(
        () -> {
          Table t = catalog.active(r.tableName());
          checkReturnValues(r.returnValuesAsString(), true);
          rejectLegacy(r.hasAttributeUpdates(), "AttributeUpdates");
          rejectLegacy(r.hasExpected(), "Expected");
          StoreKey key = requestKey(t, r.key());
          ExpressionContext ctx =
              new ExpressionContext(r.expressionAttributeNames(), r.expressionAttributeValues());
          UpdateExpression upd =
              r.updateExpression() == null ? null : ctx.update(r.updateExpression());
          ConditionExpression cond = condition(ctx, r.conditionExpression(), "ConditionExpression");
          ctx.checkAllUsed();
          checkKeyNotUpdated(t, upd);
          CapacityTally tally = CapacityTally.writes();
          Map<String, AttributeValue> old;
          Map<String, AttributeValue> updated;
          writer.lock();
          try {
            Version current = t.items.get(key);
            old = current == null ? null : current.image();
            Throughput.checkWrite(t, Throughput.estimateWrite(old));
            checkCondition(cond, old, r.returnValuesOnConditionCheckFailure());
            Map<String, AttributeValue> base =
                old != null ? old : t.keyOf(requestKeyItem(t, r.key()));
            updated = upd == null ? base : upd.apply(base);
            updated = checkedItem(t, updated);
            writer.write(t, key, current, updated, tally);
            Throughput.charge(tally, false, t);
          } finally {
            writer.unlock();
          }
          UpdateItemResponse.Builder b =
              UpdateItemResponse.builder()
                  .consumedCapacity(tally.single(t.name, r.returnConsumedCapacity()));
          ReturnValue rv = r.returnValues() == null ? ReturnValue.NONE : r.returnValues();
          Map<String, AttributeValue> attrs =
              switch (rv) {
                case ALL_OLD -> old;
                case ALL_NEW -> updated;
                case UPDATED_OLD ->
                    old == null || upd == null ? null : upd.updatedPaths().apply(old);
                case UPDATED_NEW -> upd == null ? null : upd.updatedPaths().apply(updated);
                default -> null;
              };
          if (attrs != null && !attrs.isEmpty()) {
            b.attributes(attrs);
          }
          return b.build();
        });
  }

  /** Query. */
  public QueryResponse query(QueryRequest r) {
    return guard(
        () -> {
          Table t = catalog.active(r.tableName());
          rejectLegacy(r.hasKeyConditions(), "KeyConditions");
          rejectLegacy(r.hasQueryFilter(), "QueryFilter");
          rejectLegacy(r.hasAttributesToGet(), "AttributesToGet");
          SecondaryIndex idx = index(t, r.indexName(), r.consistentRead());
          if (r.keyConditionExpression() == null) {
            throw Errors.validation(
                "Either the KeyConditions or KeyConditionExpression parameter must be specified in"
                    + " the request.");
          }
          ExpressionContext ctx =
              new ExpressionContext(r.expressionAttributeNames(), r.expressionAttributeValues());
          KeyConditionExpression kc =
              ctx.keyCondition(
                  r.keyConditionExpression(), idx == null ? t.partitionKey : idx.partitionKey);
          ConditionExpression filter = condition(ctx, r.filterExpression(), "FilterExpression");
          ProjectionExpression proj = projection(ctx, r.projectionExpression());
          ctx.checkAllUsed();
          String pk = idx == null ? t.partitionKey : idx.partitionKey;
          String sk = idx == null ? t.sortKey : idx.sortKey;
          if (!kc.partitionKey().equals(pk)) {
            throw Errors.validation("Query condition missed key schema element: " + pk);
          }
          SortKeyCondition sc = kc.sortKey().orElse(null);
          if (sc != null && !sc.attribute().equals(sk)) {
            throw Errors.validation(
                sk == null
                    ? "Query key condition not supported"
                    : "Query condition missed key schema element: " + sk);
          }
          ScalarAttributeType pkType = t.attributeTypes.get(pk);
          AttributeValue pv = Items.normalise(kc.partitionValue());
          if (!AttributeValues.typeName(pv).equals(pkType.toString())) {
            throw Errors.validation(
                "One or more parameter values were invalid: Condition parameter type does not"
                    + " match schema type");
          }
          if (sc != null
              && !AttributeValues.typeName(sc.value())
                  .equals(t.attributeTypes.get(sk).toString())) {
            throw Errors.validation(
                "One or more parameter values were invalid: Condition parameter type does not"
                    + " match schema type");
          }
          boolean forward = r.scanIndexForward() == null || r.scanIndexForward();
          NavigableMap<StoreKey, ?> range =
              (idx == null ? t.items : idx.entries)
                  .subMap(StoreKey.partitionStart(pv), true, StoreKey.partitionEnd(pv), true);
          if (!forward) {
            range = range.descendingMap();
          }
          if (r.hasExclusiveStartKey()) {
            StoreKey esk = startKey(t, idx, r.exclusiveStartKey());
            range = range.tailMap(esk, false);
          }
          Throughput.checkRead(t, idx);
          Page page =
              readPage(
                  t,
                  idx,
                  range,
                  sc,
                  filter,
                  proj,
                  r.limit(),
                  r.select(),
                  r.projectionExpression() != null);
          boolean consistent = Boolean.TRUE.equals(r.consistentRead());
          CapacityTally tally = CapacityTally.reads();
          double units = CapacityTally.readUnits(page.bytes, consistent);
          if (idx == null) {
            tally.table(t.name, units);
          } else {
            tally.index(t.name, idx.name, idx.global, units);
          }
          Throughput.charge(tally, true, t);
          QueryResponse.Builder b =
              QueryResponse.builder()
                  .count(page.count)
                  .scannedCount(page.scanned)
                  .consumedCapacity(tally.single(t.name, r.returnConsumedCapacity()));
          if (page.items != null) {
            PageItems.into(b, page.items);
          }
          if (page.lastKey != null) {
            b.lastEvaluatedKey(page.lastKey);
          }
          return b.build();
        });
  }

  /** Scan, including parallel scans with Segment and TotalSegments. */
  public ScanResponse scan(ScanRequest r) {
    return guard(
        () -> {
          Table t = catalog.active(r.tableName());
          rejectLegacy(r.hasScanFilter(), "ScanFilter");
          rejectLegacy(r.hasAttributesToGet(), "AttributesToGet");
          SecondaryIndex idx = index(t, r.indexName(), r.consistentRead());
          ExpressionContext ctx =
              new ExpressionContext(r.expressionAttributeNames(), r.expressionAttributeValues());
          ConditionExpression filter = condition(ctx, r.filterExpression(), "FilterExpression");
          ProjectionExpression proj = projection(ctx, r.projectionExpression());
          ctx.checkAllUsed();
          NavigableMap<StoreKey, ?> range = idx == null ? t.items : idx.entries;
          if (r.segment() != null || r.totalSegments() != null) {
            if (r.totalSegments() == null) {
              throw Errors.validation(
                  "The TotalSegments parameter is required but was not present in the request when"
                      + " Segment parameter is present");
            }
            if (r.segment() == null) {
              throw Errors.validation(
                  "The Segment parameter is required but was not present in the request when"
                      + " parameter TotalSegments is present");
            }
            int total = r.totalSegments();
            int seg = r.segment();
            if (total < 1 || total > 1_000_000) {
              throw Errors.validation(
                  "1 validation error detected: Value '"
                      + total
                      + "' at 'totalSegments' failed to satisfy constraint: Member must have value"
                      + " less than or equal to 1000000");
            }
            if (seg < 0 || seg >= total) {
              throw Errors.validation(
                  "The Segment parameter is zero-based and must be less than parameter"
                      + " TotalSegments: Segment: "
                      + seg
                      + " is not less than TotalSegments: "
                      + total);
            }
            StoreKey from = StoreKey.hashStart(StoreKey.segmentStart(seg, total));
            range =
                seg + 1 == total
                    ? range.tailMap(from, true)
                    : range.subMap(
                        from,
                        true,
                        StoreKey.hashStart(StoreKey.segmentStart(seg + 1, total)),
                        false);
          }
          if (r.hasExclusiveStartKey()) {
            range = range.tailMap(startKey(t, idx, r.exclusiveStartKey()), false);
          }
          Throughput.checkRead(t, idx);
          Page page =
              readPage(
                  t,
                  idx,
                  range,
                  null,
                  filter,
                  proj,
                  r.limit(),
                  r.select(),
                  r.projectionExpression() != null);
          boolean consistent = Boolean.TRUE.equals(r.consistentRead());
          CapacityTally tally = CapacityTally.reads();
          double units = CapacityTally.readUnits(page.bytes, consistent);
          if (idx == null) {
            tally.table(t.name, units);
          } else {
            tally.index(t.name, idx.name, idx.global, units);
          }
          Throughput.charge(tally, true, t);
          ScanResponse.Builder b =
              ScanResponse.builder()
                  .count(page.count)
                  .scannedCount(page.scanned)
                  .consumedCapacity(tally.single(t.name, r.returnConsumedCapacity()));
          if (page.items != null) {
            PageItems.into(b, page.items);
          }
          if (page.lastKey != null) {
            b.lastEvaluatedKey(page.lastKey);
          }
          return b.build();
        });
  }

  private record Page(
      List<Map<String, AttributeValue>> items,
      int count,
      int scanned,
      long bytes,
      Map<String, AttributeValue> lastKey) {}

  private Page readPage(
      Table t,
      SecondaryIndex idx,
      NavigableMap<StoreKey, ?> range,
      SortKeyCondition sc,
      ConditionExpression filter,
      ProjectionExpression proj,
      Integer limit,
      Select select,
      boolean hasProjection) {
    if (limit != null && limit < 1) {
      throw Errors.validation(
          "1 validation error detected: Value '"
              + limit
              + "' at 'limit' failed to satisfy constraint: Member must have value greater than or"
              + " equal to 1");
    }
    if (select == Select.ALL_ATTRIBUTES
        && idx != null
        && idx.projectionType != ProjectionType.ALL
        && !idx.global) {
      // LSIs fetch missing attributes from the table, as DynamoDB does.
    } else if (select == Select.ALL_ATTRIBUTES
        && idx != null
        && idx.projectionType != ProjectionType.ALL) {
      throw Errors.validation(
          "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported"
              + " for global secondary index "
              + idx.name
              + " because its projection type is not ALL");
    }
    if (hasProjection && select != null && select != Select.SPECIFIC_ATTRIBUTES) {
      throw Errors.validation(
          "One or more parameter values were invalid: Select type "
              + select
              + " cannot be used with a ProjectionExpression; use SPECIFIC_ATTRIBUTES");
    }
    boolean countOnly = select == Select.COUNT;
    String sk = idx == null ? t.sortKey : idx.sortKey;
    List<Map<String, AttributeValue>> out = countOnly ? null : new ArrayList<>();
    int count = 0;
    int scanned = 0;
    long bytes = 0;
    Map<String, AttributeValue> lastKey = null;
    Map<String, AttributeValue> previousItem = null;
    var it = range.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      // The table's own map holds versions; an index maps to the table's key.
      Version version = idx == null ? (Version) e.getValue() : t.items.get((StoreKey) e.getValue());
      Map<String, AttributeValue> item = version == null ? null : version.image();
      if (item == null) {
        continue;
      }
      if (sc != null && !sc.matches(item.get(sk))) {
        continue;
      }
      Map<String, AttributeValue> visible =
          idx == null || (select == Select.ALL_ATTRIBUTES && !idx.global)
              ? item
              : idx.project(item, t.keyNames);
      long size = visible == item ? version.size : ItemSizes.size(visible);
      if (scanned > 0 && bytes + size > MAX_PAGE_BYTES) {
        lastKey = keyAttributes(t, idx, previousItem);
        break;
      }
      scanned++;
      bytes += size;
      previousItem = item;
      if (filter == null || filter.test(visible)) {
        count++;
        if (!countOnly) {
          out.add(proj == null ? visible : proj.apply(visible));
        }
      }
      if (limit != null && scanned >= limit) {
        if (it.hasNext()) {
          lastKey = keyAttributes(t, idx, item);
        }
        break;
      }
      if (bytes >= MAX_PAGE_BYTES && it.hasNext()) {
        lastKey = keyAttributes(t, idx, item);
        break;
      }
    }
    return new Page(out, count, scanned, bytes, lastKey);
  }

  // Batches and transactions -------------------------------------------------------------------

  /** BatchWriteItem: up to 25 puts and deletes, each applied on its own. */
  public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest r) {
    return guard(
        () -> {
          Map<String, List<WriteRequest>> req = r.hasRequestItems() ? r.requestItems() : Map.of();
          int n = 0;
          for (List<WriteRequest> l : req.values()) {
            n += l.size();
          }
          for (Map.Entry<String, List<WriteRequest>> e : req.entrySet()) {
            if (e.getValue().size() > 25) {
              throw Errors.validation(
                  "1 validation error detected: Value '"
                      + req
                      + "' at 'requestItems' failed to satisfy constraint: Map value must satisfy"
                      + " constraint: [Member must have length less than or equal to 25, Member"
                      + " must have length greater than or equal to 1]");
            }
          }
          if (n > 25) {
            throw Errors.validation("Too many items requested for the BatchWriteItem call");
          }
          if (n == 0) {
            throw Errors.validation(
                "1 validation error detected: Value null at 'requestItems' failed to satisfy"
                    + " constraint: Member must have length greater than or equal to 1");
          }
          record Op(
              Table table, StoreKey key, Map<String, AttributeValue> image, WriteRequest request) {}
          List<Op> ops = new ArrayList<>(n);
          for (Map.Entry<String, List<WriteRequest>> e : req.entrySet()) {
            Table t = catalog.active(e.getKey());
            Set<StoreKey> seen = new HashSet<>();
            for (WriteRequest w : e.getValue()) {
              Op op;
              if (w.putRequest() != null && w.deleteRequest() == null) {
                Map<String, AttributeValue> item = checkedItem(t, w.putRequest().item());
                op = new Op(t, t.storeKey(item), item, w);
              } else if (w.deleteRequest() != null && w.putRequest() == null) {
                op = new Op(t, requestKey(t, w.deleteRequest().key()), null, w);
              } else {
                throw Errors.validation(
                    "Supplied AttributeValue has more than one datatypes set, must contain exactly"
                        + " one of the supported datatypes");
              }
              if (!seen.add(op.key)) {
                throw Errors.validation("Provided list of item keys contains duplicates");
              }
              ops.add(op);
            }
          }
          CapacityTally tally = CapacityTally.writes();
          Map<String, List<WriteRequest>> unprocessed = new LinkedHashMap<>();
          int written = 0;
          writer.lock();
          try {
            for (Op op : ops) {
              // Once a table throttles, the rest of its requests stay unprocessed, in order.
              if (unprocessed.containsKey(op.table.name)) {
                unprocessed.get(op.table.name).add(op.request);
                continue;
              }
              Version current = op.table.items.get(op.key);
              if (!op.table.writesLimited) {
                writer.write(op.table, op.key, current, op.image, tally);
                written++;
                continue;
              }
              Map<String, AttributeValue> sized =
                  op.image != null ? op.image : current == null ? null : current.image();
              if (!Throughput.admitsWrite(op.table, Throughput.estimateWrite(sized))) {
                unprocessed.computeIfAbsent(op.table.name, k -> new ArrayList<>()).add(op.request);
                continue;
              }
              CapacityTally one = CapacityTally.writes();
              writer.write(op.table, op.key, current, op.image, one);
              Throughput.charge(one, false, op.table);
              tally.merge(one);
              written++;
            }
          } finally {
            writer.unlock();
          }
          if (written == 0) {
            throw Errors.throughputExceeded();
          }
          return BatchWriteItemResponse.builder()
              .unprocessedItems(unprocessed)
              .consumedCapacity(tally.all(r.returnConsumedCapacity()))
              .build();
        });
  }

  /** BatchGetItem: up to 100 keys; what does not fit in 16 MB comes back as UnprocessedKeys. */
  public BatchGetItemResponse batchGetItem(BatchGetItemRequest r) {
    return guard(
        () -> {
          Map<String, KeysAndAttributes> req = r.hasRequestItems() ? r.requestItems() : Map.of();
          int n = 0;
          for (KeysAndAttributes ka : req.values()) {
            n += ka.hasKeys() ? ka.keys().size() : 0;
          }
          if (n > 100) {
            throw Errors.validation("Too many items requested for the BatchGetItem call");
          }
          if (n == 0) {
            throw Errors.validation(
                "1 validation error detected: Value null at 'requestItems' failed to satisfy"
                    + " constraint: Member must have length greater than or equal to 1");
          }
          Map<String, List<Map<String, AttributeValue>>> responses = new LinkedHashMap<>();
          Map<String, KeysAndAttributes> unprocessed = new LinkedHashMap<>();
          CapacityTally tally = CapacityTally.reads();
          long bytes = 0;
          for (Map.Entry<String, KeysAndAttributes> e : req.entrySet()) {
            Table t = catalog.active(e.getKey());
            KeysAndAttributes ka = e.getValue();
            rejectLegacy(ka.hasAttributesToGet(), "AttributesToGet");
            ExpressionContext ctx = new ExpressionContext(ka.expressionAttributeNames(), null);
            ProjectionExpression proj = projection(ctx, ka.projectionExpression());
            ctx.checkAllUsed();
            boolean consistent = Boolean.TRUE.equals(ka.consistentRead());
            Set<StoreKey> seen = new HashSet<>();
            List<Map<String, AttributeValue>> found = new ArrayList<>();
            List<Map<String, AttributeValue>> left = new ArrayList<>();
            for (Map<String, AttributeValue> k : ka.keys()) {
              StoreKey key = requestKey(t, k);
              if (!seen.add(key)) {
                throw Errors.validation("Provided list of item keys contains duplicates");
              }
              Map<String, AttributeValue> item = t.get(key);
              long size = item == null ? 0 : ItemSizes.size(item);
              if (bytes + size > MAX_BATCH_GET_BYTES && bytes > 0) {
                left.add(k);
                continue;
              }
              bytes += size;
              tally.table(t.name, CapacityTally.readUnits(size, consistent));
              if (item != null) {
                found.add(proj == null ? item : proj.apply(item));
              }
            }
            responses.put(t.name, found);
            if (!left.isEmpty()) {
              unprocessed.put(t.name, ka.toBuilder().keys(left).build());
            }
          }
          return BatchGetItemResponse.builder()
              .responses(responses)
              .unprocessedKeys(unprocessed)
              .consumedCapacity(tally.all(r.returnConsumedCapacity()))
              .build();
        });
  }

  /** TransactWriteItems: all actions apply or none does. */
  public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest r) {
    return guard(
        () -> {
          List<TransactWriteItem> actions = r.hasTransactItems() ? r.transactItems() : List.of();
          if (actions.isEmpty() || actions.size() > 100) {
            throw Errors.validation(
                "1 validation error detected: Value at 'transactItems' failed to satisfy"
                    + " constraint: Member must have length less than or equal to 100, Member must"
                    + " have length greater than or equal to 1");
          }
          List<TxAction> planned = new ArrayList<>(actions.size());
          Set<String> seen = new HashSet<>();
          for (TransactWriteItem a : actions) {
            TxAction p = planAction(a);
            if (!seen.add(p.table.name + '\u0000' + p.key)) {
              throw Errors.validation(
                  "Transaction request cannot include multiple operations on one item");
            }
            planned.add(p);
          }
          CapacityTally tally = CapacityTally.writes();
          writer.lock();
          try {
            List<CancellationReason> reasons = new ArrayList<>(planned.size());
            List<Map<String, AttributeValue>> images = new ArrayList<>(planned.size());
            boolean failed = false;
            for (TxAction p : planned) {
              Map<String, AttributeValue> old = p.table.get(p.key);
              if (p.condition != null && !p.condition.test(old == null ? Map.of() : old)) {
                failed = true;
                CancellationReason.Builder cr =
                    CancellationReason.builder()
                        .code("ConditionalCheckFailed")
                        .message("The conditional request failed");
                if (p.returnOld && old != null) {
                  cr.item(old);
                }
                reasons.add(cr.build());
                images.add(null);
                continue;
              }
              reasons.add(CancellationReason.builder().code("None").build());
              Map<String, AttributeValue> image = null;
              if (p.kind == TxKind.PUT) {
                image = p.image;
              } else if (p.kind == TxKind.UPDATE) {
                Map<String, AttributeValue> base = old != null ? old : p.table.keyOf(p.keyItem);
                image = checkedItem(p.table, p.update == null ? base : p.update.apply(base));
              }
              images.add(image);
            }
            if (!failed) {
              for (int i = 0; i < planned.size(); i++) {
                if (planned.get(i).kind != TxKind.CHECK) {
                  TxAction p = planned.get(i);
                  Throughput.checkWrite(p.table, 2 * Throughput.estimateWrite(images.get(i)));
                  if (p.table.hasLocalIndexes()) {
                    // Refuse before the first write, so the transaction stays all or nothing.
                    Version cur = p.table.items.get(p.key);
                    long delta =
                        (images.get(i) == null ? 0 : ItemSizes.size(images.get(i)))
                            - (cur == null || cur.image() == null ? 0 : cur.size);
                    writer.checkCollectionRoom(p.table, p.key, delta);
                  }
                }
              }
            }
            if (failed) {
              List<String> codes = new ArrayList<>();
              reasons.forEach(c -> codes.add(c.code()));
              throw (TransactionCanceledException)
                  Errors.build(
                      TransactionCanceledException.builder().cancellationReasons(reasons),
                      "TransactionCanceledException",
                      "Transaction cancelled, please refer cancellation reasons for specific"
                          + " reasons "
                          + codes,
                      400);
            }
            for (int i = 0; i < planned.size(); i++) {
              TxAction p = planned.get(i);
              if (p.kind == TxKind.CHECK) {
                Map<String, AttributeValue> old = p.table.get(p.key);
                tally.table(
                    p.table.name,
                    CapacityTally.readUnits(old == null ? 0 : ItemSizes.size(old), true));
              } else {
                writer.write(p.table, p.key, images.get(i), tally);
              }
            }
          } finally {
            writer.unlock();
          }
          tally.scale(2);
          return TransactWriteItemsResponse.builder()
              .consumedCapacity(tally.all(r.returnConsumedCapacity()))
              .build();
        });
  }

  private enum TxKind {
    PUT,
    UPDATE,
    DELETE,
    CHECK
  }

  private record TxAction(
      TxKind kind,
      Table table,
      StoreKey key,
      Map<String, AttributeValue> keyItem,
      Map<String, AttributeValue> image,
      UpdateExpression update,
      ConditionExpression condition,
      boolean returnOld) {}

  private TxAction planAction(TransactWriteItem a) {
    int set =
        (a.put() != null ? 1 : 0)
            + (a.update() != null ? 1 : 0)
            + (a.delete() != null ? 1 : 0)
            + (a.conditionCheck() != null ? 1 : 0);
    if (set != 1) {
      throw Errors.validation("TransactItems can only contain one of Check, Put, Update or Delete");
    }
    if (a.put() != null) {
      Put p = a.put();
      Table t = catalog.active(p.tableName());
      Map<String, AttributeValue> item = checkedItem(t, p.item());
      ExpressionContext ctx =
          new ExpressionContext(p.expressionAttributeNames(), p.expressionAttributeValues());
      ConditionExpression c = condition(ctx, p.conditionExpression(), "ConditionExpression");
      ctx.checkAllUsed();
      return new TxAction(
          TxKind.PUT,
          t,
          t.storeKey(item),
          item,
          item,
          null,
          c,
          returnOld(p.returnValuesOnConditionCheckFailure()));
    }
    if (a.update() != null) {
      Update u = a.update();
      Table t = catalog.active(u.tableName());
      StoreKey key = requestKey(t, u.key());
      ExpressionContext ctx =
          new ExpressionContext(u.expressionAttributeNames(), u.expressionAttributeValues());
      UpdateExpression upd = u.updateExpression() == null ? null : ctx.update(u.updateExpression());
      ConditionExpression c = condition(ctx, u.conditionExpression(), "ConditionExpression");
      ctx.checkAllUsed();
      checkKeyNotUpdated(t, upd);
      return new TxAction(
          TxKind.UPDATE,
          t,
          key,
          requestKeyItem(t, u.key()),
          null,
          upd,
          c,
          returnOld(u.returnValuesOnConditionCheckFailure()));
    }
    if (a.delete() != null) {
      Delete d = a.delete();
      Table t = catalog.active(d.tableName());
      StoreKey key = requestKey(t, d.key());
      ExpressionContext ctx =
          new ExpressionContext(d.expressionAttributeNames(), d.expressionAttributeValues());
      ConditionExpression c = condition(ctx, d.conditionExpression(), "ConditionExpression");
      ctx.checkAllUsed();
      return new TxAction(
          TxKind.DELETE,
          t,
          key,
          null,
          null,
          null,
          c,
          returnOld(d.returnValuesOnConditionCheckFailure()));
    }
    ConditionCheck cc = a.conditionCheck();
    Table t = catalog.active(cc.tableName());
    StoreKey key = requestKey(t, cc.key());
    if (cc.conditionExpression() == null) {
      throw Errors.validation(
          "1 validation error detected: Value null at 'conditionExpression' failed to satisfy"
              + " constraint: Member must not be null");
    }
    ExpressionContext ctx =
        new ExpressionContext(cc.expressionAttributeNames(), cc.expressionAttributeValues());
    ConditionExpression c = condition(ctx, cc.conditionExpression(), "ConditionExpression");
    ctx.checkAllUsed();
    return new TxAction(
        TxKind.CHECK,
        t,
        key,
        null,
        null,
        null,
        c,
        returnOld(cc.returnValuesOnConditionCheckFailure()));
  }

  private static boolean returnOld(ReturnValuesOnConditionCheckFailure v) {
    return v == ReturnValuesOnConditionCheckFailure.ALL_OLD;
  }

  /** TransactGetItems: up to 100 gets read as one snapshot. */
  public TransactGetItemsResponse transactGetItems(TransactGetItemsRequest r) {
    return guard(
        () -> {
          List<TransactGetItem> gets = r.hasTransactItems() ? r.transactItems() : List.of();
          if (gets.isEmpty() || gets.size() > 100) {
            throw Errors.validation(
                "1 validation error detected: Value at 'transactItems' failed to satisfy"
                    + " constraint: Member must have length less than or equal to 100, Member must"
                    + " have length greater than or equal to 1");
          }
          record Planned(Table table, StoreKey key, ProjectionExpression proj) {}
          List<Planned> planned = new ArrayList<>();
          Set<String> seen = new HashSet<>();
          for (TransactGetItem g : gets) {
            Get get = g.get();
            Table t = catalog.active(get.tableName());
            StoreKey key = requestKey(t, get.key());
            if (!seen.add(t.name + '\u0000' + key)) {
              throw Errors.validation(
                  "Transaction request cannot include multiple operations on one item");
            }
            ExpressionContext ctx = new ExpressionContext(get.expressionAttributeNames(), null);
            ProjectionExpression proj = projection(ctx, get.projectionExpression());
            ctx.checkAllUsed();
            planned.add(new Planned(t, key, proj));
          }
          CapacityTally tally = CapacityTally.reads();
          List<ItemResponse> out = new ArrayList<>();
          // The write lock makes the reads one consistent snapshot with respect to transactions.
          writer.lock();
          try {
            for (Planned p : planned) {
              Map<String, AttributeValue> item = p.table.get(p.key);
              tally.table(
                  p.table.name,
                  CapacityTally.readUnits(item == null ? 0 : ItemSizes.size(item), true));
              out.add(
                  item == null
                      ? ItemResponse.builder().build()
                      : ItemResponse.builder()
                          .item(p.proj == null ? item : p.proj.apply(item))
                          .build());
            }
          } finally {
            writer.unlock();
          }
          tally.scale(2);
          return TransactGetItemsResponse.builder()
              .responses(out)
              .consumedCapacity(tally.all(r.returnConsumedCapacity()))
              .build();
        });
  }

  // Point-in-time recovery and backups ---------------------------------------------------------

  /** UpdateContinuousBackups: turns PITR on or off and sets the recovery period. */
  public UpdateContinuousBackupsResponse updateContinuousBackups(UpdateContinuousBackupsRequest r) {
    return guard(
        () -> {
          PointInTimeRecoverySpecification spec = r.pointInTimeRecoverySpecification();
          if (spec == null || spec.pointInTimeRecoveryEnabled() == null) {
            throw Errors.validation(
                "1 validation error detected: Value null at"
                    + " 'pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled' failed to"
                    + " satisfy constraint: Member must not be null");
          }
          Integer days = spec.recoveryPeriodInDays();
          if (days != null && (days < 1 || days > 35)) {
            throw Errors.validation(
                "1 validation error detected: Value '"
                    + days
                    + "' at 'pointInTimeRecoverySpecification.recoveryPeriodInDays' failed to"
                    + " satisfy constraint: Member must have value between 1 and 35");
          }
          writer.lock();
          try {
            Table t = catalog.find(r.tableName());
            if (t == null) {
              throw Catalog.tableNotFoundForBackup(r.tableName());
            }
            boolean enable = spec.pointInTimeRecoveryEnabled();
            if (enable && !t.pitrEnabled) {
              t.pitrEnabledAt = clock.millis();
            }
            boolean disabling = !enable && t.pitrEnabled;
            t.pitrEnabled = enable;
            if (days != null) {
              t.recoveryPeriodDays = days;
            }
            // Store the setting before dropping history: a crash part-way then leaves PITR off
            // with some history no restore can reach, never PITR on with history missing.
            writer.persistTable(t);
            if (disabling) {
              HistoryPruner.dropHistory(t);
              writer.ifDurable(d -> d.rewriteItems(t));
            }
            return UpdateContinuousBackupsResponse.builder()
                .continuousBackupsDescription(continuousBackups(t))
                .build();
          } finally {
            writer.unlock();
          }
        });
  }

  /** DescribeContinuousBackups. */
  public DescribeContinuousBackupsResponse describeContinuousBackups(
      DescribeContinuousBackupsRequest r) {
    return guard(
        () -> {
          Table t = catalog.find(r.tableName());
          if (t == null) {
            throw Catalog.tableNotFoundForBackup(r.tableName());
          }
          return DescribeContinuousBackupsResponse.builder()
              .continuousBackupsDescription(continuousBackups(t))
              .build();
        });
  }

  private ContinuousBackupsDescription continuousBackups(Table t) {
    PointInTimeRecoveryDescription.Builder p =
        PointInTimeRecoveryDescription.builder()
            .pointInTimeRecoveryStatus(
                t.pitrEnabled
                    ? PointInTimeRecoveryStatus.ENABLED
                    : PointInTimeRecoveryStatus.DISABLED);
    if (t.pitrEnabled) {
      long now = clock.millis();
      p.recoveryPeriodInDays(t.recoveryPeriodDays)
          .earliestRestorableDateTime(Instant.ofEpochMilli(t.earliestRestorable(now)))
          .latestRestorableDateTime(Instant.ofEpochMilli(latestRestorable(t, now)));
    }
    return ContinuousBackupsDescription.builder()
        .continuousBackupsStatus(ContinuousBackupsStatus.ENABLED)
        .pointInTimeRecoveryDescription(p.build())
        .build();
  }

  private long latestRestorable(Table t, long now) {
    return Math.max(t.earliestRestorable(now), now - config.restoreLag().toMillis());
  }

  /**
   * RestoreTableToPointInTime: a new table holding exactly the items as they were at the restore
   * instant, with the source's keys, indexes and capacity but none of its tags, TTL, streams or
   * PITR setting, as on AWS.
   */
  public RestoreTableToPointInTimeResponse restoreTableToPointInTime(
      RestoreTableToPointInTimeRequest r) {
    return guard(
        () -> {
          checkTableName(r.targetTableName());
          writer.lock();
          try {
            long now = clock.millis();
            Table source;
            long latest;
            if (r.sourceTableArn() != null) {
              source = catalog.byArnIncludingDeleted(r.sourceTableArn());
              DeletedTable gone = catalog.deletedTables().get(r.sourceTableArn());
              latest =
                  gone != null
                      ? Math.min(gone.deletedAt(), latestRestorable(source, now))
                      : latestRestorable(source, now);
            } else {
              if (r.sourceTableName() == null) {
                throw Errors.validation(
                    "Either SourceTableName or SourceTableArn must be specified in the request");
              }
              source = catalog.tables().get(r.sourceTableName());
              if (source == null) {
                throw Catalog.tableNotFoundForBackup(r.sourceTableName());
              }
              latest = latestRestorable(source, now);
            }
            if (!source.pitrEnabled) {
              throw (PointInTimeRecoveryUnavailableException)
                  Errors.build(
                      PointInTimeRecoveryUnavailableException.builder(),
                      "PointInTimeRecoveryUnavailableException",
                      "Point in time recovery is not enabled for table '" + source.name + "'",
                      400);
            }
            catalog.checkTargetFree(r.targetTableName());
            long earliest = source.earliestRestorable(now);
            long at;
            if (Boolean.TRUE.equals(r.useLatestRestorableTime())) {
              at = latest;
            } else if (r.restoreDateTime() != null) {
              at = r.restoreDateTime().toEpochMilli();
            } else {
              throw Errors.validation(
                  "Either RestoreDateTime or UseLatestRestorableTime must be specified in the"
                      + " request");
            }
            if (at < earliest || at > latest) {
              throw (InvalidRestoreTimeException)
                  Errors.build(
                      InvalidRestoreTimeException.builder(),
                      "InvalidRestoreTimeException",
                      "Restore time "
                          + Instant.ofEpochMilli(at)
                          + " is outside the restorable window ["
                          + Instant.ofEpochMilli(earliest)
                          + ", "
                          + Instant.ofEpochMilli(latest)
                          + "] of table "
                          + source.name,
                      400);
            }
            Table target =
                restoredTable(
                    source,
                    r.targetTableName(),
                    r.billingModeOverride(),
                    r.provisionedThroughputOverride(),
                    r.hasGlobalSecondaryIndexOverride() ? r.globalSecondaryIndexOverride() : null,
                    r.hasLocalSecondaryIndexOverride() ? r.localSecondaryIndexOverride() : null,
                    r.sseSpecificationOverride(),
                    now);
            target.restoreSummary =
                RestoreSummary.builder()
                    .sourceTableArn(source.arn)
                    .restoreDateTime(Instant.ofEpochMilli(at))
                    .restoreInProgress(target.activeAt > now)
                    .build();
            for (Map.Entry<StoreKey, Version> e : source.items.entrySet()) {
              Version v = e.getValue().asOf(at);
              if (v != null && v.image() != null) {
                ItemWriter.load(target, e.getKey(), v.image(), now);
              }
            }
            throughput.configure(target);
            catalog.tables().put(target.name, target);
            writer.ifDurable(d -> d.saveNewTable(target));
            return RestoreTableToPointInTimeResponse.builder()
                .tableDescription(describe(target))
                .build();
          } finally {
            writer.unlock();
          }
        });
  }

  private Table restoredTable(
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
      long[] c = checkThroughput(t.billingMode, throughputOverride);
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
        addIndex(t, names, l.indexName(), false, l.keySchema(), l.projection(), 0, 0);
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
                ? checkThroughput(t.billingMode, g.provisionedThroughput())
                : new long[] {t.readCapacity, t.writeCapacity};
        addIndex(t, names, g.indexName(), true, g.keySchema(), g.projection(), gc[0], gc[1]);
      }
    } else {
      for (SecondaryIndex i : source.globalIndexes()) {
        t.indexes.put(i.name, i.emptyCopy());
      }
    }
    return t;
  }

  /** CreateBackup: an on-demand snapshot of the table's live items. */
  public CreateBackupResponse createBackup(CreateBackupRequest r) {
    return guard(
        () -> {
          if (r.backupName() == null || r.backupName().length() < 3) {
            throw Errors.validation(
                "1 validation error detected: Value '"
                    + r.backupName()
                    + "' at 'backupName' failed to satisfy constraint: Member must have length"
                    + " greater than or equal to 3");
          }
          writer.lock();
          try {
            Table t = catalog.find(r.tableName());
            if (t == null) {
              throw Catalog.tableNotFoundForBackup(r.tableName());
            }
            long now = clock.millis();
            NavigableMap<StoreKey, Map<String, AttributeValue>> snapshot =
                new TreeMap<>(StoreKey.ORDER);
            for (Map.Entry<StoreKey, Version> e : t.items.entrySet()) {
              if (e.getValue().image() != null) {
                snapshot.put(e.getKey(), e.getValue().image());
              }
            }
            String arn = t.arn + "/backup/" + String.format("%013d", now) + "-" + shortId();
            Backup b = new Backup(arn, r.backupName(), t, now, snapshot, t.sizeBytes, t.itemCount);
            catalog.backups().put(arn, b);
            writer.ifDurable(
                d ->
                    d.saveBackup(
                        new DurableStore.BackupMeta(
                            arn,
                            b.name(),
                            DurableStore.meta(t, null),
                            now,
                            b.sizeBytes(),
                            b.itemCount()),
                        snapshot));
            return CreateBackupResponse.builder()
                .backupDetails(details(b, BackupStatus.AVAILABLE))
                .build();
          } finally {
            writer.unlock();
          }
        });
  }

  private static String shortId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  private static BackupDetails details(Backup b, BackupStatus status) {
    return BackupDetails.builder()
        .backupArn(b.arn())
        .backupName(b.name())
        .backupSizeBytes(b.sizeBytes())
        .backupStatus(status)
        .backupType(BackupType.USER)
        .backupCreationDateTime(Instant.ofEpochMilli(b.createdAt()))
        .build();
  }

  private BackupDescription backupDescription(Backup b, BackupStatus status) {
    Table s = b.source();
    List<KeySchemaElement> ks = new ArrayList<>();
    ks.add(KeySchemaElement.builder().attributeName(s.partitionKey).keyType(KeyType.HASH).build());
    if (s.sortKey != null) {
      ks.add(KeySchemaElement.builder().attributeName(s.sortKey).keyType(KeyType.RANGE).build());
    }
    return BackupDescription.builder()
        .backupDetails(details(b, status))
        .sourceTableDetails(
            SourceTableDetails.builder()
                .tableName(s.name)
                .tableArn(s.arn)
                .tableId(s.id)
                .keySchema(ks)
                .tableCreationDateTime(Instant.ofEpochMilli(s.createdAt))
                .itemCount(b.itemCount())
                .tableSizeBytes(b.sizeBytes())
                .billingMode(s.billingMode)
                .provisionedThroughput(
                    ProvisionedThroughput.builder()
                        .readCapacityUnits(Math.max(s.readCapacity, 0))
                        .writeCapacityUnits(Math.max(s.writeCapacity, 0))
                        .build())
                .build())
        .sourceTableFeatureDetails(SourceTableFeatureDetails.builder().build())
        .build();
  }

  /** DescribeBackup. */
  public DescribeBackupResponse describeBackup(DescribeBackupRequest r) {
    return guard(
        () ->
            DescribeBackupResponse.builder()
                .backupDescription(
                    backupDescription(catalog.backup(r.backupArn()), BackupStatus.AVAILABLE))
                .build());
  }

  /** DeleteBackup. */
  public DeleteBackupResponse deleteBackup(DeleteBackupRequest r) {
    return guard(
        () -> {
          writer.lock();
          try {
            Backup b = catalog.backup(r.backupArn());
            catalog.backups().remove(b.arn());
            writer.ifDurable(d -> d.deleteBackup(b.arn()));
            return DeleteBackupResponse.builder()
                .backupDescription(backupDescription(b, BackupStatus.DELETED))
                .build();
          } finally {
            writer.unlock();
          }
        });
  }

  /** ListBackups, optionally for one table and a creation-time range, paginated by ARN. */
  public ListBackupsResponse listBackups(ListBackupsRequest r) {
    return guard(
        () -> {
          int limit = r.limit() == null ? 100 : r.limit();
          List<BackupSummary> out = new ArrayList<>();
          String last = null;
          boolean started = r.exclusiveStartBackupArn() == null;
          List<Backup> all;
          writer.lock();
          try {
            all = new ArrayList<>(catalog.backups().values());
          } finally {
            writer.unlock();
          }
          all.sort(java.util.Comparator.comparing(Backup::arn));
          boolean more = false;
          for (Backup b : all) {
            if (!started) {
              started = b.arn().equals(r.exclusiveStartBackupArn());
              continue;
            }
            if (r.tableName() != null && !b.source().name.equals(Catalog.nameOf(r.tableName()))) {
              continue;
            }
            Instant created = Instant.ofEpochMilli(b.createdAt());
            if (r.timeRangeLowerBound() != null && created.isBefore(r.timeRangeLowerBound())) {
              continue;
            }
            if (r.timeRangeUpperBound() != null && !created.isBefore(r.timeRangeUpperBound())) {
              continue;
            }
            if (out.size() == limit) {
              more = true;
              break;
            }
            out.add(
                BackupSummary.builder()
                    .tableName(b.source().name)
                    .tableArn(b.source().arn)
                    .tableId(b.source().id)
                    .backupArn(b.arn())
                    .backupName(b.name())
                    .backupCreationDateTime(created)
                    .backupStatus(BackupStatus.AVAILABLE)
                    .backupType(BackupType.USER)
                    .backupSizeBytes(b.sizeBytes())
                    .build());
            last = b.arn();
          }
          ListBackupsResponse.Builder resp = ListBackupsResponse.builder().backupSummaries(out);
          if (more) {
            resp.lastEvaluatedBackupArn(last);
          }
          return resp.build();
        });
  }

  /** RestoreTableFromBackup: a new table holding the backup's items. */
  public RestoreTableFromBackupResponse restoreTableFromBackup(RestoreTableFromBackupRequest r) {
    return guard(
        () -> {
          checkTableName(r.targetTableName());
          writer.lock();
          try {
            Backup b = catalog.backup(r.backupArn());
            catalog.checkTargetFree(r.targetTableName());
            long now = clock.millis();
            Table target =
                restoredTable(
                    b.source(),
                    r.targetTableName(),
                    r.billingModeOverride(),
                    r.provisionedThroughputOverride(),
                    r.hasGlobalSecondaryIndexOverride() ? r.globalSecondaryIndexOverride() : null,
                    r.hasLocalSecondaryIndexOverride() ? r.localSecondaryIndexOverride() : null,
                    r.sseSpecificationOverride(),
                    now);
            target.restoreSummary =
                RestoreSummary.builder()
                    .sourceBackupArn(b.arn())
                    .sourceTableArn(b.source().arn)
                    .restoreDateTime(Instant.ofEpochMilli(b.createdAt()))
                    .restoreInProgress(target.activeAt > now)
                    .build();
            b.items().forEach((k, image) -> ItemWriter.load(target, k, image, now));
            throughput.configure(target);
            catalog.tables().put(target.name, target);
            writer.ifDurable(d -> d.saveNewTable(target));
            return RestoreTableFromBackupResponse.builder()
                .tableDescription(describe(target))
                .build();
          } finally {
            writer.unlock();
          }
        });
  }

  /**
   * Drops history that no restore can reach any more: versions older than each table's restorable
   * window, tombstones older than it, and deleted tables whose recovery period has run out.
   *
   * @return how many versions were dropped
   */
  public long pruneHistory() {
    writer.lock();
    try {
      return HistoryPruner.prune(catalog, writer, clock.millis());
    } finally {
      writer.unlock();
    }
  }

  /**
   * What the engine holds beyond live items, for the cost model: versions kept for restores and
   * their approximate bytes.
   */
  public HistoryStats historyStats() {
    HistoryPruner.Kept kept = HistoryPruner.kept(catalog.tables().values());
    return new HistoryStats(kept.versions(), kept.approximateBytes());
  }

  /**
   * Versions held for point-in-time restores beyond the live items.
   *
   * @param versions older versions and tombstones kept
   * @param approximateBytes their item bytes plus per-version overhead
   */
  public record HistoryStats(long versions, long approximateBytes) {}

  /**
   * PutItem's and DeleteItem's write: under the lock, admit it against the table's capacity, check
   * the condition against the current image, write {@code image} (null deletes) and charge the
   * capacity used.
   *
   * @return the image the write replaced, or null
   */
  private Map<String, AttributeValue> writeOne(
      Table t,
      StoreKey key,
      Map<String, AttributeValue> image,
      ConditionExpression cond,
      ReturnValuesOnConditionCheckFailure onFailure,
      CapacityTally tally) {
    writer.lock();
    try {
      Version current = t.items.get(key);
      Map<String, AttributeValue> old = current == null ? null : current.image();
      Throughput.checkWrite(t, Throughput.estimateWrite(image != null ? image : old));
      checkCondition(cond, old, onFailure);
      writer.write(t, key, current, image, tally);
      Throughput.charge(tally, false, t);
      return old;
    } finally {
      writer.unlock();
    }
  }

  /** Rejects an update expression that writes or removes a key attribute, as DynamoDB does. */
  private static void checkKeyNotUpdated(Table t, UpdateExpression upd) {
    if (upd == null) {
      return;
    }
    for (String a : upd.topLevelAttributes()) {
      if (t.keyNames.contains(a)) {
        throw Errors.validation(
            "One or more parameter values were invalid: Cannot update attribute "
                + a
                + ". This attribute is part of the key");
      }
    }
  }

  // Shared machinery ---------------------------------------------------------------------------

  /** Validates and normalises an item to be written to {@code t}, keys and index keys included. */
  private static Map<String, AttributeValue> checkedItem(
      Table t, Map<String, AttributeValue> item) {
    if (item == null) {
      throw Errors.validation(
          "1 validation error detected: Value null at 'item' failed to satisfy constraint: Member"
              + " must not be null");
    }
    Map<String, AttributeValue> n = Items.normaliseItem(item);
    Items.checkKeyAttribute(n, t.partitionKey, t.attributeTypes.get(t.partitionKey), true);
    if (t.sortKey != null) {
      Items.checkKeyAttribute(n, t.sortKey, t.attributeTypes.get(t.sortKey), false);
    }
    for (SecondaryIndex idx : t.indexes.values()) {
      AttributeValue p = n.get(idx.partitionKey);
      if (p != null) {
        Items.checkKeyType(
            idx.partitionKey, t.attributeTypes.get(idx.partitionKey), p, idx.name, true);
      }
      if (idx.sortKey != null) {
        AttributeValue s = n.get(idx.sortKey);
        if (s != null) {
          Items.checkKeyType(idx.sortKey, t.attributeTypes.get(idx.sortKey), s, idx.name, false);
        }
      }
    }
    return n;
  }

  /** The store key of a request's Key map, which must hold exactly the table's key attributes. */
  private static StoreKey requestKey(Table t, Map<String, AttributeValue> key) {
    Map<String, AttributeValue> k = requestKeyItem(t, key);
    return StoreKey.of(k.get(t.partitionKey), t.sortKey == null ? null : k.get(t.sortKey));
  }

  private static Map<String, AttributeValue> requestKeyItem(
      Table t, Map<String, AttributeValue> key) {
    if (key == null || key.size() != t.keyNames.size()) {
      throw Errors.validation("The provided key element does not match the schema");
    }
    Map<String, AttributeValue> out = new LinkedHashMap<>(4);
    for (String name : t.keyNames) {
      AttributeValue v = key.get(name);
      if (v == null
          || v.type() == null
          || !AttributeValues.typeName(v).equals(t.attributeTypes.get(name).toString())) {
        throw Errors.validation("The provided key element does not match the schema");
      }
      AttributeValue n = Items.normalise(v);
      Items.checkKeyType(name, t.attributeTypes.get(name), n, "", name.equals(t.partitionKey));
      out.put(name, n);
    }
    return out;
  }

  /** The position after which a page resumes, from a request's ExclusiveStartKey. */
  private static StoreKey startKey(Table t, SecondaryIndex idx, Map<String, AttributeValue> esk) {
    Map<String, AttributeValue> tableKey = new HashMap<>();
    for (String k : t.keyNames) {
      if (esk.get(k) == null) {
        throw Errors.validation(
            "The provided starting key is invalid: The provided key element does not match the schema");
      }
      tableKey.put(k, Items.normalise(esk.get(k)));
    }
    StoreKey base = t.storeKey(tableKey);
    if (idx == null) {
      if (esk.size() != t.keyNames.size()) {
        throw Errors.validation(
            "The provided starting key is invalid: The provided key element does not match the schema");
      }
      return base;
    }
    AttributeValue p = esk.get(idx.partitionKey);
    AttributeValue s = idx.sortKey == null ? null : esk.get(idx.sortKey);
    if (p == null || (idx.sortKey != null && s == null)) {
      throw Errors.validation(
          "The provided starting key is invalid: The provided key element does not match the schema");
    }
    return StoreKey.indexEntry(Items.normalise(p), s == null ? null : Items.normalise(s), base);
  }

  /** The LastEvaluatedKey of an item: table keys, plus index keys when reading an index. */
  private static Map<String, AttributeValue> keyAttributes(
      Table t, SecondaryIndex idx, Map<String, AttributeValue> item) {
    Map<String, AttributeValue> key = t.keyOf(item);
    if (idx != null) {
      key.put(idx.partitionKey, item.get(idx.partitionKey));
      if (idx.sortKey != null) {
        key.put(idx.sortKey, item.get(idx.sortKey));
      }
    }
    return key;
  }

  private static void checkCondition(
      ConditionExpression cond,
      Map<String, AttributeValue> old,
      ReturnValuesOnConditionCheckFailure onFailure) {
    if (cond != null && !cond.test(old == null ? Map.of() : old)) {
      if (onFailure == ReturnValuesOnConditionCheckFailure.ALL_OLD && old != null) {
        throw (ConditionalCheckFailedException)
            Errors.build(
                ConditionalCheckFailedException.builder().item(old),
                "ConditionalCheckFailedException",
                "The conditional request failed",
                400);
      }
      throw Errors.conditionFailed();
    }
  }

  private static ConditionExpression condition(ExpressionContext ctx, String expr, String kind) {
    return expr == null ? null : ctx.condition(expr, kind);
  }

  private static ProjectionExpression projection(ExpressionContext ctx, String expr) {
    return expr == null ? null : ctx.projection(expr);
  }

  private static void rejectLegacy(boolean present, String parameter) {
    if (present) {
      throw Errors.validation(
          "The legacy parameter "
              + parameter
              + " is not supported by the pitr embedded engine; use the expression parameters"
              + " instead");
    }
  }

  private static void checkReturnValues(String value, boolean update) {
    if (value == null || value.equals("NONE") || value.equals("ALL_OLD")) {
      return;
    }
    if (update
        && (value.equals("ALL_NEW")
            || value.equals("UPDATED_OLD")
            || value.equals("UPDATED_NEW"))) {
      return;
    }
    throw Errors.validation("Return values set to invalid value");
  }

  private static SecondaryIndex index(Table t, String name, Boolean consistentRead) {
    if (name == null) {
      return null;
    }
    SecondaryIndex idx = t.indexes.get(name);
    if (idx == null) {
      throw Errors.validation("The table does not have the specified index: " + name);
    }
    if (idx.global && Boolean.TRUE.equals(consistentRead)) {
      throw Errors.validation("Consistent reads are not supported on global secondary indexes");
    }
    return idx;
  }

  private static String last(List<String> l) {
    return l.get(l.size() - 1);
  }

  /** Turns expression errors into the ValidationException DynamoDB returns. */
  private static <T> T guard(Supplier<T> op) {
    try {
      return op.get();
    } catch (ExpressionException e) {
      throw Errors.validation(e.getMessage());
    }
  }

  /** Closes the durable store, if any; the in-memory engine needs no closing. */
  @Override
  public void close() {
    writer.close();
  }
}
