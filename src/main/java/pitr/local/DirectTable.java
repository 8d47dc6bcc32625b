package pitr.local;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Where a hash-only table's point reads find an item's live image in two dependent reads from
 * memory (the slot, then the image) rather than the directory slot, bucket, bucket arrays and image
 * of an {@link ItemIndex}: an open-addressing table keyed by the partition key's hash, beside the
 * index's ordered buckets, which Scan and every write still use.
 *
 * <p>Per item it holds, in two parallel arrays, the key's hash and the very object the item's
 * bucket holds as its value: a lone image's bytes or the item's {@link Version} record (tombstones
 * included), so the writer finds an item's slot by that object's identity and never compares keys.
 * A slot is found by linear probing from where the hash falls in the table ({@code hash * capacity
 * >>> 32}, so any capacity will do: the table is 40-85% full, about 9-20 bytes per item). A read
 * verifies the key in the image it finds: the image's partition-key attribute, found by name, must
 * hold the key's bytes; where bytes alone cannot tell (a number in another form, a string with
 * characters the key encodes otherwise) the read answers {@link #UNSURE} and the caller asks the
 * buckets.
 *
 * <p>Built from the index's buckets once point reads ask for it ({@link
 * ItemIndex#buildDirectTable}), then changed only by the index's writer; read without locks. An
 * insert writes a slot's value (release) before its hash; a hash is never cleared. A deleted item
 * leaves its (odd) hash with a null value. A replaced item's slot goes stale: its hash becomes an
 * even stale tag (release), then its value null, and readers whose key's tag it is ask the buckets;
 * the index rebuilds the table from its buckets once a quarter of its items are stale, or when it
 * must grow while any are. A reader that sees a value also sees a whole object, and as it verifies
 * every key it finds, a hash beside another item's value cannot mislead it; one that finds a null
 * value under its tag reads the hash again, to tell a deleted slot from one gone stale meanwhile.
 * Growing builds new arrays and publishes them in one volatile write; the old ones are not changed
 * again, so a reader still on them sees the table as it was before the write that grew it.
 */
final class DirectTable {
  /** What {@link #find} answers when only the buckets can tell. */
  static final Object UNSURE = new Object();

  private static final VarHandle HASH = MethodHandles.arrayElementVarHandle(int[].class);
  private static final VarHandle VALUE = MethodHandles.arrayElementVarHandle(Object[].class);

  /** Share of slots in use (live or deleted) above which the table is rebuilt. */
  private static final double GROW_AT = 0.85;

  /** Share of slots live items fill in a rebuilt table. */
  private static final double FILL = 0.7;

  private static final int MIN_CAPACITY = 16;

  private static final int MATCH = 0;
  private static final int OTHER = 1;
  private static final int CANNOT_TELL = 2;

  /** The arrays readers see, published together. */
  private record Slots(int[] hashes, Object[] values) {}

  /** The partition key attribute's name, UTF-8, as images hold it. */
  private final byte[] name;

  private volatile Slots slots;

  /** Items held (live values, and stale slots of items that the buckets still hold). */
  private int live;

  /** Slots with a hash (live, deleted or stale). */
  private int used;

  /** Stale slots: items replaced since the table was built, which readers find in the buckets. */
  private int stale;

  DirectTable(String partitionKey) {
    this.name = partitionKey.getBytes(StandardCharsets.UTF_8);
    this.slots = new Slots(new int[MIN_CAPACITY], new Object[MIN_CAPACITY]);
  }

  /** A live or deleted slot's hash: odd, so never 0, which marks an empty slot. */
  private static int tag(long hash) {
    return (int) hash | 1;
  }

  /** What a stale slot of tag {@code tag} holds instead: even and never 0. */
  private static int staleTag(int tag) {
    return tag == 1 ? 2 : tag - 1;
  }

  private static int home(int tag, int capacity) {
    return (int) ((Integer.toUnsignedLong(tag) * capacity) >>> 32);
  }

  /** Items held. */
  int size() {
    return live;
  }

  /** Slots in the table. */
  int capacity() {
    return slots.hashes.length;
  }

  /**
   * The live image of the item with partition key {@code hash}, first {@code end} bytes of encoded
   * key {@code key}: its bytes, null where no such item lives, or {@link #UNSURE}.
   */
  Object find(long hash, byte[] key, int end) {
    Slots s = slots;
    int[] hashes = s.hashes;
    Object[] values = s.values;
    int capacity = hashes.length;
    int t = tag(hash);
    boolean unsure = false;
    for (int i = home(t, capacity); ; i = i + 1 == capacity ? 0 : i + 1) {
      int h = (int) HASH.getAcquire(hashes, i);
      if (h == 0) {
        return unsure ? UNSURE : null;
      }
      // Read with the hash, so the image's own read starts without waiting for the comparison.
      Object value = VALUE.getAcquire(values, i);
      if (h == staleTag(t)) {
        unsure = true; // perhaps this key's item, replaced: the buckets hold it
      } else if (h == t && value == null && (int) HASH.getAcquire(hashes, i) != t) {
        unsure = true; // made stale while read (a deleted slot keeps its hash)
      } else if (h == t && value != null) {
        byte[] image = value instanceof byte[] b ? b : ((Version) value).bytes();
        if (image != null) {
          int c = compare(image, key, end);
          if (c == MATCH) {
            return image;
          }
          unsure |= c == CANNOT_TELL;
        }
      }
    }
  }

  /**
   * Whether {@code image}'s partition-key attribute holds the partition key in the first {@code
   * end} bytes of encoded key {@code key}: {@link #MATCH} where its bytes are the key's, {@link
   * #OTHER} where they differ and so do the keys, else {@link #CANNOT_TELL}.
   */
  private int compare(byte[] image, byte[] key, int end) {
    int n = ItemBytes.varintAt(image, 0);
    int pos = ItemBytes.skipVarint(image, 0);
    for (int a = 0; a < n; a++) {
      int length = ItemBytes.varintAt(image, pos);
      int from = ItemBytes.skipVarint(image, pos);
      int at = from + length;
      if (length == name.length && Arrays.equals(image, from, at, name, 0, length)) {
        byte type = image[at];
        if (type != key[0] || (type != 'S' && type != 'N' && type != 'B')) {
          return OTHER;
        }
        int valueFrom = ItemBytes.skipVarint(image, at + 1);
        int valueTo = valueFrom + ItemBytes.varintAt(image, at + 1);
        int keyFrom = StoreKey.dataStart(key, 0);
        if (Arrays.equals(image, valueFrom, valueTo, key, keyFrom, end)) {
          return MATCH;
        }
        // A binary, or an ASCII string, is held as the key holds it: other bytes, another key.
        return type == 'B' || (type == 'S' && ascii(key, keyFrom, end)) ? OTHER : CANNOT_TELL;
      }
      pos = ItemBytes.skipValue(image, at);
    }
    return CANNOT_TELL;
  }

  private static boolean ascii(byte[] a, int from, int to) {
    for (int i = from; i < to; i++) {
      if (a[i] < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Adds an item not held yet, with its bucket's value. Writer only; not where {@link
   * #mustRebuildToInsert}.
   */
  void insert(long hash, Object value) {
    Slots s = slots;
    if (used + 1 > s.hashes.length * GROW_AT) {
      if (stale > 0) {
        throw new IllegalStateException("a direct table with stale slots grows from the buckets");
      }
      // Room for half as many items again, so a table filled one insert at a time is copied about
      // twice in all (sized to its items alone, it grew by a fifth at a time and copied them six
      // times over); 70-85% full after a restore, 40-85% after inserts.
      s = rebuilt((int) Math.min(Integer.MAX_VALUE / 2, live + 1 + live / 2));
    }
    int[] hashes = s.hashes;
    Object[] values = s.values;
    int capacity = hashes.length;
    int t = tag(hash);
    int i = home(t, capacity);
    // A deleted slot (odd hash, no value) is free again; a stale one (even hash) is not.
    while (hashes[i] != 0 && (values[i] != null || (hashes[i] & 1) == 0)) {
      i = i + 1 == capacity ? 0 : i + 1;
    }
    if (hashes[i] == 0) {
      used++;
    }
    VALUE.setRelease(values, i, value);
    HASH.setRelease(hashes, i, t);
    live++;
  }

  /**
   * Marks the slot of the item with hash {@code hash} and value {@code old}, which a write has
   * replaced, stale: readers then find that item in the buckets. The slot's hash becomes its stale
   * tag (release), then its value null, so a reader that sees the value gone also sees the stale
   * hash. Storing the new value instead would put a reference to a young object in this large, old
   * array, a card the collector must refine and scan on every such write (at 10,000,000 items its
   * threads took about twice the CPU during writes); stores of null and of ints cost it nothing. An
   * item already stale stays so. Writer only.
   */
  void replace(long hash, Object old) {
    int i = slotOf(hash, old);
    if (i >= 0) {
      int[] hashes = slots.hashes;
      HASH.setRelease(hashes, i, staleTag(hashes[i]));
      VALUE.setRelease(slots.values, i, null);
      stale++;
    }
  }

  /**
   * Removes the item with hash {@code hash} whose value is {@code old}: its slot keeps its hash and
   * loses its value. A stale slot stays stale (the buckets answer for it). Writer only.
   */
  void remove(long hash, Object old) {
    int i = slotOf(hash, old);
    if (i >= 0) {
      VALUE.setRelease(slots.values, i, null);
    }
    live--;
  }

  /** Stale slots. */
  int stale() {
    return stale;
  }

  /**
   * Whether the next insert would grow a table with stale slots, which only the buckets can rebuild
   * (a stale slot's item is not here to copy).
   */
  boolean mustRebuildToInsert() {
    return stale > 0 && used + 1 > slots.hashes.length * GROW_AT;
  }

  /**
   * The slot of the item with hash {@code hash} whose value is {@code old}, or -1 where its slot is
   * stale.
   */
  private int slotOf(long hash, Object old) {
    Slots s = slots;
    int[] hashes = s.hashes;
    Object[] values = s.values;
    int capacity = hashes.length;
    int t = tag(hash);
    boolean staleSeen = false;
    for (int i = home(t, capacity); hashes[i] != 0; i = i + 1 == capacity ? 0 : i + 1) {
      if (hashes[i] == t && values[i] == old) {
        return i;
      }
      staleSeen |= hashes[i] == staleTag(t);
    }
    if (staleSeen) {
      return -1;
    }
    throw new IllegalStateException("direct table does not hold the item of hash " + hash);
  }

  /** Makes room for {@code items} items in all, before a bulk load (a restore). Writer only. */
  void reserve(int items) {
    if (stale > 0) {
      throw new IllegalStateException("a direct table with stale slots grows from the buckets");
    }
    if (items > slots.hashes.length * GROW_AT) {
      rebuilt(items);
    }
  }

  /** Copies the live items into new arrays with room for {@code items} and publishes them. */
  private Slots rebuilt(int items) {
    int capacity = Math.max(MIN_CAPACITY, (int) Math.min(Integer.MAX_VALUE - 8, items / FILL + 1));
    int[] hashes = new int[capacity];
    Object[] values = new Object[capacity];
    Slots old = slots;
    int n = 0;
    for (int j = 0; j < old.hashes.length; j++) {
      Object value = old.values[j];
      if (value != null) {
        int t = old.hashes[j];
        int i = home(t, capacity);
        while (hashes[i] != 0) {
          i = i + 1 == capacity ? 0 : i + 1;
        }
        hashes[i] = t;
        values[i] = value;
        n++;
      }
    }
    used = n;
    Slots s = new Slots(hashes, values);
    slots = s;
    return s;
  }
}
