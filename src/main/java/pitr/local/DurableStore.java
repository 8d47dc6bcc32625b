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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.RestoreSummary;
import software.amazon.awssdk.services.dynamodb.model.SSESpecification;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;

/**
 * Keeps the engine's tables, item history, backups and exports in an H2 MVStore file, so that
 * {@code pitr local serve --data-dir DIR} survives restarts. Every request that changes state is
 * committed before it is answered, so a killed process loses only writes that were never
 * acknowledged.
 *
 * <p>A commit alone does not make a change of many items atomic: the store also commits on its own
 * whenever its write buffer fills, in the middle of a large restore for instance. So a change that
 * creates or drops a table or a backup with its items is first recorded in the {@code pending} map,
 * and that record is removed by the change's last write. Opening the store discards what a pending
 * record names: a table or backup whose items were not all stored is dropped, a deletion that had
 * begun is completed. Each such change is therefore all or nothing across a crash.
 *
 * <p>Layout: map {@code tables} (table ARN, or ARN and id for a deleted table, to definition JSON),
 * map {@code items:<tableId>} (encoded key to encoded version chain), map {@code backups} (backup
 * ARN to definition JSON), map {@code backup:<backupArn>} (encoded key to encoded item), map {@code
 * exports} (export ARN to description JSON; the exported files live at the export's destination)
 * and map {@code pending} ({@code table:<tableId>} or {@code backup:<backupArn>} to the change
 * under way).
 */
public final class DurableStore implements AutoCloseable {
  public static final String FILE = "pitr-engine.mv.db";
  private static final Logger log = LoggerFactory.getLogger(DurableStore.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final String ITEMS_PREFIX = "items:";
  private static final String BACKUP_PREFIX = "backup:";
  private static final String TABLE_MARK = "table:";

  /**
   * Keys per page before the store splits it. A commit rewrites every page it changed, whole, so an
   * acknowledged single-item write costs at least the leaf holding it and the pages above it: with
   * the store's default of 48 keys (48 version chains per leaf) that was about 24 KB a write; 8
   * keys and compressed pages make it a fraction of that.
   */
  static final int KEYS_PER_PAGE = 8;

  private final MVStore store;
  private final MVMap<String, String> tables;
  private final MVMap<String, String> backups;
  private final MVMap<String, String> pending;
  private final MVMap<String, String> exports;

  private DurableStore(MVStore store) {
    this.store = store;
    this.tables = store.openMap("tables");
    this.backups = store.openMap("backups");
    this.pending = store.openMap("pending");
    this.exports = store.openMap("exports");
  }

  public static DurableStore open(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(
          "cannot create data directory " + dir + ": " + e.getMessage(), e);
    }
    MVStore store =
        new MVStore.Builder()
            .fileName(dir.resolve(FILE).toString())
            .autoCommitDisabled()
            .keysPerPage(KEYS_PER_PAGE)
            .compress()
            .open();
    DurableStore durable = new DurableStore(store);
    durable.finishPendingChanges();
    return durable;
  }

  /** A table's definition as stored. */
  public record TableMeta(
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
      Long deletedAt,
      String ttlAttribute,
      Boolean ttlEnabled,
      Long ttlChangedAt,
      Long payPerRequestAt) {}

  /** A secondary index's definition as stored. */
  public record IndexMeta(
      String name,
      boolean global,
      String partitionKey,
      String sortKey,
      String projectionType,
      List<String> nonKeyAttributes,
      long readCapacity,
      long writeCapacity) {}

  /** A backup's definition as stored; its items live in their own map. */
  public record BackupMeta(
      String arn, String name, TableMeta source, long createdAt, long sizeBytes, long itemCount) {}

  public static TableMeta meta(Table t, Long deletedAt) {
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
        deletedAt,
        t.ttlAttribute,
        t.ttlEnabled,
        t.ttlChangedAt,
        t.payPerRequestAt);
  }

  /** Rebuilds a table's definition (without items) from what was stored. */
  public static Table table(TableMeta m) {
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
    t.payPerRequestAt = m.payPerRequestAt() == null ? 0 : m.payPerRequestAt();
    t.readCapacity = m.readCapacity();
    t.writeCapacity = m.writeCapacity();
    t.deletionProtection = m.deletionProtection();
    t.ttlAttribute = m.ttlAttribute();
    t.ttlEnabled = Boolean.TRUE.equals(m.ttlEnabled());
    t.ttlChangedAt = m.ttlChangedAt() == null ? 0 : m.ttlChangedAt();
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
    return store.openMap(ITEMS_PREFIX + tableId);
  }

  private MVMap<String, byte[]> backupItems(String backupArn) {
    return store.openMap(BACKUP_PREFIX + backupArn);
  }

  public static String encodeKey(StoreKey key) {
    Map<String, AttributeValue> k = new LinkedHashMap<>(2);
    k.put("p", key.partition());
    if (key.sort() != null) {
      k.put("s", key.sort());
    }
    return Base64.getEncoder().encodeToString(ItemCodec.encodeItem(k));
  }

  public static StoreKey decodeKey(String encoded) {
    Map<String, AttributeValue> k = ItemCodec.decodeItem(Base64.getDecoder().decode(encoded));
    return StoreKey.of(k.get("p"), k.get("s"));
  }

  /** Stores a live table's definition; its items are stored one by one as they change. */
  public void saveTable(Table t) {
    tables.put(t.arn, toJson(meta(t, null)));
  }

  /**
   * Stores a new table together with all its items (a restore), all or nothing across a crash: the
   * table stays marked pending until its last item is stored, and a table still marked so is
   * dropped when the store is opened again.
   */
  public void saveNewTable(Table t) {
    String mark = TABLE_MARK + t.id;
    pending.put(mark, "create " + t.arn);
    tables.put(t.arn, toJson(meta(t, null)));
    MVMap<String, byte[]> items = itemsOf(t.id);
    items.clear();
    t.items.forEach((k, v) -> items.put(encodeKey(k), ItemCodec.encodeChain(v)));
    pending.remove(mark);
  }

  /**
   * Records a table deleted while PITR was on, kept under its own key so that a new table of the
   * same name (which has the same ARN) never overwrites it. The deleted record is written before
   * the live one is removed, so a crash in between leaves the table, never loses it.
   */
  public void saveDeletedTable(Table t, long deletedAt) {
    tables.put(deletedKey(t), toJson(meta(t, deletedAt)));
    removeEntry(t.arn, t.id);
  }

  /**
   * Drops a table (live or deleted) and its items, all or nothing across a crash: a deletion that
   * had begun is completed when the store is opened again.
   */
  public void dropTable(Table t) {
    String mark = TABLE_MARK + t.id;
    pending.put(mark, "delete " + t.arn);
    dropTableEntries(t.arn, t.id);
    pending.remove(mark);
  }

  private void dropTableEntries(String arn, String id) {
    removeEntry(arn, id);
    tables.remove(arn + "#" + id);
    store.removeMap(itemsOf(id));
  }

  private static String deletedKey(Table t) {
    return t.arn + "#" + t.id;
  }

  /** Removes the entry under {@code key} only if it is the table {@code id}, not a namesake. */
  private void removeEntry(String key, String id) {
    String json = tables.get(key);
    if (json != null && id.equals(fromJson(json, TableMeta.class).id())) {
      tables.remove(key);
    }
  }

  public void saveItem(Table t, StoreKey key, Version head) {
    MVMap<String, byte[]> items = itemsOf(t.id);
    if (head == null) {
      items.remove(encodeKey(key));
    } else {
      items.put(encodeKey(key), ItemCodec.encodeChain(head));
    }
  }

  /**
   * Rewrites a stored table's version chains after its history was pruned or dropped. Each chain is
   * replaced in place (never cleared first), so whatever part of this a crash lets through, every
   * item keeps its latest version.
   */
  public void rewriteItems(Table t) {
    MVMap<String, byte[]> items = itemsOf(t.id);
    java.util.Set<String> live = new java.util.HashSet<>();
    t.items.forEach(
        (k, v) -> {
          String key = encodeKey(k);
          live.add(key);
          items.put(key, ItemCodec.encodeChain(v));
        });
    List<String> gone = new ArrayList<>();
    for (String key : items.keySet()) {
      if (!live.contains(key)) {
        gone.add(key);
      }
    }
    gone.forEach(items::remove);
  }

  /** Stores a backup with all its items, all or nothing across a crash. */
  public void saveBackup(BackupMeta meta, Map<StoreKey, Version> snapshot) {
    String mark = BACKUP_PREFIX + meta.arn();
    pending.put(mark, "create");
    backups.put(meta.arn(), toJson(meta));
    MVMap<String, byte[]> items = backupItems(meta.arn());
    items.clear();
    snapshot.forEach((k, v) -> items.put(encodeKey(k), ItemCodec.encodeItem(v.image())));
    pending.remove(mark);
  }

  /** Deletes a backup with its items, all or nothing across a crash. */
  public void deleteBackup(String arn) {
    String mark = BACKUP_PREFIX + arn;
    pending.put(mark, "delete");
    backups.remove(arn);
    store.removeMap(backupItems(arn));
    pending.remove(mark);
  }

  /**
   * Completes what a crash interrupted: drops tables and backups whose creation was not finished,
   * finishes deletions that had begun, and drops item maps that no table or backup owns any more
   * (left by earlier versions). Commits, so that this happens once.
   */
  private void finishPendingChanges() {
    for (Map.Entry<String, String> e : new ArrayList<>(pending.entrySet())) {
      String mark = e.getKey();
      String change = e.getValue();
      if (mark.startsWith(TABLE_MARK)) {
        String arn = change.substring(change.indexOf(' ') + 1);
        dropTableEntries(arn, mark.substring(TABLE_MARK.length()));
        log.info(
            "event=interrupted_change_undone change={} table={}",
            change.substring(0, change.indexOf(' ')),
            arn);
      } else {
        String arn = mark.substring(BACKUP_PREFIX.length());
        backups.remove(arn);
        store.removeMap(backupItems(arn));
        log.info("event=interrupted_change_undone change={} backup={}", change, arn);
      }
      pending.remove(mark);
    }
    java.util.Set<String> owned = new java.util.HashSet<>();
    for (String json : tables.values()) {
      owned.add(ITEMS_PREFIX + fromJson(json, TableMeta.class).id());
    }
    for (String arn : backups.keySet()) {
      owned.add(BACKUP_PREFIX + arn);
    }
    for (String name : new ArrayList<>(store.getMapNames())) {
      if ((name.startsWith(ITEMS_PREFIX) || name.startsWith(BACKUP_PREFIX))
          && !owned.contains(name)) {
        store.removeMap(name);
        log.info("event=orphaned_items_dropped map={}", name);
      }
    }
    store.commit();
  }

  /** Stores an export's description (JSON) under its ARN. Caller holds the write lock. */
  public void saveExport(String arn, String json) {
    exports.put(arn, json);
  }

  /** The stored exports' descriptions (JSON), in no particular order. */
  public List<String> loadExports() {
    return new ArrayList<>(exports.values());
  }

  /** Makes everything written so far durable; called before a request is answered. */
  public void commit() {
    store.commit();
  }

  /** A stored table with its items, as loaded at start. */
  public record LoadedTable(TableMeta meta, Map<StoreKey, Version> items) {}

  /** A stored backup with its items, as loaded at start. */
  public record LoadedBackup(BackupMeta meta, Map<StoreKey, Version> items) {}

  public List<LoadedTable> loadTables() {
    List<LoadedTable> out = new ArrayList<>();
    for (String json : tables.values()) {
      TableMeta meta = fromJson(json, TableMeta.class);
      Map<StoreKey, Version> items = new HashMap<>();
      itemsOf(meta.id()).forEach((k, v) -> items.put(decodeKey(k), ItemCodec.decodeChain(v)));
      out.add(new LoadedTable(meta, items));
    }
    return out;
  }

  public List<LoadedBackup> loadBackups() {
    List<LoadedBackup> out = new ArrayList<>();
    for (String json : backups.values()) {
      BackupMeta meta = fromJson(json, BackupMeta.class);
      Map<StoreKey, Version> items = new HashMap<>();
      backupItems(meta.arn())
          .forEach(
              (k, v) ->
                  items.put(
                      decodeKey(k), new Version(meta.createdAt(), ItemCodec.decodeItem(v), null)));
      out.add(new LoadedBackup(meta, items));
    }
    return out;
  }

  /** {@code value} as the JSON this store keeps for definitions. */
  public static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode engine metadata: " + e.getMessage(), e);
    }
  }

  /**
   * Reads JSON this store (or {@link #toJson}) wrote, refusing with the fix what another pitr
   * version wrote in a form this one cannot read.
   */
  public static <T> T fromJson(String json, Class<T> type) {
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
