package pitr.local;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The partitions of one hash range of an {@link ItemIndex}: a sorted part in (hash, partition key)
 * order, in parallel arrays never changed once published but for a value replaced in place, and up
 * to {@link #RECENT} partitions inserted since, unsorted, appended in place to arrays the sorted
 * part does not share. An insert writes its slot of the recent arrays before the bucket that counts
 * it is published, so a reader of an older bucket never looks at it; only every {@link #RECENT}th
 * insert copies the bucket (merging the recent partitions in), so inserts leave little garbage.
 *
 * <p>{@code values} holds, per partition, a composite table's skip list of sort keys, or a
 * hash-only table's {@link Version} or, for a lone live version, its image bytes (with its time,
 * held as an int offset from a time of the bucket's where the bucket's times span less than 24
 * days, and its size).
 *
 * <p>Keys are not objects of their own: per partition a {@link KeyRefs} reference either into the
 * lone image's bytes, where they hold the key value verbatim (the key is then held once), or into
 * one byte array of the bucket's packed encoded keys. When a version record replaces such an image
 * in place, the reference then points into the record's own image where it holds the key at the
 * same place (nearly every update); otherwise the key is first written to a side slot ({@code
 * displaced} or the recent slot's key), which a reader that sees the record also sees (the record
 * is published with release semantics).
 */
final class IndexBucket {
  /** Partitions inserted since the sorted part was last rebuilt, at most. */
  static final int RECENT = 8;

  private static final VarHandle VALUE = MethodHandles.arrayElementVarHandle(Object[].class);
  static final byte[] NO_KEYS = new byte[0];

  /** Sorted partitions. */
  final int n;

  /** The sorted part, for what only its writer changes ({@link SortedPart#displaced}). */
  private final SortedPart s;

  // The sorted part's arrays, read here so a point read does not first read the part itself.
  private final int[] hashes;
  private final int[] meta;
  private final byte[] packed;
  private final Object[] values;
  private final long base;
  private final long[] wide;
  private final boolean uniform;

  /** Recent partitions counted by this bucket, in {@link #recent}'s first slots. */
  private final int m;

  private final Recent recent;

  /**
   * Slots for recent inserts, filled in order and shared by the buckets that count them; grown
   * (copied) from 2 to {@link #RECENT} slots as they fill. {@code keys} holds a slot's encoded
   * partition key where its reference does not point into its image, or no longer can.
   */
  private static final class Recent {
    final int[] hashes;
    final int[] refs;
    final byte[][] keys;
    final Object[] values;
    final long[] ats;
    final int[] sizes;

    Recent(int capacity, boolean times) {
      hashes = new int[capacity];
      refs = new int[capacity];
      keys = new byte[capacity][];
      values = new Object[capacity];
      ats = times ? new long[capacity] : null;
      sizes = times ? new int[capacity] : null;
    }

    Recent grown(int used) {
      Recent r = new Recent(hashes.length * 2, ats != null);
      System.arraycopy(hashes, 0, r.hashes, 0, used);
      System.arraycopy(refs, 0, r.refs, 0, used);
      System.arraycopy(keys, 0, r.keys, 0, used);
      for (int j = 0; j < used; j++) {
        r.values[j] = VALUE.getAcquire(values, j);
      }
      if (ats != null) {
        System.arraycopy(ats, 0, r.ats, 0, used);
        System.arraycopy(sizes, 0, r.sizes, 0, used);
      }
      return r;
    }
  }

  /** An empty bucket; {@code times} for a hash-only table, whose lone versions keep them here. */
  IndexBucket(boolean times) {
    this(
        0, new SortedPart(new int[0], new int[0], NO_KEYS, new Object[0], times, 0, null), 0, null);
  }

  IndexBucket(int n, SortedPart s, int m, Recent recent) {
    this.n = n;
    this.s = s;
    this.hashes = s.hashes;
    this.meta = s.meta;
    this.packed = s.keys;
    this.values = s.values;
    this.base = s.base;
    this.wide = s.wide;
    this.uniform = s.uniform;
    this.m = m;
    this.recent = recent;
  }

  boolean times() {
    return s.times;
  }

  /** Partitions held, sorted and recent. */
  int size() {
    return n + m;
  }

  long hash(int i) {
    return Integer.toUnsignedLong(i < n ? hashes[i] : recent.hashes[i - n]);
  }

  int ref(int i) {
    return i < n ? meta[i * SortedPart.STRIDE] : recent.refs[i - n];
  }

  Object value(int i) {
    return i < n ? VALUE.getAcquire(values, i) : VALUE.getAcquire(recent.values, i - n);
  }

  long at(int i) {
    if (i >= n) {
      return recent.ats[i - n];
    }
    return wide != null ? wide[i] : uniform ? base : base + meta[i * SortedPart.STRIDE + 1];
  }

  int itemSize(int i) {
    return i < n ? meta[i * SortedPart.STRIDE + 2] : recent.sizes[i - n];
  }

  /**
   * The array holding partition {@code i}'s encoded key, from {@link #keyStart}; null where it is
   * held in the partition's image, which is then the value read (with acquire) before this call. A
   * side slot written before a version record replaced the image is visible to a reader that saw
   * the record; one that still saw the image may find the side slot too, which holds the same key.
   * The value itself is not read here: copying a bucket touches no image.
   */
  byte[] keyArray(int i, int ref) {
    if (i >= n) {
      return recent.keys[i - n];
    }
    if (ref < 0) {
      return packed;
    }
    byte[][] d = s.displaced;
    return d == null ? null : d[i];
  }

  /**
   * The full image a value holds: a lone image, or a version record's (a record referenced for its
   * key holds one, else its key is in a side slot); null for a tombstone.
   */
  private static byte[] imageOf(Object value) {
    return value instanceof byte[] image ? image : ((Version) value).bytes();
  }

  /**
   * Whether version record {@code v}, replacing {@code old} (referenced for its key at {@code
   * ref}), holds the key at the same place: an update that leaves the key's place as it was, which
   * is nearly every one, needs no side slot.
   */
  private static boolean keyStaysIn(int ref, Object old, Version v) {
    byte[] image = v.exists() ? v.bytes() : null;
    return image != null && KeyRefs.sameAt(ref, imageOf(old), image);
  }

  static int keyStart(int ref) {
    return ref < 0 ? -ref - 1 : 0;
  }

  /**
   * Partition {@code i}'s encoded key (a copy or an immutable array: callers must not change it).
   */
  byte[] key(int i) {
    int ref = ref(i);
    Object value = value(i);
    byte[] a = keyArray(i, ref);
    if (a == null) {
      byte[] out = new byte[KeyRefs.encodedRoom(ref)];
      int end = KeyRefs.encode(ref, imageOf(value), out, 0);
      return end == out.length ? out : Arrays.copyOf(out, end);
    }
    int from = keyStart(ref);
    return from == 0 && a != packed ? a : Arrays.copyOfRange(a, from, from + len(a, from));
  }

  static int len(byte[] a, int from) {
    return StoreKey.encodedLength(a, from);
  }

  /** Compares partition {@code i}'s key with the partition key in the first {@code end} bytes. */
  private int compareKey(int i, byte[] key, int end) {
    int ref = ref(i);
    Object value = value(i);
    if (ref >= 0 && value instanceof byte[] image) {
      // An image referenced holds its key: the side slots need not be read.
      return KeyRefs.compare(ref, image, key, end);
    }
    byte[] a = keyArray(i, ref);
    return a == null
        ? KeyRefs.compare(ref, imageOf(value), key, end)
        : StoreKey.comparePartitionAt(a, keyStart(ref), key, end);
  }

  /**
   * Index of the partition ({@code hash}, first {@code end} bytes of {@code key}): below {@link #n}
   * in the sorted part, from it on among the recent ones; or -(insertion point in the sorted part)
   * - 1. {@code shift} is the directory's: this bucket holds the hashes h with the same h >>>
   * shift.
   *
   * <p>Hashes are spread evenly over the bucket's range, so the search starts where the hash falls
   * in it and widens from there (by 4, 8, 16... places) before a binary search of what is left: a
   * read at a size where nothing stays cached touches one cache line of hashes, not the three or
   * four a binary search of the whole part does. Skewed hashes cost at most twice the steps.
   */
  int find(long hash, byte[] key, int end, int shift) {
    int h = (int) hash;
    int lo = 0;
    int hi = n - 1;
    if (n > 16) {
      int g = (int) (((hash & ((1L << shift) - 1)) * n) >>> shift);
      int c = compareAt(g, h, key, end);
      if (c == 0) {
        return g;
      }
      int step = 4;
      if (c < 0) {
        lo = g + 1;
        for (int p = g + step; p <= hi; p = g + (step <<= 1)) {
          c = compareAt(p, h, key, end);
          if (c == 0) {
            return p;
          } else if (c > 0) {
            hi = p - 1;
            break;
          }
          lo = p + 1;
        }
      } else {
        hi = g - 1;
        for (int p = g - step; p >= lo; p = g - (step <<= 1)) {
          c = compareAt(p, h, key, end);
          if (c == 0) {
            return p;
          } else if (c < 0) {
            lo = p + 1;
            break;
          }
          hi = p - 1;
        }
      }
    }
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = compareAt(mid, h, key, end);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    for (int j = 0; j < m; j++) {
      if (recent.hashes[j] == h && compareKey(n + j, key, end) == 0) {
        return n + j;
      }
    }
    return -(lo + 1);
  }

  /** Compares sorted partition {@code i} with (hash {@code h}, partition key in {@code key}). */
  private int compareAt(int i, int h, byte[] key, int end) {
    int c = Integer.compareUnsigned(hashes[i], h);
    return c != 0 ? c : compareKey(i, key, end);
  }

  /** The first index whose hash is at least {@code hash}; only for a bucket with no recent ones. */
  int firstAtLeast(long hash) {
    int lo = 0;
    int hi = n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (hash(mid) < hash) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Replaces partition {@code i}'s value in place with a version record (which has its own time),
   * keeping its key readable: in the record's image where it holds the key where the value replaced
   * did, else in a side slot. Writer only.
   */
  void replace(int i, Version v) {
    int ref = ref(i);
    if (ref >= 0 && keyArray(i, ref) == null && !keyStaysIn(ref, value(i), v)) {
      byte[] key = key(i);
      if (i >= n) {
        recent.keys[i - n] = key;
      } else {
        if (s.displaced == null) {
          s.displaced = new byte[values.length][];
        }
        s.displaced[i] = key;
      }
    }
    VALUE.setRelease(i < n ? values : recent.values, i < n ? i : i - n, v);
  }

  /**
   * This bucket with a new partition among the recent ones, written in place; null when they are
   * full (insert into {@link #merged()} then). Only for the bucket currently published. {@code key}
   * is the partition's encoded key, alone.
   */
  IndexBucket appending(int hash, byte[] key, Object value, long at, int size) {
    Recent r = recent;
    if (r == null) {
      r = new Recent(2, times());
    } else if (m == RECENT) {
      return null;
    } else if (m == r.hashes.length) {
      r = r.grown(m);
    }
    int ref = value instanceof byte[] image ? KeyRefs.find(image, key, key.length) : -1;
    r.hashes[m] = hash;
    r.refs[m] = ref;
    r.keys[m] = ref >= 0 ? null : key;
    r.values[m] = value;
    if (r.ats != null) {
      r.ats[m] = at;
      r.sizes[m] = size;
    }
    return new IndexBucket(n, s, m + 1, r);
  }

  /** This bucket with its recent partitions merged into the sorted part (itself if none). */
  IndexBucket merged() {
    if (m == 0) {
      return this;
    }
    int[] order = new int[m];
    for (int j = 0; j < m; j++) {
      int x = n + j;
      int at = j;
      while (at > 0 && compare(order[at - 1], x) > 0) {
        order[at] = order[at - 1];
        at--;
      }
      order[at] = x;
    }
    int t = n + m;
    BucketBuild b = new BucketBuild(t, times());
    int i = 0;
    int j = 0;
    while (i < n || j < m) {
      b.copy(this, j == m || (i < n && compare(i, order[j]) < 0) ? i++ : order[j++]);
    }
    return b.bucket();
  }

  private int compare(int x, int y) {
    int c = Long.compare(hash(x), hash(y));
    if (c != 0) {
      return c;
    }
    byte[] k = key(y);
    return compareKey(x, k, k.length);
  }

  /** This bucket (with no recent ones) with partition {@code i}'s value, time and size replaced. */
  IndexBucket with(int i, Object value, long at, int size) {
    int ref = ref(i);
    boolean keyStays =
        ref < 0
            || (keyArray(i, ref) == null
                && value instanceof byte[] image
                && KeyRefs.sameAt(ref, imageOf(values[i]), image));
    long[] w = wide;
    if (keyStays && (w != null || (at - base >= 0 && at - base <= Integer.MAX_VALUE))) {
      // The common case: keys, hashes and packed keys shared, as a restore shares them.
      int[] mt = meta.clone();
      if (uniform) {
        for (int j = 1; j < mt.length; j += SortedPart.STRIDE) {
          mt[j] = 0;
        }
      }
      int x = i * SortedPart.STRIDE;
      if (w != null) {
        w = w.clone();
        w[i] = at;
      } else {
        mt[x + 1] = (int) (at - base);
      }
      mt[x + 2] = size;
      Object[] v = values.clone();
      v[i] = value;
      SortedPart copy = new SortedPart(hashes, mt, packed, v, true, base, w);
      // Same partitions at the same indices: a side slot holds its partition's key in either.
      copy.displaced = s.displaced;
      return new IndexBucket(n, copy, 0, null);
    }
    BucketBuild b = new BucketBuild(n, times());
    for (int j = 0; j < n; j++) {
      if (j == i) {
        b.put(this, j, value, at, size, true);
      } else {
        b.copy(this, j);
      }
    }
    return b.bucket();
  }

  /** This bucket (with no recent ones) without partition {@code i}. */
  IndexBucket removing(int i) {
    BucketBuild b = new BucketBuild(n - 1, times());
    for (int j = 0; j < n; j++) {
      if (j != i) {
        b.copy(this, j);
      }
    }
    return b.bucket();
  }

  /** Partitions [from, to) of this bucket (with no recent ones). */
  IndexBucket slice(int from, int to) {
    BucketBuild b = new BucketBuild(to - from, times());
    for (int j = from; j < to; j++) {
      b.copy(this, j);
    }
    return b.bucket();
  }

  /**
   * This bucket (with no recent ones) as a restore at {@code at} finds it, each item as one version
   * written at {@code now}: key references, image bytes and, where every item is restored, the
   * sorted arrays (but values, which are replaced in place) shared. Hash-only tables; writer only.
   */
  IndexBucket itemsAsOf(long at, long now) {
    Object[] kept = new Object[n];
    int[] keptSizes = new int[n];
    int c = 0;
    boolean same = true;
    for (int j = 0; j < n; j++) {
      Object value = values[j];
      if (value instanceof Version head) {
        Version v = head.asOf(at);
        if (v != null && v.exists()) {
          kept[j] = v.bytes();
          keptSizes[j] = v.size;
        }
        same = false;
      } else if (at(j) <= at) {
        kept[j] = value;
        keptSizes[j] = itemSize(j);
      } else {
        same = false;
      }
      if (kept[j] != null) {
        c++;
      }
    }
    if (same) {
      // Every time is now: the references and sizes are shared, the time offsets not read.
      SortedPart copy = new SortedPart(hashes, meta, packed, kept, true, now, null, true);
      return new IndexBucket(c, copy, 0, null);
    }
    BucketBuild b = new BucketBuild(c, true);
    for (int j = 0; j < n; j++) {
      if (kept[j] != null) {
        b.put(this, j, kept[j], now, keptSizes[j], false);
      }
    }
    return b.bucket();
  }

  /**
   * This bucket (with no recent ones) as a restore at {@code at} finds it, each item as one version
   * written at {@code now}. Composite tables.
   */
  IndexBucket sortKeysAsOf(long at, long now) {
    BucketBuild b = new BucketBuild(n, false);
    for (int j = 0; j < n; j++) {
      ConcurrentSkipListMap<StoreKey, Version> copy = new ConcurrentSkipListMap<>(StoreKey.ORDER);
      for (var e : sortKeys(j).entrySet()) {
        Version version = e.getValue().asOf(at);
        if (version != null && version.exists()) {
          copy.put(e.getKey(), version.alone(now));
        }
      }
      if (!copy.isEmpty()) {
        b.put(this, j, copy, 0, 0, false);
      }
    }
    return b.bucket();
  }

  /** A hash-only table's version at {@code i}, built for a lone live image. */
  Version version(int i) {
    Object v = value(i);
    return v instanceof Version version
        ? version
        : new Version(at(i), (byte[]) v, itemSize(i), null);
  }

  /** The items of a composite table's partition {@code i}. */
  @SuppressWarnings("unchecked")
  ConcurrentSkipListMap<StoreKey, Version> sortKeys(int i) {
    return (ConcurrentSkipListMap<StoreKey, Version>) value(i);
  }

  /** The size of hash-only partition {@code i}'s item as DynamoDB counts it (0 for a delete). */
  int sizeOf(int i) {
    Object v = value(i);
    return v instanceof Version version ? version.size : itemSize(i);
  }
}
