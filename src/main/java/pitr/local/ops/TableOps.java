package pitr.local.ops;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import pitr.local.EngineConfig;
import pitr.local.Errors;
import pitr.local.SecondaryIndex;
import pitr.local.StoreKey;
import pitr.local.Table;
import pitr.local.Version;
import pitr.local.capacity.Throughput;
import pitr.local.store.Catalog;
import pitr.local.store.DeletedTable;
import pitr.local.store.ItemWriter;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.CreateTableResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteTableResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexUpdate;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ListTablesRequest;
import software.amazon.awssdk.services.dynamodb.model.ListTablesResponse;
import software.amazon.awssdk.services.dynamodb.model.ListTagsOfResourceRequest;
import software.amazon.awssdk.services.dynamodb.model.ListTagsOfResourceResponse;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.Tag;
import software.amazon.awssdk.services.dynamodb.model.TagResourceRequest;
import software.amazon.awssdk.services.dynamodb.model.TagResourceResponse;
import software.amazon.awssdk.services.dynamodb.model.UntagResourceRequest;
import software.amazon.awssdk.services.dynamodb.model.UntagResourceResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableResponse;

/**
 * The table operations: CreateTable, DescribeTable, DeleteTable, ListTables, UpdateTable and the
 * tagging operations.
 */
public final class TableOps extends OperationFamily {
  private final TableLifecycle lifecycle;

  public TableOps(EngineConfig config, Catalog catalog, ItemWriter writer, Throughput throughput) {
    super(config, catalog, writer, throughput);
    this.lifecycle = new TableLifecycle(config.lifecycle());
  }

  /** CreateTable. */
  public CreateTableResponse createTable(CreateTableRequest r) {
    return Requests.guard(
        () -> {
          List<KeySchemaElement> ks = r.keySchema();
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
          long[] capacity = TableSchemas.checkThroughput(billing, r.provisionedThroughput());
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
            TableSchemas.addIndex(t, indexNames, l.indexName(), false, lk, l.projection(), 0, 0);
          }
          for (GlobalSecondaryIndex g : gsis) {
            long[] gc =
                IndexDefinitions.throughput(billing, g.indexName(), g.provisionedThroughput());
            TableSchemas.addIndex(
                t, indexNames, g.indexName(), true, g.keySchema(), g.projection(), gc[0], gc[1]);
          }
          if (r.hasTags()) {
            TagRules.check(Map.of(), r.tags());
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
            lifecycle.checkNotDeleting(name, clock.millis(), true);
            catalog.tables().put(name, t);
            writer.persistTable(t);
          } finally {
            writer.unlock();
          }
          return CreateTableResponse.builder().tableDescription(describe(t)).build();
        });
  }

  /** DescribeTable. */
  public DescribeTableResponse describeTable(DescribeTableRequest r) {
    return Requests.guard(
        () -> {
          Table t = catalog.find(r.tableName());
          if (t == null) {
            TableDescription gone =
                lifecycle.deleting(Catalog.nameOf(r.tableName()), clock.millis());
            if (gone == null) {
              throw Errors.tableNotFound(r.tableName());
            }
            return DescribeTableResponse.builder().table(gone).build();
          }
          return DescribeTableResponse.builder().table(describe(t)).build();
        });
  }

  /** DeleteTable. */
  public DeleteTableResponse deleteTable(DeleteTableRequest r) {
    return Requests.guard(
        () -> {
          writer.lock();
          try {
            Table t = catalog.find(r.tableName());
            long now = clock.millis();
            if (t == null) {
              lifecycle.checkNotDeleting(Catalog.nameOf(r.tableName()), now, false);
              throw Errors.tableNotFound(r.tableName());
            }
            TableLifecycle.checkChangeable(t, now);
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
            lifecycle.deleted(d, now);
            return DeleteTableResponse.builder().tableDescription(d).build();
          } finally {
            writer.unlock();
          }
        });
  }

  /** ListTables. */
  public ListTablesResponse listTables(ListTablesRequest r) {
    return Requests.guard(
        () -> {
          int limit = r.limit() == null ? 100 : r.limit();
          List<String> names = new ArrayList<>(catalog.tables().keySet());
          names.addAll(lifecycle.deletingNames(clock.millis()));
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
          if (page.size() == limit
              && !page.isEmpty()
              && !Requests.last(names).equals(Requests.last(page))) {
            b.lastEvaluatedTableName(Requests.last(page));
          }
          return b.build();
        });
  }

  /**
   * The live table {@code nameOrArn} for a change at {@code now} by another operation family (TTL):
   * refused with ResourceInUseException while it is CREATING, UPDATING or DELETING, as DynamoDB
   * refuses changes to a table that is not ACTIVE, and with ResourceNotFoundException when there is
   * none. Caller holds the write lock.
   */
  Table changeable(String nameOrArn, long now) {
    Table t = catalog.find(nameOrArn);
    if (t == null) {
      lifecycle.checkNotDeleting(Catalog.nameOf(nameOrArn), now, false);
      throw Errors.tableNotFound(nameOrArn);
    }
    TableLifecycle.checkChangeable(t, now);
    return t;
  }

  /** UpdateTable: billing mode, provisioned throughput, GSI creation and deletion. */
  public UpdateTableResponse updateTable(UpdateTableRequest r) {
    return Requests.guard(
        () -> {
          TableUpdates.checkRequest(r);
          writer.lock();
          try {
            Table t = catalog.find(r.tableName());
            long now = clock.millis();
            if (t == null) {
              throw Errors.tableNotFound(r.tableName());
            }
            TableLifecycle.checkChangeable(t, now);
            TableUpdates.checkThroughputChanges(t, r);
            long oldRead = t.readCapacity;
            long oldWrite = t.writeCapacity;
            TableSettings before = TableSettings.of(t);
            try {
              change(t, r, now);
            } catch (RuntimeException e) {
              before.restore(t);
              throw e;
            }
            TableLifecycle.throughputChanged(t, oldRead, oldWrite, now);
            lifecycle.updating(t, now);
            throughput.configure(t);
            writer.persistTable(t);
            return UpdateTableResponse.builder().tableDescription(describe(t)).build();
          } finally {
            writer.unlock();
          }
        });
  }

  /** Applies UpdateTable {@code r} to {@code t}; may refuse part way (the caller puts it back). */
  private void change(Table t, UpdateTableRequest r, long now) {
    if (r.billingMode() != null) {
      t.changeBillingMode(r.billingMode(), now);
      if (r.billingMode() == BillingMode.PAY_PER_REQUEST) {
        t.readCapacity = 0;
        t.writeCapacity = 0;
      }
    }
    if (r.provisionedThroughput() != null) {
      long[] c = TableSchemas.checkThroughput(t.billingMode, r.provisionedThroughput());
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
        updateIndex(t, u, r);
      }
    }
  }

  /** TagResource. */
  public TagResourceResponse tagResource(TagResourceRequest r) {
    return Requests.guard(
        () -> {
          writer.lock();
          try {
            TagRules.checkArn(r.resourceArn());
            Table t = catalog.byArn(r.resourceArn());
            TagRules.check(t.tags, r.tags());
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
    return Requests.guard(
        () -> {
          writer.lock();
          try {
            TagRules.checkArn(r.resourceArn());
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
    return Requests.guard(
        () -> {
          writer.lock();
          try {
            TagRules.checkArn(r.resourceArn());
            Table t = catalog.byArn(r.resourceArn());
            List<Tag> tags = new ArrayList<>();
            t.tags.forEach((k, v) -> tags.add(Tag.builder().key(k).value(v).build()));
            return ListTagsOfResourceResponse.builder().tags(tags).build();
          } finally {
            writer.unlock();
          }
        });
  }

  private void updateIndex(Table t, GlobalSecondaryIndexUpdate u, UpdateTableRequest r) {
    if (u.create() != null) {
      var c = u.create();
      if (t.indexes.containsKey(c.indexName())) {
        throw Errors.validation("Attempting to create an index which already exists");
      }
      TableLifecycle.defineIndexKeys(t, c.keySchema(), r.attributeDefinitions());
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
          IndexDefinitions.createdThroughput(
              t.billingMode, c.indexName(), c.provisionedThroughput());
      Set<String> names = new HashSet<>(t.indexes.keySet());
      TableSchemas.addIndex(
          t, names, c.indexName(), true, c.keySchema(), c.projection(), gc[0], gc[1]);
      SecondaryIndex idx = t.indexes.get(c.indexName());
      for (Map.Entry<StoreKey, Version> e : t.items.entrySet()) {
        idx.update(e.getKey(), null, e.getValue().image());
      }
      lifecycle.backfilling(idx, clock.millis());
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
      long[] gc = TableSchemas.checkThroughput(t.billingMode, u.update().provisionedThroughput());
      idx.readCapacity = gc[0];
      idx.writeCapacity = gc[1];
    }
  }
}
