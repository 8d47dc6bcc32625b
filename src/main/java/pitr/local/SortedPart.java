package pitr.local;

/**
 * The sorted part of an {@link IndexBucket}: parallel arrays in (hash, partition key) order, shared
 * by the buckets that count the same sorted partitions (a bucket with recent inserts, a restored
 * copy). Never changed once published but for a value replaced in place and {@link #displaced},
 * both by the index's one writer.
 *
 * <p>Per partition: its hash (unsigned), a {@link KeyRefs} reference to its key (into its image, or
 * into {@link #keys}, the bucket's packed encoded keys), its value (a composite table's skip list
 * of sort keys, or a hash-only table's version record or lone image) and, for a hash-only table,
 * the lone image's time and size.
 */
final class SortedPart {
  final int[] hashes;
  final int[] refs;
  final byte[] keys;
  final Object[] values;

  /**
   * Lone versions' times: {@code base} plus an int offset each where the part's times span less
   * than 2^31 ms (about 24 days), else a long each in {@code wide}. Null both for composite tables.
   */
  final long base;

  final int[] offsets;
  final long[] wide;

  /** Lone versions' sizes as DynamoDB counts them; null for composite tables. */
  final int[] sizes;

  /**
   * Keys of partitions whose image (which held their key) was replaced in place by a version
   * record: written by the writer before it publishes the record, so a reader that sees the record
   * sees the key. Made on the first such replacement.
   */
  byte[][] displaced;

  SortedPart(
      int[] hashes,
      int[] refs,
      byte[] keys,
      Object[] values,
      long base,
      int[] offsets,
      long[] wide,
      int[] sizes) {
    this.hashes = hashes;
    this.refs = refs;
    this.keys = keys;
    this.values = values;
    this.base = base;
    this.offsets = offsets;
    this.wide = wide;
    this.sizes = sizes;
  }

  /** Partition {@code i}'s lone version's time. */
  long at(int i) {
    return wide != null ? wide[i] : base + offsets[i];
  }
}
