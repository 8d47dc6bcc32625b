package pitr.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.RestoreSummary;
import software.amazon.awssdk.services.dynamodb.model.SSESpecification;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;

/**
 * Keeps the engine's tables, item history and backups in an H2 MVStore file, so that {@code pitr
 * local serve --data-dir DIR} survives restarts. Every request that changes state is committed
 * before it is answered, so a killed process loses only writes that were never acknowledged.
 *
 * <p>Layout: map {@code tables} (table ARN to definition JSON), map {@code items:<tableId>}
 * (encoded key to encoded version chain), map {@code backups} (backup ARN to definition JSON) and
 * map {@code backup:<backupArn>} (encoded key to encoded item).
 */
final class DurableStore implements AutoCloseable {
  static final String FILE = "pitr-engine.mv.db";
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final MVStore store;
  private final MVMap<String, String> tables;
  private final MVMap<String, String> backups;

  private DurableStore(MVStore store) {
    this.store = store;
    this.tables = store.openMap("tables");
    this.backups = store.openMap("backups");
  }

  static DurableStore open(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(
          "cannot create data directory " + dir + ": " + e.getMessage(), e);
    }
    MVStore store =
        new MVStore.Builder().fileName(dir.resolve(FILE).toString()).autoCommitDisabled().open();
    return new DurableStore(store);
  }

  /** A table's definition as stored. */
  record TableMeta(
      String name,
      String arn,
      String id,
      long createdAt,
      long activeAt,
      String partitionKey,
      String sortKey,
      Map<String, String> attributeTypes,
      List<IndexMeta> indexes,
      String billingMode,
      long readCapacity,
      long writeCapacity,
      boolean deletionProtection,
      boolean pitrEnabled,
      long pitrEnabledAt,
      int recoveryPeriodDays,
      Map<String, String> tags,
      String restoreSourceTableArn,
      String restoreSourceBackupArn,
      Long restoreDateTime,
      Boolean sseEnabled,
      String sseType,
      String sseKmsKey,
      Boolean streamEnabled,
      String streamViewType,
      Long deletedAt) {}

  /** A secondary index's definition as stored. */
  record IndexMeta(
      String name,
      boolean global,
      String partitionKey,
      String sortKey,
      String projectionType,
      List<String> nonKeyAttributes,
      long readCapacity,
      long writeCapacity) {}

  /** A backup's definition as stored; its items live in their own map. */
  record BackupMeta(
      String arn, String name, TableMeta source, long createdAt, long sizeBytes, long itemCount) {}

  static TableMeta meta(Table t, Long deletedAt) {
    Map<String, String> types = new LinkedHashMap<>();
    t.attributeTypes.forEach((k, v) -> types.put(k, v.toString()));
    List<IndexMeta> indexes = new ArrayList<>();
    for (SecondaryIndex i : t.indexes.values()) {
      indexes.add(
          new IndexMeta(
              i.name,
              i.global,
              i.partitionKey,
              i.sortKey,
              i.projectionType.toString(),
              i.nonKeyAttributes,
              i.readCapacity,
              i.writeCapacity));
    }
    RestoreSummary rs = t.restoreSummary;
    SSESpecification sse = t.sse;
    StreamSpecification stream = t.stream;
    return new TableMeta(
        t.name,
        t.arn,
        t.id,
        t.createdAt,
        t.activeAt,
        t.partitionKey,
        t.sortKey,
        types,
        indexes,
        t.billingMode.toString(),
        t.readCapacity,
        t.writeCapacity,
        t.deletionProtection,
        t.pitrEnabled,
        t.pitrEnabledAt,
        t.recoveryPeriodDays,
        new LinkedHashMap<>(t.tags),
        rs == null ? null : rs.sourceTableArn(),
        rs == null ? null : rs.sourceBackupArn(),
        rs == null || rs.restoreDateTime() == null ? null : rs.restoreDateTime().toEpochMilli(),
        sse == null ? null : sse.enabled(),
        sse == null ? null : sse.sseTypeAsString(),
        sse == null ? null : sse.kmsMasterKeyId(),
        stream == null ? null : stream.streamEnabled(),
        stream == null ? null : stream.streamViewTypeAsString(),
        deletedAt);
  }

  /** Rebuilds a table's definition (without items) from what was stored. */
  static Table table(TableMeta m) {
    List<AttributeDefinition> defs = new ArrayList<>();
    m.attributeTypes()
        .forEach(
            (k, v) ->
                defs.add(
                    AttributeDefinition.builder()
                        .attributeName(k)
                        .attributeType(ScalarAttributeType.fromValue(v))
                        .build()));
    Table t =
        new Table(m.name(), m.arn(), m.id(), m.createdAt(), m.partitionKey(), m.sortKey(), defs);
    t.activeAt = m.activeAt();
    for (IndexMeta i : m.indexes()) {
      t.indexes.put(
          i.name(),
          new SecondaryIndex(
              i.name(),
              i.global(),
              i.partitionKey(),
              i.sortKey(),
              ProjectionType.fromValue(i.projectionType()),
              i.nonKeyAttributes(),
              i.readCapacity(),
              i.writeCapacity()));
    }
    t.billingMode = BillingMode.fromValue(m.billingMode());
    t.readCapacity = m.readCapacity();
    t.writeCapacity = m.writeCapacity();
    t.deletionProtection = m.deletionProtection();
    t.pitrEnabled = m.pitrEnabled();
    t.pitrEnabledAt = m.pitrEnabledAt();
    t.recoveryPeriodDays = m.recoveryPeriodDays();
    t.tags.putAll(m.tags());
    if (m.restoreSourceTableArn() != null || m.restoreSourceBackupArn() != null) {
      t.restoreSummary =
          RestoreSummary.builder()
              .sourceTableArn(m.restoreSourceTableArn())
              .sourceBackupArn(m.restoreSourceBackupArn())
              .restoreDateTime(
                  m.restoreDateTime() == null ? null : Instant.ofEpochMilli(m.restoreDateTime()))
              .restoreInProgress(false)
              .build();
    }
    if (m.sseEnabled() != null) {
      t.sse =
          SSESpecification.builder()
              .enabled(m.sseEnabled())
              .sseType(m.sseType())
              .kmsMasterKeyId(m.sseKmsKey())
              .build();
    }
    if (m.streamEnabled() != null) {
      t.stream =
          StreamSpecification.builder()
              .streamEnabled(m.streamEnabled())
              .streamViewType(m.streamViewType())
              .build();
    }
    return t;
  }

  private MVMap<String, byte[]> itemsOf(String tableId) {
    return store.openMap("items:" + tableId);
  }

  private MVMap<String, byte[]> backupItems(String backupArn) {
    return store.openMap("backup:" + backupArn);
  }

  static String encodeKey(StoreKey key) {
    Map<String, AttributeValue> k = new LinkedHashMap<>(2);
    k.put("p", key.partition());
    if (key.sort() != null) {
      k.put("s", key.sort());
    }
    return Base64.getEncoder().encodeToString(ItemCodec.encodeItem(k));
  }

  static StoreKey decodeKey(String encoded) {
    Map<String, AttributeValue> k = ItemCodec.decodeItem(Base64.getDecoder().decode(encoded));
    return StoreKey.of(k.get("p"), k.get("s"));
  }

  void saveTable(Table t, Long deletedAt) {
    tables.put(t.arn, write(meta(t, deletedAt)));
  }

  void dropTable(Table t) {
    tables.remove(t.arn);
    store.removeMap(itemsOf(t.id));
  }

  void saveItem(Table t, StoreKey key, Version head) {
    MVMap<String, byte[]> items = itemsOf(t.id);
    if (head == null) {
      items.remove(encodeKey(key));
    } else {
      items.put(encodeKey(key), ItemCodec.encodeChain(head));
    }
  }

  void saveAllItems(Table t) {
    MVMap<String, byte[]> items = itemsOf(t.id);
    items.clear();
    t.items.forEach((k, v) -> items.put(encodeKey(k), ItemCodec.encodeChain(v)));
  }

  void saveBackup(BackupMeta meta, Map<StoreKey, Map<String, AttributeValue>> snapshot) {
    backups.put(meta.arn(), write(meta));
    MVMap<String, byte[]> items = backupItems(meta.arn());
    snapshot.forEach((k, v) -> items.put(encodeKey(k), ItemCodec.encodeItem(v)));
  }

  void deleteBackup(String arn) {
    backups.remove(arn);
    store.removeMap(backupItems(arn));
  }

  /** Makes everything written so far durable; called before a request is answered. */
  void commit() {
    store.commit();
  }

  /** A stored table with its items, as loaded at start. */
  record LoadedTable(TableMeta meta, Map<StoreKey, Version> items) {}

  /** A stored backup with its items, as loaded at start. */
  record LoadedBackup(BackupMeta meta, Map<StoreKey, Map<String, AttributeValue>> items) {}

  List<LoadedTable> loadTables() {
    List<LoadedTable> out = new ArrayList<>();
    for (String json : tables.values()) {
      TableMeta meta = read(json, TableMeta.class);
      Map<StoreKey, Version> items = new HashMap<>();
      itemsOf(meta.id()).forEach((k, v) -> items.put(decodeKey(k), ItemCodec.decodeChain(v)));
      out.add(new LoadedTable(meta, items));
    }
    return out;
  }

  List<LoadedBackup> loadBackups() {
    List<LoadedBackup> out = new ArrayList<>();
    for (String json : backups.values()) {
      BackupMeta meta = read(json, BackupMeta.class);
      Map<StoreKey, Map<String, AttributeValue>> items = new HashMap<>();
      backupItems(meta.arn()).forEach((k, v) -> items.put(decodeKey(k), ItemCodec.decodeItem(v)));
      out.add(new LoadedBackup(meta, items));
    }
    return out;
  }

  private static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode engine metadata: " + e.getMessage(), e);
    }
  }

  private static <T> T read(String json, Class<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "data directory holds metadata this pitr cannot read ("
              + e.getOriginalMessage()
              + "); use the pitr version that wrote it or start with an empty --data-dir",
          e);
    }
  }

  @Override
  public void close() {
    store.close();
  }
}
