package pitr.local;

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
}
