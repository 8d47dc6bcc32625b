package pitr.local;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import pitr.local.expr.AttributeValues;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Position of an item (or index entry) in a table's ordered store: partition-key hash first, so a
 * parallel scan's segments are contiguous ranges, then partition key, then sort key.
 *
 * <p>The key values are held as one small byte array (a type tag, then each value's bytes in an
 * order-preserving form: strings so that unsigned byte order is DynamoDB's UTF-8 order, numbers as
 * canonical text, binaries as they are), about a hundred bytes less per item than SDK values;
 * {@link #partition()} and {@link #sort()} decode them on demand.
 */
public final class StoreKey {

  public static final long HASH_SPACE = 1L << 32;

  private static final byte S = 'S';
  private static final byte N = 'N';
  private static final byte B = 'B';

  /** Unsigned 32-bit hash of the partition key (2^32 for the bound after every key). */
  private final long hash;

  /** -1 or +1 for bounds before or after every sort key of the partition; 0 for real keys. */
  private final byte bound;

  /**
   * Partition tag, length (varint) and bytes, then, if there is a sort key, its tag and bytes; null
   * for a hash bound.
   */
  private final byte[] key;

  /** For index entries, the base table's key; null in the base table. */
  private final StoreKey tiebreak;

  private StoreKey(long hash, byte[] key, int bound, StoreKey tiebreak) {
    this.hash = hash;
    this.key = key;
    this.bound = (byte) bound;
    this.tiebreak = tiebreak;
  }

  private StoreKey(
      long hash, AttributeValue partition, AttributeValue sort, int bound, StoreKey tb) {
    this(hash, partition == null ? null : encode(partition, sort), bound, tb);
  }

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
    return new StoreKey(hash, (byte[]) null, -1, null);
  }

  /** A table key held by an {@link ItemIndex}: its hash and its encoded bytes, shared. */
  static StoreKey stored(long hash, byte[] key) {
    return new StoreKey(hash, key, 0, null);
  }

  /** The encoded key (shared: callers must not change it); null for a hash bound. */
  byte[] bytes() {
    return key;
  }

  /**
   * How many of {@link #bytes()} encode the partition key (all of them where there is no sort key).
   */
  int partitionLength() {
    return partitionEnd();
  }

  /**
   * Compares the partition keys encoded in the first {@code aEnd} and {@code bEnd} bytes of two
   * encoded keys, as {@link #ORDER} does once their hashes are equal.
   */
  static int comparePartitions(byte[] a, int aEnd, byte[] b, int bEnd) {
    return compareValues(a[0], a, dataStart(a), aEnd, b[0], b, dataStart(b), bEnd);
  }

  /**
   * Compares the partition key encoded at {@code aFrom} of {@code a} (tag, length, bytes, as {@link
   * #bytes()} starts) with the one in the first {@code bEnd} bytes of encoded key {@code b}.
   */
  static int comparePartitionAt(byte[] a, int aFrom, byte[] b, int bEnd) {
    int start = dataStart(a, aFrom);
    return compareValues(
        a[aFrom], a, start, start + dataLength(a, aFrom), b[0], b, dataStart(b), bEnd);
  }

  /**
   * Compares a raw key value ({@code tag}, bytes [{@code from}, {@code to}) of {@code a}) with the
   * partition key in the first {@code bEnd} bytes of encoded key {@code b}.
   */
  static int compareValueTo(byte tag, byte[] a, int from, int to, byte[] b, int bEnd) {
    return compareValues(tag, a, from, to, b[0], b, dataStart(b), bEnd);
  }

  /** How many bytes the partition key encoded at {@code from} of {@code a} takes. */
  static int encodedLength(byte[] a, int from) {
    return dataStart(a, from) - from + dataLength(a, from);
  }

  /** Where the value bytes of the partition key encoded at {@code from} of {@code a} begin. */
  static int dataStart(byte[] a, int from) {
    int at = from + 1;
    while (a[at] < 0) {
      at++;
    }
    return at + 1;
  }

  private static int dataLength(byte[] a, int from) {
    int v = 0;
    int shift = 0;
    int at = from + 1;
    while (true) {
      byte x = a[at++];
      v |= (x & 0x7F) << shift;
      if (x >= 0) {
        return v;
      }
      shift += 7;
    }
  }

  /**
   * Writes the encoded partition key of raw value {@code tag}, bytes [{@code from}, {@code to}) of
   * {@code src} into {@code out} at {@code at}; returns where it ends. {@code out} needs {@code to
   * - from + 4} bytes from {@code at}.
   */
  static int encodePartition(byte tag, byte[] src, int from, int to, byte[] out, int at) {
    out[at++] = tag;
    int v = to - from;
    while ((v & ~0x7F) != 0) {
      out[at++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out[at++] = (byte) v;
    System.arraycopy(src, from, out, at, to - from);
    return at + to - from;
  }

  /** Unsigned 32-bit hash of the partition key. */
  public long hash() {
    return hash;
  }

  /** -1 or +1 for search bounds before or after every sort key of the partition; 0 for keys. */
  public int bound() {
    return bound;
  }

  /** For index entries, the base table's key; null in the base table. */
  public StoreKey tiebreak() {
    return tiebreak;
  }

  /** The normalised partition-key value (decoded afresh), or null for a hash bound. */
  public AttributeValue partition() {
    return key == null ? null : decode(key[0], key, partitionData(), partitionEnd());
  }

  /** The normalised sort-key value (decoded afresh), or null where there is none. */
  public AttributeValue sort() {
    int at = key == null ? 0 : partitionEnd();
    return key == null || at == key.length ? null : decode(key[at], key, at + 1, key.length);
  }

  /** Where the partition's part of {@link #key} ends (and the sort key's tag begins). */
  private int partitionEnd() {
    int v = 0;
    int shift = 0;
    int at = 1;
    while (true) {
      byte x = key[at++];
      v |= (x & 0x7F) << shift;
      if (x >= 0) {
        return at + v;
      }
      shift += 7;
    }
  }

  /** Where the partition value's bytes begin, after its tag and length. */
  private int partitionData() {
    return dataStart(key);
  }

  private static int dataStart(byte[] key) {
    return dataStart(key, 0);
  }

  private static byte[] encode(AttributeValue partition, AttributeValue sort) {
    byte[] p = valueBytes(partition);
    byte[] s = sort == null ? null : valueBytes(sort);
    int lenBytes = p.length < 0x80 ? 1 : p.length < 0x4000 ? 2 : 3;
    byte[] out = new byte[1 + lenBytes + p.length + (s == null ? 0 : 1 + s.length)];
    int at = 0;
    out[at++] = tag(partition);
    int v = p.length;
    while ((v & ~0x7F) != 0) {
      out[at++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out[at++] = (byte) v;
    System.arraycopy(p, 0, out, at, p.length);
    at += p.length;
    if (s != null) {
      out[at++] = tag(sort);
      System.arraycopy(s, 0, out, at, s.length);
    }
    return out;
  }

  private static byte tag(AttributeValue v) {
    return switch (v.type()) {
      case S -> S;
      case N -> N;
      case B -> B;
      default -> throw new IllegalArgumentException("not a key type: " + v.type());
    };
  }

  private static byte[] valueBytes(AttributeValue v) {
    return switch (v.type()) {
      case S -> orderedChars(v.s());
      case N -> v.n().getBytes(StandardCharsets.ISO_8859_1);
      case B -> v.b().asByteArrayUnsafe();
      default -> throw new IllegalArgumentException("not a key type: " + v.type());
    };
  }

  /**
   * A string's chars so that unsigned byte order is code-point (UTF-8) order, lone surrogates kept:
   * ASCII as one byte, any other char as three bytes (0x80 + the top two bits, then two groups of
   * seven) of its code-point-order rank ({@link AttributeValues#compareUtf8}'s).
   */
  private static byte[] orderedChars(String s) {
    int n = s.length();
    int size = n;
    for (int i = 0; i < n; i++) {
      if (s.charAt(i) >= 0x80) {
        size += 2;
      }
    }
    byte[] out = new byte[size];
    int at = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        out[at++] = (byte) c;
      } else {
        int r = c >= 0xD800 ? (c >= 0xE000 ? c - 0x800 : c + 0x2000) : c;
        out[at++] = (byte) (0x80 | (r >>> 14));
        out[at++] = (byte) ((r >>> 7) & 0x7F);
        out[at++] = (byte) (r & 0x7F);
      }
    }
    return out;
  }

  private static String fromOrderedChars(byte[] b, int from, int to) {
    StringBuilder out = new StringBuilder(to - from);
    int i = from;
    while (i < to) {
      int x = b[i] & 0xFF;
      if (x < 0x80) {
        out.append((char) x);
        i++;
      } else {
        int r = ((x & 0x03) << 14) | ((b[i + 1] & 0x7F) << 7) | (b[i + 2] & 0x7F);
        int c = r >= 0xD800 ? (r >= 0xF800 ? r - 0x2000 : r + 0x800) : r;
        out.append((char) c);
        i += 3;
      }
    }
    return out.toString();
  }

  private static AttributeValue decode(byte tag, byte[] k, int start, int to) {
    if (tag == N) {
      return AttributeValue.fromN(new String(k, start, to - start, StandardCharsets.ISO_8859_1));
    }
    if (tag == S) {
      return AttributeValue.fromS(fromOrderedChars(k, start, to));
    }
    return AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(Arrays.copyOfRange(k, start, to)));
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
        && Arrays.equals(k.key, key)
        && java.util.Objects.equals(k.tiebreak, tiebreak);
  }

  @Override
  public String toString() {
    return "StoreKey[hash="
        + hash()
        + ", partition="
        + partition()
        + ", sort="
        + sort()
        + ", bound="
        + bound
        + ", tiebreak="
        + tiebreak
        + "]";
  }

  public static final Comparator<StoreKey> ORDER = StoreKey::compare;

  private static int compare(StoreKey a, StoreKey b) {
    int c = Long.compare(a.hash, b.hash);
    if (c != 0) {
      return c;
    }
    if (a.key == null || b.key == null) {
      return Integer.compare(a.key == null ? a.bound : 0, b.key == null ? b.bound : 0);
    }
    int aEnd = a.partitionEnd();
    int bEnd = b.partitionEnd();
    c =
        compareValues(
            a.key[0], a.key, a.partitionData(), aEnd, b.key[0], b.key, b.partitionData(), bEnd);
    if (c != 0) {
      return c;
    }
    if (a.bound != 0 || b.bound != 0) {
      return Integer.compare(a.bound, b.bound);
    }
    if (aEnd < a.key.length && bEnd < b.key.length) {
      c =
          compareValues(
              a.key[aEnd],
              a.key,
              aEnd + 1,
              a.key.length,
              b.key[bEnd],
              b.key,
              bEnd + 1,
              b.key.length);
      if (c != 0) {
        return c;
      }
    }
    if (a.tiebreak != null && b.tiebreak != null) {
      return compare(a.tiebreak, b.tiebreak);
    }
    return 0;
  }

  /** Compares two encoded values, as {@link AttributeValues#compare} would. */
  private static int compareValues(
      byte aTag, byte[] a, int aFrom, int aTo, byte bTag, byte[] b, int bFrom, int bTo) {
    if (aTag != bTag) {
      throw new IllegalArgumentException("cannot compare " + (char) aTag + " with " + (char) bTag);
    }
    int c = Arrays.compareUnsigned(a, aFrom, aTo, b, bFrom, bTo);
    if (c == 0 || aTag != N) {
      return c;
    }
    return new BigDecimal(new String(a, aFrom, aTo - aFrom, StandardCharsets.ISO_8859_1))
        .compareTo(new BigDecimal(new String(b, bFrom, bTo - bFrom, StandardCharsets.ISO_8859_1)));
  }
}
