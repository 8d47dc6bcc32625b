package pitr.local;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 * hash-only table's {@link Version} or, for a lone live version, its image bytes (with {@code ats}
 * and {@code sizes}).
 */
final class IndexBucket {
  /** Partitions inserted since the sorted part was last rebuilt, at most. */
  static final int RECENT = 8;

  private static final VarHandle VALUE = MethodHandles.arrayElementVarHandle(Object[].class);

  /** Sorted partitions. */
  final int n;

  private final int[] hashes;
  private final byte[][] keys;
  private final Object[] values;
  private final long[] ats;
  private final int[] sizes;

  /** Recent partitions counted by this bucket, in {@link #recent}'s first slots. */
  private final int m;

  private final Recent recent;

  /** Slots for recent inserts, filled in order and shared by the buckets that count them. */
  private static final class Recent {
    final int[] hashes = new int[RECENT];
    final byte[][] keys = new byte[RECENT][];
    final Object[] values = new Object[RECENT];
    final long[] ats;
    final int[] sizes;

    Recent(boolean times) {
      ats = times ? new long[RECENT] : null;
      sizes = times ? new int[RECENT] : null;
    }
  }

  /** An empty bucket; {@code times} for a hash-only table, whose lone versions keep them here. */
  IndexBucket(boolean times) {
    this(0, new int[0], new byte[0][], new Object[0], times ? new long[0] : null, null);
  }

  private IndexBucket(
      int n, int[] hashes, byte[][] keys, Object[] values, long[] ats, int[] sizes) {
    this(n, hashes, keys, values, ats, sizes, 0, null);
  }

  private IndexBucket(
      int n,
      int[] hashes,
      byte[][] keys,
      Object[] values,
      long[] ats,
      int[] sizes,
      int m,
      Recent recent) {
    this.n = n;
    this.hashes = hashes;
    this.keys = keys;
    this.values = values;
    this.ats = ats;
    this.sizes = ats == null ? null : sizes == null ? new int[n] : sizes;
    this.m = m;
    this.recent = recent;
  }

  /** Partitions held, sorted and recent. */
  int size() {
    return n + m;
  }

  long hash(int i) {
    return Integer.toUnsignedLong(i < n ? hashes[i] : recent.hashes[i - n]);
  }

  byte[] key(int i) {
    return i < n ? keys[i] : recent.keys[i - n];
  }

  private Object value(int i) {
    return i < n ? VALUE.getAcquire(values, i) : VALUE.getAcquire(recent.values, i - n);
  }

  private long at(int i) {
    return i < n ? ats[i] : recent.ats[i - n];
  }

  private int itemSize(int i) {
    return i < n ? sizes[i] : recent.sizes[i - n];
  }

  /**
   * Index of the partition ({@code hash}, first {@code end} bytes of {@code key}): below {@link #n}
   * in the sorted part, from it on among the recent ones; or -(insertion point in the sorted part)
   * - 1.
   */
  int find(long hash, byte[] key, int end) {
    int lo = 0;
    int hi = n - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = Long.compare(hash(mid), hash);
      if (c == 0) {
        byte[] k = keys[mid];
        c = k == key ? 0 : StoreKey.comparePartitions(k, k.length, key, end);
      }
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    for (int j = 0; j < m; j++) {
      if (recent.hashes[j] == (int) hash) {
        byte[] k = recent.keys[j];
        if (k == key || StoreKey.comparePartitions(k, k.length, key, end) == 0) {
          return n + j;
        }
      }
    }
    return -(lo + 1);
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
   * Replaces partition {@code i}'s value in place with a version record (which has its own time).
   */
  void replace(int i, Version v) {
    if (i < n) {
      VALUE.setRelease(values, i, v);
    } else {
      VALUE.setRelease(recent.values, i - n, v);
    }
  }

  /**
   * This bucket with a new partition among the recent ones, written in place; null when they are
   * full (insert into {@link #merged()} then). Only for the bucket currently published.
   */
  IndexBucket appending(int hash, byte[] key, Object value, long at, int size) {
    Recent r = recent;
    if (r == null) {
      r = new Recent(ats != null);
    } else if (m == RECENT) {
      return null;
    }
    r.hashes[m] = hash;
    r.keys[m] = key;
    r.values[m] = value;
    if (r.ats != null) {
      r.ats[m] = at;
      r.sizes[m] = size;
    }
    return new IndexBucket(n, hashes, keys, values, ats, sizes, m + 1, r);
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
    int[] h = new int[t];
    byte[][] k = new byte[t][];
    Object[] v = new Object[t];
    long[] a = ats == null ? null : new long[t];
    int[] s = ats == null ? null : new int[t];
    int i = 0;
    int j = 0;
    for (int to = 0; to < t; to++) {
      int from = j == m || (i < n && compare(i, order[j]) < 0) ? i++ : order[j++];
      h[to] = (int) hash(from);
      k[to] = key(from);
      v[to] = value(from);
      if (a != null) {
        a[to] = at(from);
        s[to] = itemSize(from);
      }
    }
    return new IndexBucket(t, h, k, v, a, s);
  }

  private int compare(int x, int y) {
    int c = Long.compare(hash(x), hash(y));
    if (c != 0) {
      return c;
    }
    byte[] a = key(x);
    byte[] b = key(y);
    return StoreKey.comparePartitions(a, a.length, b, b.length);
  }

  /** This bucket (with no recent ones) with partition {@code i}'s value, time and size replaced. */
  IndexBucket with(int i, Object value, long at, int size) {
    Object[] v = values.clone();
    v[i] = value;
    long[] a = ats;
    int[] s = sizes;
    if (a != null) {
      a = a.clone();
      s = s.clone();
      a[i] = at;
      s[i] = size;
    }
    return new IndexBucket(n, hashes, keys, v, a, s);
  }

  /** This bucket (with no recent ones) without partition {@code i}. */
  IndexBucket removing(int i) {
    int[] h = new int[n - 1];
    byte[][] k = new byte[n - 1][];
    Object[] v = new Object[n - 1];
    long[] a = ats == null ? null : new long[n - 1];
    int[] s = ats == null ? null : new int[n - 1];
    copy(0, h, k, v, a, s, 0, i);
    copy(i + 1, h, k, v, a, s, i, n - i - 1);
    return new IndexBucket(n - 1, h, k, v, a, s);
  }

  /** Partitions [from, to) of this bucket (with no recent ones). */
  IndexBucket slice(int from, int to) {
    int c = to - from;
    int[] h = new int[c];
    byte[][] k = new byte[c][];
    Object[] v = new Object[c];
    long[] a = ats == null ? null : new long[c];
    int[] s = ats == null ? null : new int[c];
    copy(from, h, k, v, a, s, 0, c);
    return new IndexBucket(c, h, k, v, a, s);
  }

  private void copy(int from, int[] h, byte[][] k, Object[] v, long[] a, int[] s, int to, int c) {
    System.arraycopy(hashes, from, h, to, c);
    System.arraycopy(keys, from, k, to, c);
    System.arraycopy(values, from, v, to, c);
    if (a != null) {
      System.arraycopy(ats, from, a, to, c);
      System.arraycopy(sizes, from, s, to, c);
    }
  }

  /**
   * This bucket (with no recent ones) as a restore at {@code at} finds it, each item as one version
   * written at {@code now}: keys, image bytes and, where every item is restored, the sorted arrays
   * (but values, which are replaced in place) shared. Hash-only tables.
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
      } else if (ats[j] <= at) {
        kept[j] = value;
        keptSizes[j] = sizes[j];
      } else {
        same = false;
      }
      if (kept[j] != null) {
        c++;
      }
    }
    long[] times = new long[c];
    java.util.Arrays.fill(times, now);
    if (same) {
      return new IndexBucket(c, hashes, keys, kept, times, sizes);
    }
    int[] h = new int[c];
    byte[][] k = new byte[c][];
    Object[] v = new Object[c];
    int[] s = new int[c];
    int to = 0;
    for (int j = 0; j < n; j++) {
      if (kept[j] != null) {
        h[to] = hashes[j];
        k[to] = keys[j];
        v[to] = kept[j];
        s[to] = keptSizes[j];
        to++;
      }
    }
    return new IndexBucket(c, h, k, v, times, s);
  }

  /**
   * This bucket (with no recent ones) as a restore at {@code at} finds it, each item as one version
   * written at {@code now}, keys shared. Composite tables.
   */
  IndexBucket sortKeysAsOf(long at, long now) {
    int[] h = new int[n];
    byte[][] k = new byte[n][];
    Object[] v = new Object[n];
    int c = 0;
    for (int j = 0; j < n; j++) {
      ConcurrentSkipListMap<StoreKey, Version> copy = new ConcurrentSkipListMap<>(StoreKey.ORDER);
      for (var e : sortKeys(j).entrySet()) {
        Version version = e.getValue().asOf(at);
        if (version != null && version.exists()) {
          copy.put(e.getKey(), version.alone(now));
        }
      }
      if (!copy.isEmpty()) {
        h[c] = hashes[j];
        k[c] = keys[j];
        v[c] = copy;
        c++;
      }
    }
    return new IndexBucket(c, h, k, v, null, null);
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
