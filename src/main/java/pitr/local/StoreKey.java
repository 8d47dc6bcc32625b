package pitr.local;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.zip.CRC32;
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
record StoreKey(
    long hash, AttributeValue partition, AttributeValue sort, int bound, StoreKey tiebreak) {

  static final long HASH_SPACE = 1L << 32;

  static StoreKey of(AttributeValue partition, AttributeValue sort) {
    return new StoreKey(hashOf(partition), partition, sort, 0, null);
  }

  static StoreKey indexEntry(AttributeValue partition, AttributeValue sort, StoreKey tableKey) {
    return new StoreKey(hashOf(partition), partition, sort, 0, tableKey);
  }

  /** Bound before every key of the partition. */
  static StoreKey partitionStart(AttributeValue partition) {
    return new StoreKey(hashOf(partition), partition, null, -1, null);
  }

  /** Bound after every key of the partition. */
  static StoreKey partitionEnd(AttributeValue partition) {
    return new StoreKey(hashOf(partition), partition, null, 1, null);
  }

  /** Bound before every key whose hash is at least {@code hash}. */
  static StoreKey hashStart(long hash) {
    return new StoreKey(hash, null, null, -1, null);
  }

  /** The first hash of parallel-scan segment {@code segment} out of {@code total}. */
  static long segmentStart(int segment, int total) {
    return (segment * HASH_SPACE + total - 1) / total;
  }

  static long hashOf(AttributeValue partition) {
    CRC32 crc = new CRC32();
    switch (partition.type()) {
      case S -> crc.update(partition.s().getBytes(StandardCharsets.UTF_8));
      case N -> crc.update(partition.n().getBytes(StandardCharsets.US_ASCII));
      case B -> crc.update(partition.b().asByteArrayUnsafe());
      default -> throw new IllegalArgumentException("not a key type: " + partition.type());
    }
    // Spread CRC's weak low bits so segments of small tables are balanced.
    long h = crc.getValue() * 0x9E3779B1L;
    return (h ^ (h >>> 32)) & 0xFFFFFFFFL;
  }

  static final Comparator<StoreKey> ORDER = StoreKey::compare;

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
