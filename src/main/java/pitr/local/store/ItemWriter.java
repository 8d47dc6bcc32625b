package pitr.local.store;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import pitr.dynamo.ItemSizes;
import pitr.local.DurableStore;
import pitr.local.Errors;
import pitr.local.ItemBytes;
import pitr.local.ItemIndex;
import pitr.local.SecondaryIndex;
import pitr.local.StoreKey;
import pitr.local.Table;
import pitr.local.Version;
import pitr.local.capacity.CapacityTally;
import pitr.local.expr.AttributeValues;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The engine's one write path and its lock. Every change to a table's items goes through {@link
 * #write}: a new version (kept as history while PITR is on), exact item counts and sizes, item
 * collection sizes, index entries and the write capacity each index consumed, and the durable
 * store. Writes are serialised by one lock (which also makes transactions atomic); {@link #unlock}
 * commits the durable store before releasing it, so a change is on disk before it is acknowledged.
 */
public final class ItemWriter implements AutoCloseable {
  private final Clock clock;
  private final DurableStore durable;
  private final ReentrantLock lock = new ReentrantLock();

  /** Serialises commits; held while waiting for the write lock to commit. */
  private final Object commitOrder = new Object();

  /** Requests that released the write lock (guarded by it), and how many of them are committed. */
  private long changes;

  private volatile long committed;
  private volatile long commits;

  /**
   * Run before each commit, outside the write lock; null but in tests (see {@link #beforeCommit}).
   */
  private volatile Runnable beforeCommit;

  private volatile long itemCollectionLimit = 10L * 1024 * 1024 * 1024;

  /**
   * @param durable the store every change is saved to, or null for an in-memory engine
   */
  public ItemWriter(Clock clock, DurableStore durable) {
    this.clock = clock;
    this.durable = durable;
  }

  /** Takes the write lock. */
  public void lock() {
    lock.lock();
  }

  /**
   * Releases the write lock and returns once what the caller changed is committed to the durable
   * store, if any. Commits are grouped: the caller commits everything changed so far, its own
   * change and those of writers that got the lock after it, and a writer whose change a commit
   * already covered returns without one. A commit holds the write lock, so it never takes in half
   * of a change.
   */
  public void unlock() {
    if (durable == null || lock.getHoldCount() > 1) {
      lock.unlock(); // a nested release: the outermost one commits
      return;
    }
    long mine = ++changes;
    lock.unlock();
    synchronized (commitOrder) {
      if (committed >= mine) {
        return;
      }
      Runnable hold = beforeCommit;
      if (hold != null) {
        hold.run();
      }
      lock.lock();
      try {
        long upTo = changes;
        commit();
        committed = upTo;
        commits++;
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * Runs {@code action} before each commit, outside the write lock, so other writers can change
   * items meanwhile and queue behind the commit: lets a test make writes overlap a commit without
   * depending on timing. Null removes it.
   */
  public void beforeCommit(Runnable action) {
    beforeCommit = action;
  }

  /** Requests that have changed items and released the write lock so far. */
  public long changes() {
    lock.lock();
    try {
      return changes;
    } finally {
      lock.unlock();
    }
  }

  /** Commits to the durable store so far: fewer than requests when concurrent writes shared one. */
  public long commits() {
    return commits;
  }

  /**
   * Builds the point-read table of {@code t}'s items that reads of it have asked for ({@link
   * ItemIndex#wantsDirectTable}), unless another thread holds the write lock: the next write then
   * builds it, or a later read. Called by point reads after they read, so a table that is only
   * written never has one. Changes no item and commits nothing.
   */
  public void buildWantedDirectTable(Table t) {
    if (t.items.wantsDirectTable() && lock.tryLock()) {
      try {
        t.items.buildDirectTable();
      } finally {
        lock.unlock();
      }
    }
  }

  /** Whether changes are saved to disk. */
  public boolean isDurable() {
    return durable != null;
  }

  /** Runs {@code action} on the durable store, if any. Caller holds the write lock. */
  public void ifDurable(Consumer<DurableStore> action) {
    if (durable != null) {
      action.accept(durable);
    }
  }

  /** Saves a table's definition to the durable store, if any. Caller holds the write lock. */
  public void persistTable(Table t) {
    if (durable != null) {
      durable.saveTable(t);
    }
  }

  private void commit() {
    if (durable != null) {
      durable.commit();
    }
  }

  /** Sets the largest item collection a write may grow (DynamoDB's limit, the default, 10 GB). */
  public void setItemCollectionLimit(long bytes) {
    this.itemCollectionLimit = bytes;
  }

  /**
   * Refuses, with ItemCollectionSizeLimitExceededException, a change that would grow {@code key}'s
   * item collection past the limit, without accounting it: a transaction checks every action before
   * its first write.
   */
  public void checkCollectionRoom(Table t, StoreKey key, long delta) {
    long now = t.collectionSizes.getOrDefault(key.partition(), 0L);
    if (delta > 0 && now + delta > itemCollectionLimit) {
      throw Errors.itemCollectionTooLarge();
    }
  }

  /**
   * Accounts a change in an item collection's size, refusing growth past the limit with
   * ItemCollectionSizeLimitExceededException before anything is written.
   */
  private void growCollection(Table t, StoreKey key, long delta) {
    long now = t.collectionSizes.getOrDefault(key.partition(), 0L);
    long next = now + delta;
    if (delta > 0 && next > itemCollectionLimit) {
      throw Errors.itemCollectionTooLarge();
    }
    if (next <= 0) {
      t.collectionSizes.remove(key.partition());
    } else {
      t.collectionSizes.put(key.partition(), next);
    }
  }

  /**
   * Writes one item version and maintains counts, indexes and capacity. Caller holds the write lock
   * and has validated the image.
   */
  public void write(Table t, StoreKey key, Map<String, AttributeValue> image, CapacityTally tally) {
    write(t, key, t.items.get(key), image, tally);
  }

  /** As above, with the key's current version already looked up by the caller. */
  public void write(
      Table t,
      StoreKey key,
      Version current,
      Map<String, AttributeValue> image,
      CapacityTally tally) {
    // The old image is decoded only for the indexes: a count and a size need no decoding.
    boolean existed = current != null && current.exists();
    long oldSize = existed ? current.size : 0;
    // Encoded once, here: the size then comes from the bytes (a string's length is held there).
    byte[] encoded = image == null ? null : ItemBytes.encode(image);
    long newSize = encoded == null ? 0 : ItemBytes.size(encoded);
    if (t.hasLocalIndexes()) {
      growCollection(t, key, newSize - oldSize);
    }
    tally.table(t.name, CapacityTally.writeUnits(Math.max(oldSize, newSize)));
    if (!existed && image == null) {
      return;
    }
    long now = clock.millis();
    if (current != null && current.at() > now) {
      now = current.at();
    }
    Version next = null;
    if (t.pitrEnabled) {
      // The version replaced keeps only what differs from this one (see Version), re-expressed once
      // the index has found it by its key in its full bytes and holds this one.
      next = new Version(now, encoded, (int) newSize, current);
      t.items.put(key, next);
      if (current != null) {
        current.shareWith(next);
      }
    } else if (image == null) {
      t.items.remove(key);
    } else {
      next = new Version(now, encoded, (int) newSize, null);
      t.items.put(key, next);
    }
    if (durable != null) {
      durable.saveItem(t, key, next);
    }
    t.itemCount += (image != null ? 1 : 0) - (existed ? 1 : 0);
    t.sizeBytes += newSize - oldSize;
    if (t.indexes.isEmpty()) {
      return;
    }
    Map<String, AttributeValue> old = existed ? current.image() : null;
    for (SecondaryIndex idx : t.indexes.values()) {
      Map<String, AttributeValue> before = old == null ? null : projectedEntry(t, idx, key, old);
      Map<String, AttributeValue> after = image == null ? null : projectedEntry(t, idx, key, image);
      idx.update(key, old, image);
      if (before == null && after == null) {
        continue;
      }
      double units;
      if (before != null && after != null) {
        boolean sameKey = idx.entryKey(old, key).equals(idx.entryKey(image, key));
        if (sameKey && AttributeValues.mapEqual(before, after)) {
          continue;
        }
        units =
            sameKey
                ? CapacityTally.writeUnits(Math.max(ItemSizes.size(before), ItemSizes.size(after)))
                : CapacityTally.writeUnits(ItemSizes.size(before))
                    + CapacityTally.writeUnits(ItemSizes.size(after));
      } else {
        units = CapacityTally.writeUnits(ItemSizes.size(before != null ? before : after));
      }
      tally.index(t.name, idx.name, idx.global, units);
    }
  }

  private static Map<String, AttributeValue> projectedEntry(
      Table t, SecondaryIndex idx, StoreKey key, Map<String, AttributeValue> item) {
    return idx.entryKey(item, key) == null ? null : idx.project(item, t.keyNames);
  }

  /**
   * Puts an image into a table being built by a restore, keeping counts and indexes; the caller
   * saves the whole table when it is complete.
   */
  public static void load(Table t, StoreKey key, Version source, long now) {
    Version v = source.alone(now);
    t.items.put(key, v);
    t.itemCount++;
    t.sizeBytes += v.size;
    if (t.hasLocalIndexes()) {
      t.collectionSizes.merge(key.partition(), (long) v.size, Long::sum);
    }
    if (!t.indexes.isEmpty()) {
      Map<String, AttributeValue> image = v.image();
      for (SecondaryIndex idx : t.indexes.values()) {
        idx.update(key, null, image);
      }
    }
  }

  /**
   * Fills a table being built by a restore with the items {@code source} held at {@code at}, as
   * versions written at {@code now} that share the source's bytes, keeping counts and indexes; the
   * caller saves the whole table when it is complete.
   */
  public static void loadAsOf(Table t, Table source, long at, long now) {
    ItemIndex.Copied copied = t.items.copyAsOf(source.items, at, now);
    t.itemCount += copied.items();
    t.sizeBytes += copied.bytes();
    if (t.indexes.isEmpty()) {
      return;
    }
    boolean collections = t.hasLocalIndexes();
    for (Map.Entry<StoreKey, Version> e : t.items.entrySet()) {
      Version v = e.getValue();
      if (collections) {
        t.collectionSizes.merge(e.getKey().partition(), (long) v.size, Long::sum);
      }
      Map<String, AttributeValue> image = v.image();
      for (SecondaryIndex idx : t.indexes.values()) {
        idx.update(e.getKey(), null, image);
      }
    }
  }

  /** Closes the durable store, if any, once no write is in flight. */
  @Override
  public void close() {
    if (durable != null) {
      lock.lock();
      try {
        durable.close();
      } finally {
        lock.unlock();
      }
    }
  }
}
