package pitr.local;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import pitr.local.capacity.TokenBucket;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;

/**
 * A global or local secondary index: its key attributes, projection and the ordered entries that
 * point back to base-table keys. Entries are maintained on every write under the engine's write
 * lock; readers iterate them without locking.
 */
public final class SecondaryIndex {
  public final String name;
  public final boolean global;
  public final String partitionKey;
  public final String sortKey;
  public final ProjectionType projectionType;
  public final List<String> nonKeyAttributes;
  public volatile long readCapacity;
  public volatile long writeCapacity;
  public volatile TokenBucket readBucket;
  public volatile TokenBucket writeBucket;

  /**
   * Until when (epoch ms) a global index added by UpdateTable is CREATING (backfilling); 0 for an
   * index that is ACTIVE.
   */
  public volatile long backfillingUntil;

  public final ConcurrentSkipListMap<StoreKey, StoreKey> entries =
      new ConcurrentSkipListMap<>(StoreKey.ORDER);

  public SecondaryIndex(
      String name,
      boolean global,
      String partitionKey,
      String sortKey,
      ProjectionType projectionType,
      List<String> nonKeyAttributes,
      long readCapacity,
      long writeCapacity) {
    this.name = name;
    this.global = global;
    this.partitionKey = partitionKey;
    this.sortKey = sortKey;
    this.projectionType = projectionType;
    this.nonKeyAttributes = nonKeyAttributes == null ? List.of() : List.copyOf(nonKeyAttributes);
    this.readCapacity = readCapacity;
    this.writeCapacity = writeCapacity;
  }

  /** A new, empty index with the same definition, for a restored table. */
  public SecondaryIndex emptyCopy() {
    return new SecondaryIndex(
        name,
        global,
        partitionKey,
        sortKey,
        projectionType,
        nonKeyAttributes,
        readCapacity,
        writeCapacity);
  }

  /** The entry key of an item in this index, or null when the item lacks an index key. */
  public StoreKey entryKey(Map<String, AttributeValue> item, StoreKey tableKey) {
    if (item == null) {
      return null;
    }
    AttributeValue p = item.get(partitionKey);
    if (p == null) {
      return null;
    }
    AttributeValue s = null;
    if (sortKey != null) {
      s = item.get(sortKey);
      if (s == null) {
        return null;
      }
    }
    return StoreKey.indexEntry(p, s, tableKey);
  }

  /** The attributes of {@code item} this index stores, given the base table's key names. */
  public Map<String, AttributeValue> project(
      Map<String, AttributeValue> item, Set<String> tableKeys) {
    if (projectionType == ProjectionType.ALL) {
      return item;
    }
    Map<String, AttributeValue> out = new HashMap<>();
    for (String k : tableKeys) {
      copy(item, out, k);
    }
    copy(item, out, partitionKey);
    if (sortKey != null) {
      copy(item, out, sortKey);
    }
    if (projectionType == ProjectionType.INCLUDE) {
      for (String k : nonKeyAttributes) {
        copy(item, out, k);
      }
    }
    return out;
  }

  private static void copy(
      Map<String, AttributeValue> from, Map<String, AttributeValue> to, String name) {
    AttributeValue v = from.get(name);
    if (v != null) {
      to.put(name, v);
    }
  }

  /** Applies a write to the entries: removes the old image's entry and adds the new one's. */
  public void update(
      StoreKey tableKey,
      Map<String, AttributeValue> oldImage,
      Map<String, AttributeValue> newImage) {
    StoreKey before = entryKey(oldImage, tableKey);
    StoreKey after = entryKey(newImage, tableKey);
    if (before != null && !before.equals(after)) {
      entries.remove(before);
    }
    if (after != null) {
      entries.put(after, tableKey);
    }
  }
}
