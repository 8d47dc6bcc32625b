package pitr.local;

import java.util.Arrays;

/**
 * Where an {@link IndexBucket} finds a partition's key: a reference into the item's own image bytes
 * where they hold the key value's bytes verbatim (so the key is held once), else an offset into the
 * bucket's packed key bytes.
 *
 * <p>A reference is an int: at least 0 for a run of the image, as its offset (17 bits), length (12
 * bits) and key type (2 bits); below 0 for the packed encoded key starting at {@code -ref - 1}. The
 * image is searched for the key value's bytes wherever they are, not parsed: any run of equal bytes
 * is the key's value, so this holds whatever the image's encoding is, and an image without such a
 * run (a number written in another form, a string with characters the key encodes otherwise) keeps
 * its key in the packed bytes.
 */
final class KeyRefs {
  private static final byte[] TAGS = {'S', 'N', 'B'};
  private static final int LENGTH_BITS = 12;
  private static final int OFFSET_LIMIT = 1 << 17;

  private KeyRefs() {}

  /**
   * A reference to the partition key in the first {@code end} bytes of encoded key {@code key}
   * within {@code image}, or -1 where the image holds no such run within reach.
   */
  static int find(byte[] image, byte[] key, int end) {
    int from = StoreKey.dataStart(key, 0);
    int len = end - from;
    int code = key[0] == 'S' ? 0 : key[0] == 'N' ? 1 : 2;
    if (len <= 0 || len >= 1 << LENGTH_BITS) {
      return -1;
    }
    byte first = key[from];
    int last = Math.min(image.length - len, OFFSET_LIMIT - 1);
    for (int o = 0; o <= last; o++) {
      if (image[o] == first && Arrays.equals(image, o, o + len, key, from, end)) {
        return (o << (LENGTH_BITS + 2)) | (len << 2) | code;
      }
    }
    return -1;
  }

  private static int offset(int ref) {
    return ref >>> (LENGTH_BITS + 2);
  }

  private static int length(int ref) {
    return (ref >>> 2) & ((1 << LENGTH_BITS) - 1);
  }

  /**
   * Compares the key referenced in {@code image} with the partition key in the first {@code end}
   * bytes of encoded key {@code key}, as {@link StoreKey#ORDER} does.
   */
  static int compare(int ref, byte[] image, byte[] key, int end) {
    int o = offset(ref);
    return StoreKey.compareValueTo(TAGS[ref & 3], image, o, o + length(ref), key, end);
  }

  /** Whether {@code image} holds the key referenced in {@code old} at the same place. */
  static boolean sameAt(int ref, byte[] old, byte[] image) {
    int o = offset(ref);
    int end = o + length(ref);
    return end <= image.length && Arrays.equals(old, o, end, image, o, end);
  }

  /** Bytes the encoded key referenced takes at most (type, length, value). */
  static int encodedRoom(int ref) {
    return length(ref) + 3;
  }

  /** Writes the encoded key referenced in {@code image} into {@code out} at {@code at}. */
  static int encode(int ref, byte[] image, byte[] out, int at) {
    int o = offset(ref);
    return StoreKey.encodePartition(TAGS[ref & 3], image, o, o + length(ref), out, at);
  }
}
