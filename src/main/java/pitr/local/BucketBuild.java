package pitr.local;

import java.util.Arrays;

/**
 * Fills the arrays of a new {@link SortedPart} from partitions of existing buckets, packing the
 * keys not held in images, and makes the {@link IndexBucket} that counts them.
 */
final class BucketBuild {
  private static final int X = SortedPart.STRIDE;
  private final int[] h;
  private final int[] mt;
  private final Object[] v;
  private final long[] a;
  private byte[] keys = IndexBucket.NO_KEYS;
  private int used;
  private int c;

  BucketBuild(int capacity, boolean times) {
    h = new int[capacity];
    mt = new int[capacity * X];
    v = new Object[capacity];
    a = times ? new long[capacity] : null;
  }

  /** Partition {@code i} of {@code from} as it is. */
  void copy(IndexBucket from, int i) {
    Object value = from.value(i);
    int ref = from.ref(i);
    byte[] k = from.keyArray(i, ref);
    h[c] = (int) from.hash(i);
    if (k == null) {
      mt[c * X] = ref;
    } else {
      pack(k, IndexBucket.keyStart(ref));
    }
    v[c] = value;
    if (a != null) {
      a[c] = from.at(i);
      mt[c * X + 2] = from.itemSize(i);
    }
    c++;
  }

  /**
   * Partition {@code i} of {@code from} with another value; its key referenced in the value where
   * {@code search} and the value is an image holding it, else packed.
   */
  void put(IndexBucket from, int i, Object value, long at, int size, boolean search) {
    Object old = from.value(i);
    int ref = from.ref(i);
    byte[] k = from.keyArray(i, ref);
    h[c] = (int) from.hash(i);
    if (k == null && value == old) {
      mt[c * X] = ref;
    } else {
      byte[] key = k == null ? from.key(i) : null;
      int found = -1;
      if (search && value instanceof byte[] image) {
        byte[] probe = key != null ? key : from.key(i);
        found = KeyRefs.find(image, probe, probe.length);
      }
      if (found >= 0) {
        mt[c * X] = found;
      } else if (key != null) {
        pack(key, 0);
      } else {
        pack(k, IndexBucket.keyStart(ref));
      }
    }
    v[c] = value;
    if (a != null) {
      a[c] = at;
      mt[c * X + 2] = size;
    }
    c++;
  }

  private void pack(byte[] k, int from) {
    int len = IndexBucket.len(k, from);
    if (used + len > keys.length) {
      keys = Arrays.copyOf(keys, Math.max(used + len, Math.max(64, keys.length * 2)));
    }
    System.arraycopy(k, from, keys, used, len);
    mt[c * X] = -used - 1;
    used += len;
  }

  IndexBucket bucket() {
    byte[] packed =
        used == 0 ? IndexBucket.NO_KEYS : used == keys.length ? keys : Arrays.copyOf(keys, used);
    boolean whole = c == h.length;
    long base = 0;
    long[] wide = null;
    if (a != null) {
      long min = Long.MAX_VALUE;
      long max = Long.MIN_VALUE;
      for (int i = 0; i < c; i++) {
        min = Math.min(min, a[i]);
        max = Math.max(max, a[i]);
      }
      if (c == 0 || (max - min >= 0 && max - min <= Integer.MAX_VALUE)) {
        base = c == 0 ? 0 : min;
        for (int i = 0; i < c; i++) {
          mt[i * X + 1] = (int) (a[i] - base);
        }
      } else {
        wide = whole ? a : Arrays.copyOf(a, c);
      }
    }
    SortedPart built =
        new SortedPart(
            whole ? h : Arrays.copyOf(h, c),
            whole ? mt : Arrays.copyOf(mt, c * X),
            packed,
            whole ? v : Arrays.copyOf(v, c),
            a != null,
            base,
            wide);
    return new IndexBucket(c, built, 0, null);
  }
}
