package pitr.local;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A table's items by key, partitioned by the partition key's hash as DynamoDB partitions a table: a
 * directory of buckets, each covering one range of hashes and holding its partitions sorted by hash
 * then partition key, so a point read or write costs a directory slot and a binary search of a few
 * dozen entries at any table size, and walking the buckets in order gives Scan's order (hash,
 * partition key, sort key), which parallel-scan segments and ExclusiveStartKey rely on. Only a
 * composite-key table's partitions hold an ordered structure (a skip list of their sort keys).
 *
 * <p>Per item, a hash-only table holds its hash, a reference to its key and, for an item whose only
 * version is its live image (no history, no tombstone), the image's bytes, time (an int offset from
 * a time of its bucket's) and size in parallel arrays rather than a {@link Version} object; {@link
 * #get} builds that version when it is read. Items with history keep their version chain. The key
 * is no object of its own: its reference points into the image where the image holds the key
 * value's bytes (the key is then held once), else into one byte array of the bucket's packed keys
 * (see {@link KeyRefs}), so a loaded item costs one object, its image.
 *
 * <p>Given the partition key's name, a hash-only table that is point-read also keeps its items in a
 * {@link DirectTable} by hash (about 10 bytes per item), where {@link #image}, the live reads'
 * lookup, finds an item's image in two reads from memory instead of the directory slot, bucket, its
 * arrays and the image. It is built from the buckets once a read has asked for it ({@link
 * #wantsDirectTable}), by the next writer or by a reader holding the write lock ({@link
 * #buildDirectTable}), so a table that is only written (a copy's target, a restore, a load) never
 * pays for it: keeping it up to date cost HTTP writes 1-18% more server CPU per item. From then on
 * every write changes the buckets first, then that table: an insert adds the item, a replacement
 * marks its slot stale (its reads ask the buckets) and a removal clears it; a quarter stale, it is
 * rebuilt.
 *
 * <p>Changed only by one writer at a time (under the engine's write lock); read without locks. A
 * reader always sees a whole bucket, before or after a write: an insert fills a free slot the
 * published bucket does not count yet and then publishes one that does (see {@link IndexBucket}), a
 * new version record for an item already held replaces its one slot in place, as a skip list
 * replaces a value, and any other write publishes a copy of the bucket (copy on write), each with
 * release semantics. Iteration is weakly consistent, as a {@link ConcurrentSkipListMap}'s is.
 */
public final class ItemIndex extends AbstractMap<StoreKey, Version> {
  /** Mean partitions per bucket above which the directory doubles. */
  private static final int SPLIT_AT = 64;

  private static final int INITIAL_BITS = 4;

  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(IndexBucket[].class);

  private final boolean composite;
  private final IndexBucket empty;

  /** The partition key's name for a hash-only table's {@link DirectTable}; else null. */
  private final String partitionKey;

  /**
   * A hash-only table's items by hash, for {@link #image}; null until a read asks for it. Set once,
   * under the engine's write lock.
   */
  private volatile DirectTable direct;

  /** Whether a point read went through the buckets of a table that could have a direct table. */
  private volatile boolean directWanted;

  private volatile Directory directory;

  /** Partitions in the directory (items, for a hash-only table). */
  private long partitions;

  /** Keys held, tombstones included. */
  private volatile long count;

  /**
   * An index without a {@link DirectTable}: point reads go through the buckets.
   *
   * @param composite whether the table has a sort key
   */
  public ItemIndex(boolean composite) {
    this(composite, null);
  }

  /**
   * @param composite whether the table has a sort key
   * @param partitionKey the partition key attribute's name: with it, a hash-only table also keeps a
   *     {@link DirectTable} of its items for {@link #image}
   */
  public ItemIndex(boolean composite, String partitionKey) {
    this.composite = composite;
    this.partitionKey = composite ? null : partitionKey;
    this.empty = new IndexBucket(!composite);
    IndexBucket[] slots = new IndexBucket[1 << INITIAL_BITS];
    Arrays.fill(slots, empty);
    this.directory = new Directory(32 - INITIAL_BITS, slots);
  }

  /** One version of the directory: 2^(32 - shift) buckets, the one for hash h at h >>> shift. */
  private record Directory(int shift, IndexBucket[] slots) {
    int slotOf(long hash) {
      return (int) (hash >>> shift);
    }

    IndexBucket bucket(int slot) {
      return (IndexBucket) SLOT.getAcquire(slots, slot);
    }
  }

  @Override
  public int size() {
    return (int) Math.min(Integer.MAX_VALUE, count);
  }

  @Override
  public boolean isEmpty() {
    return count == 0;
  }

  @Override
  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  /**
   * The key's newest version (a tombstone where the item was deleted and history is kept), or null.
   */
  @Override
  public Version get(Object key) {
    StoreKey k = (StoreKey) key;
    Directory d = directory;
    IndexBucket b = d.bucket(d.slotOf(k.hash()));
    byte[] bytes = k.bytes();
    int i = b.find(k.hash(), bytes, k.partitionLength(), d.shift);
    if (i < 0) {
      return null;
    }
    return composite ? b.sortKeys(i).get(k) : b.version(i);
  }

  /**
   * The live image of the item at {@code key} (shared: callers must not change it), or null where
   * there is none or it was deleted: for a hash-only table with a {@link DirectTable}, found there
   * in two reads from memory, else (or where that table cannot tell) through the buckets. A
   * hash-only table without one yet asks for one ({@link #wantsDirectTable}).
   */
  public byte[] image(StoreKey key) {
    DirectTable t = direct;
    if (t != null) {
      Object found = t.find(key.hash(), key.bytes(), key.partitionLength());
      if (found != DirectTable.UNSURE) {
        return (byte[]) found;
      }
    } else if (partitionKey != null && !directWanted) {
      directWanted = true;
    }
    Version v = get(key);
    return v == null ? null : v.bytes();
  }

  /** Whether a point read asked for a {@link DirectTable} that is not built yet. */
  public boolean wantsDirectTable() {
    return directWanted && direct == null;
  }

  /** The {@link DirectTable}, or null (tests look at its slots). */
  DirectTable directTable() {
    return direct;
  }

  /** Whether point reads find items in a {@link DirectTable}. */
  public boolean hasDirectTable() {
    return direct != null;
  }

  /**
   * Builds the {@link DirectTable} of a hash-only table from its buckets and publishes it, unless
   * it has one already: one pass over the items, about 0.4 s at 10,000,000. Readers see no table,
   * then the whole one. Caller holds the engine's write lock.
   */
  public void buildDirectTable() {
    if (direct != null || partitionKey == null) {
      return;
    }
    direct = fromBuckets();
  }

  /** A new {@link DirectTable} of the items the buckets hold. Caller holds the write lock. */
  private DirectTable fromBuckets() {
    DirectTable t = new DirectTable(partitionKey);
    t.reserve((int) Math.min(Integer.MAX_VALUE / 2, partitions));
    Directory d = directory;
    for (int i = 0; i < d.slots.length; i++) {
      IndexBucket b = d.bucket(i);
      for (int j = 0; j < b.size(); j++) {
        t.insert(b.hash(j), b.value(j));
      }
    }
    return t;
  }

  /** Stores {@code v} as the key's newest version. Caller holds the engine's write lock. */
  @Override
  public Version put(StoreKey k, Version v) {
    if (wantsDirectTable()) {
      buildDirectTable();
    }
    Directory d = directory;
    int slot = d.slotOf(k.hash());
    IndexBucket b = d.bucket(slot);
    int i = b.find(k.hash(), k.bytes(), k.partitionLength(), d.shift);
    // Two methods rather than one, each small enough for the JIT to inline into a hot caller.
    return composite ? putSorted(d, slot, b, i, k, v) : putItem(d, slot, b, i, k, v);
  }

  /**
   * {@link #put} into a table with a sort key: bucket {@code b} holds the partition at {@code i}.
   */
  private Version putSorted(Directory d, int slot, IndexBucket b, int i, StoreKey k, Version v) {
    ConcurrentSkipListMap<StoreKey, Version> sortKeys;
    if (i >= 0) {
      sortKeys = b.sortKeys(i);
    } else {
      sortKeys = new ConcurrentSkipListMap<>(StoreKey.ORDER);
      byte[] bytes = k.bytes();
      int end = k.partitionLength();
      byte[] partition = end == bytes.length ? bytes : Arrays.copyOf(bytes, end);
      insert(d, slot, b, (int) k.hash(), partition, sortKeys, 0, 0);
    }
    Version previous = sortKeys.put(k, v);
    if (previous == null) {
      count++;
    }
    return previous;
  }

  /** {@link #put} into a hash-only table: bucket {@code b} holds the item at {@code i}. */
  private Version putItem(Directory d, int slot, IndexBucket b, int i, StoreKey k, Version v) {
    boolean lone = !v.hasPrevious() && v.exists();
    Object value = lone ? v.bytes() : v;
    DirectTable t = direct;
    if (i < 0) {
      insert(d, slot, b, (int) k.hash(), k.bytes(), value, v.at(), v.size);
      if (t != null) {
        if (t.mustRebuildToInsert()) {
          direct = fromBuckets(); // the buckets hold the new item already
        } else {
          t.insert(k.hash(), value);
        }
      }
      count++;
      return null;
    }
    Version previous = b.version(i);
    Object old = b.value(i);
    if (lone) {
      IndexBucket sorted = b.merged();
      publish(
          d,
          slot,
          sorted.with(
              sorted.find(k.hash(), k.bytes(), k.partitionLength(), d.shift),
              v.bytes(),
              v.at(),
              v.size));
    } else {
      // A version record carries its own time and size: replaced in place, no bucket copy.
      b.replace(i, v);
    }
    if (t != null) {
      t.replace(k.hash(), old);
      // Reads of replaced items go through the buckets; once a quarter of the items are, rebuild
      // (about 160 ns per replacing write at any size, amortised).
      if (t.stale() > t.size() / 4 + 64) {
        direct = fromBuckets();
      }
    }
    return previous;
  }

  private void insert(
      Directory d, int slot, IndexBucket b, int hash, byte[] key, Object value, long at, int size) {
    IndexBucket next = b.appending(hash, key, value, at, size);
    if (next == null) {
      next = b.merged().appending(hash, key, value, at, size);
    }
    publish(d, slot, next);
  }

  /** Removes the key and its versions. Caller holds the engine's write lock. */
  @Override
  public Version remove(Object key) {
    if (wantsDirectTable()) {
      buildDirectTable();
    }
    StoreKey k = (StoreKey) key;
    Directory d = directory;
    int slot = d.slotOf(k.hash());
    IndexBucket b = d.bucket(slot);
    int i = b.find(k.hash(), k.bytes(), k.partitionLength(), d.shift);
    if (i < 0) {
      return null;
    }
    Version previous;
    Object old = b.value(i);
    boolean gone = true;
    if (composite) {
      ConcurrentSkipListMap<StoreKey, Version> sortKeys = b.sortKeys(i);
      previous = sortKeys.remove(k);
      gone = sortKeys.isEmpty();
    } else {
      previous = b.version(i);
    }
    if (gone) {
      IndexBucket sorted = b.merged();
      publish(
          d, slot, sorted.removing(sorted.find(k.hash(), k.bytes(), k.partitionLength(), d.shift)));
    }
    DirectTable t = direct;
    if (t != null) {
      t.remove(k.hash(), old);
    }
    if (previous != null) {
      count--;
    }
    return previous;
  }

  private void publish(Directory d, int slot, IndexBucket b) {
    int before = d.bucket(slot).size();
    SLOT.setRelease(d.slots, slot, b);
    partitions += b.size() - before;
    if (partitions > (long) d.slots.length * SPLIT_AT && d.shift > 0) {
      grow(d);
    }
  }

  /** Doubles the directory, each bucket split in two at the middle of its hash range. */
  private void grow(Directory d) {
    int shift = d.shift - 1;
    IndexBucket[] slots = new IndexBucket[d.slots.length * 2];
    for (int i = 0; i < d.slots.length; i++) {
      IndexBucket b = d.bucket(i).merged();
      int mid = b.firstAtLeast((2L * i + 1) << shift);
      slots[2 * i] = mid == 0 ? empty : mid == b.n ? b : b.slice(0, mid);
      slots[2 * i + 1] = mid == b.n ? empty : mid == 0 ? b : b.slice(mid, b.n);
    }
    directory = new Directory(shift, slots);
  }

  /**
   * What {@link #copyAsOf} copied.
   *
   * @param items items copied
   * @param bytes their size as DynamoDB counts it
   */
  public record Copied(long items, long bytes) {}

  /**
   * Fills this empty index with the items {@code source} held at {@code at}, each as one version
   * written at {@code now}: a restore. Image bytes and packed keys are shared, never copied (both
   * are immutable), and so are whole bucket arrays (hashes, key references, sizes) where every item
   * of a bucket is copied, so a restored hash-only table costs about a value reference and a time
   * offset per item. Caller holds the engine's write lock.
   */
  public Copied copyAsOf(ItemIndex source, long at, long now) {
    if (count != 0 || composite != source.composite) {
      throw new IllegalStateException("copyAsOf needs an empty index of the same key schema");
    }
    Directory d = source.directory;
    IndexBucket[] slots = new IndexBucket[d.slots.length];
    long items = 0;
    long bytes = 0;
    long parts = 0;
    DirectTable t = direct;
    if (t != null) {
      t.reserve(source.size());
    }
    for (int i = 0; i < slots.length; i++) {
      IndexBucket b = d.bucket(i).merged();
      IndexBucket c = composite ? b.sortKeysAsOf(at, now) : b.itemsAsOf(at, now);
      slots[i] = c.n == 0 ? empty : c;
      parts += c.n;
      if (t != null) {
        for (int j = 0; j < c.n; j++) {
          t.insert(c.hash(j), c.value(j));
        }
      }
      for (int j = 0; j < c.n; j++) {
        if (composite) {
          for (Version v : c.sortKeys(j).values()) {
            items++;
            bytes += v.size;
          }
        } else {
          items++;
          bytes += c.sizeOf(j);
        }
      }
    }
    partitions = parts;
    count = items;
    directory = new Directory(d.shift, slots);
    return new Copied(items, bytes);
  }

  /**
   * The items of one partition, in sort-key order: a composite table's live skip list, or a
   * hash-only table's item alone (a copy). Query reads its key range of it.
   */
  public NavigableMap<StoreKey, Version> partition(AttributeValue partitionKey) {
    StoreKey k = StoreKey.partitionStart(partitionKey);
    Directory d = directory;
    IndexBucket b = d.bucket(d.slotOf(k.hash()));
    int i = b.find(k.hash(), k.bytes(), k.partitionLength(), d.shift);
    NavigableMap<StoreKey, Version> out;
    if (i >= 0 && composite) {
      out = b.sortKeys(i);
    } else {
      out = new TreeMap<>(StoreKey.ORDER);
      if (i >= 0) {
        out.put(StoreKey.stored(b.hash(i), b.key(i)), b.version(i));
      }
    }
    return out;
  }

  /**
   * The items whose hash is in [{@code fromHash}, {@code toHash}) and which come after {@code
   * after} (null for none), in Scan order. The iterator's remove removes the last item returned.
   */
  public Iterator<Map.Entry<StoreKey, Version>> scan(long fromHash, long toHash, StoreKey after) {
    return new Cursor(fromHash, toHash, after);
  }

  @Override
  public Set<Map.Entry<StoreKey, Version>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<StoreKey, Version>> iterator() {
        return scan(0, StoreKey.HASH_SPACE, null);
      }

      @Override
      public int size() {
        return ItemIndex.this.size();
      }
    };
  }

  private final class Cursor implements Iterator<Map.Entry<StoreKey, Version>> {
    private final long end;

    /** Where the next bucket to read starts (a boundary in every later directory too). */
    private long nextStart;

    private IndexBucket bucket;
    private int pos;
    private Iterator<Map.Entry<StoreKey, Version>> inner;
    private Map.Entry<StoreKey, Version> next;
    private StoreKey last;

    Cursor(long from, long end, StoreKey after) {
      this.end = end;
      long start = after == null ? from : Math.max(from, after.hash());
      if (start >= StoreKey.HASH_SPACE || start >= end) {
        bucket = empty;
        nextStart = StoreKey.HASH_SPACE;
        return;
      }
      Directory d = directory;
      int slot = d.slotOf(start);
      bucket = d.bucket(slot).merged();
      nextStart = (slot + 1L) << d.shift;
      pos = bucket.firstAtLeast(start);
      if (after != null) {
        skipTo(after);
      }
      advance();
    }

    /** Moves past the partitions before {@code after} and, within its own, past it. */
    private void skipTo(StoreKey after) {
      while (pos < bucket.n) {
        StoreKey partition = StoreKey.stored(bucket.hash(pos), bucket.key(pos));
        int c = StoreKey.ORDER.compare(partition, after);
        if (c > 0) {
          return;
        }
        if (c == 0) {
          if (composite) {
            inner = bucket.sortKeys(pos).tailMap(after, false).entrySet().iterator();
          }
          pos++;
          return;
        }
        pos++;
      }
    }

    private void advance() {
      next = null;
      while (true) {
        if (inner != null) {
          if (inner.hasNext()) {
            next = inner.next();
            return;
          }
          inner = null;
        }
        while (pos >= bucket.n) {
          if (nextStart >= end || nextStart >= StoreKey.HASH_SPACE) {
            return;
          }
          Directory d = directory;
          int slot = d.slotOf(nextStart);
          bucket = d.bucket(slot).merged();
          nextStart = (slot + 1L) << d.shift;
          pos = 0;
        }
        if (bucket.hash(pos) >= end) {
          pos = bucket.n;
          nextStart = StoreKey.HASH_SPACE;
          return;
        }
        int i = pos++;
        if (composite) {
          inner = bucket.sortKeys(i).entrySet().iterator();
        } else {
          next =
              new AbstractMap.SimpleImmutableEntry<>(
                  StoreKey.stored(bucket.hash(i), bucket.key(i)), bucket.version(i));
          return;
        }
      }
    }

    @Override
    public boolean hasNext() {
      return next != null;
    }

    @Override
    public Map.Entry<StoreKey, Version> next() {
      if (next == null) {
        throw new NoSuchElementException();
      }
      Map.Entry<StoreKey, Version> e = next;
      last = e.getKey();
      advance();
      return e;
    }

    @Override
    public void remove() {
      if (last == null) {
        throw new IllegalStateException();
      }
      ItemIndex.this.remove(last);
      last = null;
    }
  }
}
