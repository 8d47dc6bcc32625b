package pitr.local;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import pitr.local.expr.AttributeValues;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Position of an item (or index entry) in a table's ordered store: partition-key hash first, so a
 * parallel scan's segments are contiguous ranges, then partition key, then sort key.
 *
 * @param hash unsigned 32-bit hash of the partition key
 * @param partition the normalised partition-key value
 * @param sort the normalised sort-key value, or null for tables without one
 * @param bound -1 or +1 for search bounds that sort before or after every sort key of the
 *     partition; 0 for real keys
 * @param tiebreak for index entries, the base table's key, so entries sharing index keys stay
 *     distinct; null in the base table
 */
public record StoreKey(
    long hash, AttributeValue partition, AttributeValue sort, int bound, StoreKey tiebreak) {

  public static final long HASH_SPACE = 1L << 32;

  public static StoreKey of(AttributeValue partition, AttributeValue sort) {
    return new StoreKey(hashOf(partition), partition, sort, 0, null);
  }

  public static StoreKey indexEntry(
      AttributeValue partition, AttributeValue sort, StoreKey tableKey) {
    return new StoreKey(hashOf(partition), partition, sort, 0, tableKey);
  }

  /** Bound before every key of the partition. */
  public static StoreKey partitionStart(AttributeValue partition) {
    return new StoreKey(hashOf(partition), partition, null, -1, null);
  }

  /** Bound after every key of the partition. */
  public static StoreKey partitionEnd(AttributeValue partition) {
    return new StoreKey(hashOf(partition), partition, null, 1, null);
  }

  /** Bound before every key whose hash is at least {@code hash}. */
  public static StoreKey hashStart(long hash) {
    return new StoreKey(hash, null, null, -1, null);
  }

  /** The first hash of parallel-scan segment {@code segment} out of {@code total}. */
  public static long segmentStart(int segment, int total) {
    return (segment * HASH_SPACE + total - 1) / total;
  }

  /**
   * FNV-1a over the key's bytes (UTF-8 for strings, canonical text for numbers), finished with a
   * multiplicative mix so that similar keys spread evenly across parallel-scan segments.
   */
  public static long hashOf(AttributeValue partition) {
    long h = 0xcbf29ce484222325L;
    switch (partition.type()) {
      case S -> {
        String s = partition.s();
        if (isAscii(s)) {
          // ASCII is its own UTF-8: hash the chars without allocating an encoded copy.
          for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * 0x100000001b3L;
          }
        } else {
          h = fnv(h, s.getBytes(StandardCharsets.UTF_8));
        }
      }
      case N -> {
        String n = partition.n();
        for (int i = 0; i < n.length(); i++) {
          h = (h ^ n.charAt(i)) * 0x100000001b3L;
        }
      }
      case B -> h = fnv(h, partition.b().asByteArrayUnsafe());
      default -> throw new IllegalArgumentException("not a key type: " + partition.type());
    }
    h *= 0x9E3779B97F4A7C15L;
    return (h ^ (h >>> 32)) & 0xFFFFFFFFL;
  }

  private static long fnv(long h, byte[] bytes) {
    for (byte b : bytes) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    return h;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** The key hash already computed, rather than hashing every attribute value again. */
  @Override
  public int hashCode() {
    return Long.hashCode(hash) * 31 + bound;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoreKey k
        && k.hash == hash
        && k.bound == bound
        && java.util.Objects.equals(k.partition, partition)
        && java.util.Objects.equals(k.sort, sort)
        && java.util.Objects.equals(k.tiebreak, tiebreak);
  }

  public static final Comparator<StoreKey> ORDER = StoreKey::compare;

  private static int compare(StoreKey a, StoreKey b) {
    int c = Long.compare(a.hash, b.hash);
    if (c != 0) {
      return c;
    }
    if (a.partition == null || b.partition == null) {
      return Integer.compare(a.partition == null ? a.bound : 0, b.partition == null ? b.bound : 0);
    }
    c = AttributeValues.compare(a.partition, b.partition);
    if (c != 0) {
      return c;
    }
    if (a.bound != 0 || b.bound != 0) {
      return Integer.compare(a.bound, b.bound);
    }
    if (a.sort != null && b.sort != null) {
      c = AttributeValues.compare(a.sort, b.sort);
      if (c != 0) {
        return c;
      }
    }
    if (a.tiebreak != null && b.tiebreak != null) {
      return compare(a.tiebreak, b.tiebreak);
    }
    return 0;
  }
}
