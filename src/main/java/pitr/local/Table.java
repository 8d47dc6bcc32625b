package pitr.local;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import pitr.local.capacity.TokenBucket;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.SSESpecification;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;

/**
 * One table of the engine: its definition, its items as version chains by key, and its secondary
 * indexes. Mutated only under the engine's write lock; read without locks.
 */
public final class Table {
  public final String name;
  public final String arn;
  public final String id;
  public final long createdAt;
  public final String partitionKey;
  public final String sortKey;

  /** The key attributes' definitions; UpdateTable adds those of a new global index. */
  public volatile List<AttributeDefinition> attributeDefinitions;

  public final Map<String, ScalarAttributeType> attributeTypes = new LinkedHashMap<>();
  public final Set<String> keyNames = new LinkedHashSet<>();
  public final Map<String, SecondaryIndex> indexes = new LinkedHashMap<>();

  /** The items by key: partitions found by hash, Scan order by walking them. */
  public final ItemIndex items;

  public final Map<String, String> tags = new LinkedHashMap<>();
  public volatile BillingMode billingMode;

  /**
   * When the table last turned to on-demand billing (epoch ms), kept after it turns provisioned; 0
   * when that is its creation (see {@link #lastPayPerRequestAt()}).
   */
  public volatile long payPerRequestAt;

  public volatile long readCapacity;
  public volatile long writeCapacity;
  public volatile SSESpecification sse;
  public volatile StreamSpecification stream;
  public volatile boolean deletionProtection;

  /** When the table turns ACTIVE (epoch ms); item operations before then find no table. */
  public volatile long activeAt;

  /** Whether writes keep their history for point-in-time restores. */
  public volatile boolean pitrEnabled;

  /** When PITR was last turned on (epoch ms): the earliest instant a restore may ask for. */
  public volatile long pitrEnabledAt;

  public volatile int recoveryPeriodDays = 35;

  /**
   * The TTL attribute: the one expired items are found by while TTL is on, or the one being turned
   * off while DISABLING; null when TTL was never turned on. Never carried over by a restore.
   */
  public volatile String ttlAttribute;

  /** Whether TTL is turned on (ENABLING or ENABLED) rather than off (DISABLING or DISABLED). */
  public volatile boolean ttlEnabled;

  /** When TTL was last turned on or off (epoch ms); 0 when never. */
  public volatile long ttlChangedAt;

  /** Until when (epoch ms) the table is UPDATING after an UpdateTable; 0 when not. */
  public volatile long updatingUntil;

  /** Provisioned-throughput history for DescribeTable (epoch ms; 0 when none). */
  public volatile long lastIncreaseAt;

  public volatile long lastDecreaseAt;

  /** Decreases on the UTC day {@link #decreaseDay} (days since the epoch). */
  public volatile int decreasesToday;

  public volatile long decreaseDay;

  /** Set on tables created by a restore. */
  public volatile software.amazon.awssdk.services.dynamodb.model.RestoreSummary restoreSummary;

  /** Capacity buckets; null where the table is not limited. */
  public volatile TokenBucket readBucket;

  public volatile TokenBucket writeBucket;

  /** Whether any bucket limits writes to this table or its GSIs; false skips admission checks. */
  public volatile boolean writesLimited;

  /** Bytes per partition-key value, kept only for tables with local secondary indexes. */
  public final Map<AttributeValue, Long> collectionSizes = new java.util.HashMap<>();

  /**
   * DescribeTable's LastUpdateToPayPerRequestDateTime (epoch ms): when the table last turned to
   * on-demand billing, its creation when it was created so; 0 when it never was on-demand.
   */
  public long lastPayPerRequestAt() {
    if (payPerRequestAt != 0) {
      return payPerRequestAt;
    }
    return billingMode == BillingMode.PAY_PER_REQUEST ? createdAt : 0;
  }

  /** Changes the billing mode, remembering when the table was last on-demand. */
  public void changeBillingMode(BillingMode mode, long now) {
    if (mode != billingMode) {
      payPerRequestAt = mode == BillingMode.PAY_PER_REQUEST ? now : lastPayPerRequestAt();
    }
    billingMode = mode;
  }

  public boolean hasLocalIndexes() {
    for (SecondaryIndex i : indexes.values()) {
      if (!i.global) {
        return true;
      }
    }
    return false;
  }

  /** Live items and their total size, kept exact on every write. */
  public long itemCount;

  public long sizeBytes;

  public Table(
      String name,
      String arn,
      String id,
      long createdAt,
      String partitionKey,
      String sortKey,
      List<AttributeDefinition> attributeDefinitions) {
    this.name = name;
    this.arn = arn;
    this.id = id;
    this.createdAt = createdAt;
    this.partitionKey = partitionKey;
    this.sortKey = sortKey;
    this.items = new ItemIndex(sortKey != null, partitionKey);
    this.attributeDefinitions = List.copyOf(attributeDefinitions);
    for (AttributeDefinition d : attributeDefinitions) {
      attributeTypes.put(d.attributeName(), d.attributeType());
    }
    keyNames.add(partitionKey);
    if (sortKey != null) {
      keyNames.add(sortKey);
    }
  }

  /** Adds the definition of a new index's key attribute. Caller holds the write lock. */
  public void define(AttributeDefinition d) {
    if (attributeTypes.putIfAbsent(d.attributeName(), d.attributeType()) == null) {
      List<AttributeDefinition> all = new ArrayList<>(attributeDefinitions);
      all.add(d);
      attributeDefinitions = List.copyOf(all);
    }
  }

  /** Start of the restorable window at {@code now} (epoch ms). */
  public long earliestRestorable(long now) {
    return Math.max(pitrEnabledAt, now - recoveryPeriodDays * 86_400_000L);
  }

  /** The live image at {@code key}, or null. */
  public Map<String, AttributeValue> get(StoreKey key) {
    byte[] image = image(key);
    return image == null ? null : ItemBytes.decode(image);
  }

  /**
   * The live image at {@code key} as it is held ({@link ItemBytes}), or null: its size ({@link
   * ItemBytes#size}) is known before, or without, decoding it.
   */
  public byte[] image(StoreKey key) {
    return items.image(key);
  }

  /** The key attributes of an item, in schema order. */
  public Map<String, AttributeValue> keyOf(Map<String, AttributeValue> item) {
    Map<String, AttributeValue> key = new LinkedHashMap<>(4);
    for (String k : keyNames) {
      key.put(k, item.get(k));
    }
    return key;
  }

  public StoreKey storeKey(Map<String, AttributeValue> item) {
    return StoreKey.of(item.get(partitionKey), sortKey == null ? null : item.get(sortKey));
  }

  public List<SecondaryIndex> globalIndexes() {
    List<SecondaryIndex> out = new ArrayList<>();
    for (SecondaryIndex i : indexes.values()) {
      if (i.global) {
        out.add(i);
      }
    }
    return out;
  }

  public List<SecondaryIndex> localIndexes() {
    List<SecondaryIndex> out = new ArrayList<>();
    for (SecondaryIndex i : indexes.values()) {
      if (!i.global) {
        out.add(i);
      }
    }
    return out;
  }
}
