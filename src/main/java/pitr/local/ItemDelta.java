package pitr.local;

import java.util.Arrays;

/**
 * A superseded item version held as a reverse delta: the recipe that rebuilds its exact {@link
 * ItemBytes} encoding from the encoding of the version that replaced it. The recipe copies byte
 * ranges of that newer encoding (the attributes the write left as they were) and spells out the
 * rest (attributes it changed or removed, and the attribute count), so a version that differs from
 * its successor by one small attribute costs a few bytes beyond that attribute.
 *
 * <p>Layout: the rebuilt length as an unsigned varint, then operations up to the end: a varint
 * {@code x}; odd {@code x} is a literal of {@code x >>> 1} bytes that follow; even {@code x} copies
 * {@code varint} bytes of the newer encoding from offset {@code x >>> 1}.
 */
final class ItemDelta {
  private ItemDelta() {}

  /**
   * The delta that rebuilds {@code older} from {@code newer} (both full encodings), or null when it
   * would not be smaller than {@code older} itself.
   */
  static byte[] diff(byte[] older, byte[] newer) {
    int[] ob = ItemBytes.attributeBounds(older);
    int[] nb = ItemBytes.attributeBounds(newer);
    Out out = new Out(older.length);
    out.varint(older.length);
    // Pending operation: a literal of older[litFrom, litTo) or a copy of newer[copyFrom, copyTo).
    int litFrom = 0;
    int litTo = ob[0];
    int copyFrom = -1;
    int copyTo = -1;
    if (Arrays.equals(older, 0, ob[0], newer, 0, nb[0])) {
      copyFrom = 0; // the same attribute count: copied with the attributes that follow it
      copyTo = nb[0];
    }
    int next = 0;
    for (int i = 0; i + 1 < ob.length; i++) {
      int from = ob[i];
      int len = ob[i + 1] - from;
      int j = match(older, from, len, newer, nb, next);
      if (j < 0) {
        if (copyFrom >= 0) {
          out.copy(copyFrom, copyTo - copyFrom);
          copyFrom = -1;
          litFrom = from;
        }
        litTo = from + len;
      } else {
        next = j + 1;
        if (copyFrom >= 0 && copyTo == nb[j]) {
          copyTo = nb[j + 1];
        } else {
          if (copyFrom >= 0) {
            out.copy(copyFrom, copyTo - copyFrom);
          } else {
            out.literal(older, litFrom, litTo - litFrom);
          }
          copyFrom = nb[j];
          copyTo = nb[j + 1];
        }
      }
      if (out.pos >= older.length) {
        return null;
      }
    }
    if (copyFrom >= 0) {
      out.copy(copyFrom, copyTo - copyFrom);
    } else {
      out.literal(older, litFrom, litTo - litFrom);
    }
    return out.pos < older.length ? out.written() : null;
  }

  /**
   * The attribute of {@code newer} byte for byte equal to {@code older[from, from + len)}, or -1;
   * tried first at {@code hint}, where it is when the write kept the attributes' order.
   */
  private static int match(byte[] older, int from, int len, byte[] newer, int[] nb, int hint) {
    int n = nb.length - 1;
    for (int k = 0; k < n; k++) {
      int j = hint + k < n ? hint + k : hint + k - n;
      if (nb[j + 1] - nb[j] == len
          && Arrays.equals(older, from, from + len, newer, nb[j], nb[j + 1])) {
        return j;
      }
    }
    return -1;
  }

  /** Rebuilds the full encoding a delta describes from its successor's full encoding. */
  static byte[] apply(byte[] delta, byte[] newer) {
    int pos = 0;
    byte[] out = new byte[ItemBytes.varintAt(delta, pos)];
    pos = ItemBytes.skipVarint(delta, pos);
    int o = 0;
    while (pos < delta.length) {
      int x = ItemBytes.varintAt(delta, pos);
      pos = ItemBytes.skipVarint(delta, pos);
      if ((x & 1) == 1) {
        int len = x >>> 1;
        System.arraycopy(delta, pos, out, o, len);
        pos += len;
        o += len;
      } else {
        int len = ItemBytes.varintAt(delta, pos);
        pos = ItemBytes.skipVarint(delta, pos);
        System.arraycopy(newer, x >>> 1, out, o, len);
        o += len;
      }
    }
    if (o != out.length) {
      throw new IllegalStateException("corrupt item delta: rebuilt " + o + " of " + out.length);
    }
    return out;
  }

  /**
   * A tail record: a superseded version with nothing older, held by its successor in place of a
   * version object. Its age (the successor's instant minus its own) and size as unsigned varints,
   * then its delta.
   */
  static byte[] tail(long age, int size, byte[] delta) {
    Out out = new Out(delta.length + 8);
    out.varlong(age);
    out.varint(size);
    out.bytes(delta, 0, delta.length);
    return out.written();
  }

  /** The age a tail record holds. */
  static long tailAge(byte[] tail) {
    long v = 0;
    int shift = 0;
    for (int pos = 0; ; pos++) {
      byte b = tail[pos];
      v |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return v;
      }
      shift += 7;
    }
  }

  /** The size a tail record holds. */
  static int tailSize(byte[] tail) {
    return ItemBytes.varintAt(tail, ItemBytes.skipVarint(tail, 0));
  }

  /** The delta a tail record holds. */
  static byte[] tailDelta(byte[] tail) {
    int from = ItemBytes.skipVarint(tail, ItemBytes.skipVarint(tail, 0));
    return Arrays.copyOfRange(tail, from, tail.length);
  }

  /** A recipe being written: literals and copies, as varints. */
  private static final class Out extends ByteSink {
    Out(int expected) {
      super(Math.max(16, expected + 16));
    }

    void literal(byte[] src, int from, int len) {
      if (len == 0) {
        return;
      }
      varint((len << 1) | 1);
      bytes(src, from, len);
    }

    void copy(int from, int len) {
      varint(from << 1);
      varint(len);
    }
  }
}
