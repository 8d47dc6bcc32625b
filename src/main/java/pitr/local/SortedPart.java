package pitr.local;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The sorted part of an {@link IndexBucket}: parallel arrays in (hash, partition key) order, shared
 * by the buckets that count the same sorted partitions (a bucket with recent inserts, a restored
 * copy). Never changed once published but for a value replaced in place and {@link #displaced},
 * both by the index's one writer.
 *
 * <p>Per partition: its hash (unsigned), its value (a composite table's skip list of sort keys, or
 * a hash-only table's version record or lone image) and, in {@link #meta}, {@value #STRIDE} ints
 * side by side: a {@link KeyRefs} reference to its key (into its image, or into {@link #keys}, the
 * bucket's packed encoded keys) and, for a hash-only table, the lone image's time (an offset from
 * {@link #base}) and size. A point read finds all three in one cache line, where three arrays would
 * cost it three memory reads at a size where nothing stays cached.
 *
 * <p>Point reads search a part straight from the index's directory, which holds each bucket's part
 * beside the bucket (see {@link ItemIndex}), so they read no bucket object on the way.
 */
final class SortedPart {
  /** Ints per partition in {@link #meta}: key reference, time offset, size. */
  static final int STRIDE = 3;

  final int[] hashes;
  final int[] meta;
  final byte[] keys;
  final Object[] values;

  /** Whether lone versions' times and sizes are held (a hash-only table). */
  final boolean times;

  /**
   * Lone versions' times: {@code base} plus the int offset in {@link #meta} where the part's times
   * span less than 2^31 ms (about 24 days), else a long each in {@code wide}.
   */
  final long base;

  final long[] wide;

  /**
   * Whether every lone version's time is {@link #base} and the offsets in {@link #meta} are not
   * read: a restored part, which shares its source's references and sizes.
   */
  final boolean uniform;

  /**
   * Keys of partitions whose image (which held their key) was replaced in place by a version
   * record: written by the writer before it publishes the record, so a reader that sees the record
   * sees the key. Made on the first such replacement.
   */
  byte[][] displaced;

  SortedPart(
      int[] hashes,
      int[] meta,
      byte[] keys,
      Object[] values,
      boolean times,
      long base,
      long[] wide) {
    this(hashes, meta, keys, values, times, base, wide, false);
  }

  SortedPart(
      int[] hashes,
      int[] meta,
      byte[] keys,
      Object[] values,
      boolean times,
      long base,
      long[] wide,
      boolean uniform) {
    this.hashes = hashes;
    this.meta = meta;
    this.keys = keys;
    this.values = values;
    this.times = times;
    this.base = base;
    this.wide = wide;
    this.uniform = uniform;
  }

  private static final VarHandle VALUE = MethodHandles.arrayElementVarHandle(Object[].class);

  /**
   * Index of the partition ({@code hash}, first {@code end} bytes of {@code key}), or -(insertion
   * point) - 1. {@code shift} is the directory's: the part holds hashes h with the same h >>>
   * shift.
   *
   * <p>Hashes are spread evenly over the part's range, so the search starts where the hash falls in
   * it and widens from there (by 4, 8, 16... places) before a binary search of what is left: a read
   * at a size where nothing stays cached touches one cache line of hashes, not the three or four a
   * binary search of the whole part does. Skewed hashes cost at most twice the steps.
   */
  int find(long hash, byte[] key, int end, int shift) {
    int n = hashes.length;
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
    return -(lo + 1);
  }

  /** Compares partition {@code i} with (hash {@code h}, partition key in {@code key}). */
  private int compareAt(int i, int h, byte[] key, int end) {
    int c = Integer.compareUnsigned(hashes[i], h);
    return c != 0 ? c : compareKey(i, key, end);
  }

  /**
   * Compares partition {@code i}'s key with the partition key in the first {@code end} bytes: in
   * its image where its reference points there and the value is that image, else in the packed
   * keys, a side slot ({@link #displaced}, written before the record that needed it was published,
   * so visible once the value read is that record) or the version record's own image.
   */
  int compareKey(int i, byte[] key, int end) {
    int ref = meta[i * STRIDE];
    Object value = value(i);
    if (ref >= 0 && value instanceof byte[] image) {
      return KeyRefs.compare(ref, image, key, end);
    }
    if (ref < 0) {
      return StoreKey.comparePartitionAt(keys, -ref - 1, key, end);
    }
    byte[][] d = displaced;
    byte[] side = d == null ? null : d[i];
    return side != null
        ? StoreKey.comparePartitionAt(side, 0, key, end)
        : KeyRefs.compare(ref, imageOf(value), key, end);
  }

  /**
   * The full image a value holds: a lone image, or a version record's (a record referenced for its
   * key holds one, else its key is in a side slot); null for a tombstone.
   */
  static byte[] imageOf(Object value) {
    return value instanceof byte[] image ? image : ((Version) value).bytes();
  }

  /** Partition {@code i}'s value, read with acquire (a record may replace it in place). */
  Object value(int i) {
    return VALUE.getAcquire(values, i);
  }

  /** Partition {@code i}'s lone image's time. */
  long at(int i) {
    return wide != null ? wide[i] : uniform ? base : base + meta[i * STRIDE + 1];
  }

  /** Partition {@code i}'s lone image's size as DynamoDB counts it. */
  int size(int i) {
    return meta[i * STRIDE + 2];
  }

  /** A hash-only table's version at {@code i}, built for a lone live image. */
  Version version(int i) {
    Object v = value(i);
    return v instanceof Version version ? version : new Version(at(i), (byte[]) v, size(i), null);
  }
}
