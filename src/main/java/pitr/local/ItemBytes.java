package pitr.local;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The form an item version is held in: one byte array per image, decoded only when read. Each
 * attribute is its name and value, lengths and counts as unsigned varints, strings as UTF-8,
 * numbers as their canonical text, one tag byte per value. An item of about 200 bytes as DynamoDB
 * counts it takes about 230 bytes here, against about a kilobyte as a map of SDK values.
 */
public final class ItemBytes {
  private static final byte S = 'S';
  private static final byte N = 'N';
  private static final byte B = 'B';
  private static final byte TRUE = 'T';
  private static final byte FALSE = 'F';
  private static final byte NUL = '0';
  private static final byte SS = 's';
  private static final byte NS = 'n';
  private static final byte BS = 'b';
  private static final byte L = 'L';
  private static final byte M = 'M';

  private ItemBytes() {}

  /** Encodes an item. */
  public static byte[] encode(Map<String, AttributeValue> item) {
    Writer w = SCRATCH.get();
    w.pos = 0;
    w.item(item);
    byte[] out = w.written();
    if (w.buf.length > Writer.KEPT) {
      w.buf = new byte[Writer.INITIAL];
    }
    return out;
  }

  /**
   * Encodes an item of about {@code sizeHint} bytes as DynamoDB counts them; the hint is no longer
   * needed (the encoding is written into a per-thread buffer and copied out at its exact size) and
   * kept for callers.
   */
  public static byte[] encode(Map<String, AttributeValue> item, long sizeHint) {
    return encode(item);
  }

  /** Decodes an item encoded by {@link #encode}; the map is unmodifiable and keeps the order. */
  public static Map<String, AttributeValue> decode(byte[] data) {
    Reader r = new Reader(data);
    return r.item();
  }

  /**
   * The size DynamoDB charges for the item encoded in {@code data}, as {@link
   * pitr.dynamo.ItemSizes#size(Map)} counts the decoded item, found without decoding it: a string's
   * size is its UTF-8 length, which the encoding holds, and a number's comes from its significant
   * digits.
   */
  public static long size(byte[] data) {
    int[] pos = {0};
    return attributesSize(data, pos, 0);
  }

  /** The size of the attributes (names and values) at {@code pos[0]}, each with {@code each}. */
  private static long attributesSize(byte[] buf, int[] pos, int each) {
    int n = varintAt(buf, pos[0]);
    pos[0] = skipVarint(buf, pos[0]);
    long total = 0;
    for (int i = 0; i < n; i++) {
      int length = varintAt(buf, pos[0]);
      pos[0] = skipVarint(buf, pos[0]) + length;
      total += each + length + valueSize(buf, pos);
    }
    return total;
  }

  private static long valueSize(byte[] buf, int[] pos) {
    byte tag = buf[pos[0]++];
    switch (tag) {
      case S:
      case B:
        return rawSize(buf, pos);
      case N:
        return numberSize(buf, pos);
      case TRUE:
      case FALSE:
      case NUL:
        return 1;
      case SS:
      case NS:
      case BS:
        {
          int n = varintAt(buf, pos[0]);
          pos[0] = skipVarint(buf, pos[0]);
          long total = 0;
          for (int i = 0; i < n; i++) {
            total += tag == NS ? numberSize(buf, pos) : rawSize(buf, pos);
          }
          return total;
        }
      case L:
        {
          int n = varintAt(buf, pos[0]);
          pos[0] = skipVarint(buf, pos[0]);
          long total = 3;
          for (int i = 0; i < n; i++) {
            total += 1 + valueSize(buf, pos);
          }
          return total;
        }
      case M:
        return 3 + attributesSize(buf, pos, 1);
      default:
        throw new IllegalStateException("corrupt item data: unknown type tag " + tag);
    }
  }

  /** The length of the raw value (string or binary) at {@code pos[0]}, which it moves past. */
  private static long rawSize(byte[] buf, int[] pos) {
    int length = varintAt(buf, pos[0]);
    pos[0] = skipVarint(buf, pos[0]) + length;
    return length;
  }

  /**
   * The size of the number whose text is at {@code pos[0]}: one byte per two significant digits,
   * plus one; the digits are the mantissa's without sign, point, or leading and trailing zeros.
   */
  private static long numberSize(byte[] buf, int[] pos) {
    int length = varintAt(buf, pos[0]);
    int from = skipVarint(buf, pos[0]);
    int to = from + length;
    pos[0] = to;
    int first = -1;
    int last = -1;
    int digits = 0;
    for (int i = from; i < to; i++) {
      byte c = buf[i];
      if (c == 'e' || c == 'E') {
        break;
      }
      if (c >= '0' && c <= '9') {
        if (c != '0') {
          if (first < 0) {
            first = digits;
          }
          last = digits;
        }
        digits++;
      }
    }
    int significant = first < 0 ? 1 : last - first + 1;
    return (significant + 1) / 2 + 1;
  }

  /**
   * Where each top-level attribute of an encoded item starts: {@code n + 1} offsets for an item of
   * {@code n} attributes, the first after the attribute count, the last the end of the data. Each
   * attribute (its name and value) is the bytes between two offsets, found without decoding.
   */
  static int[] attributeBounds(byte[] data) {
    int n = varintAt(data, 0);
    int[] bounds = new int[n + 1];
    int pos = skipVarint(data, 0);
    bounds[0] = pos;
    for (int i = 1; i <= n; i++) {
      pos = skipValue(data, skipRaw(data, pos));
      bounds[i] = pos;
    }
    return bounds;
  }

  /** The unsigned varint at {@code pos}. */
  static int varintAt(byte[] buf, int pos) {
    int v = 0;
    int shift = 0;
    while (true) {
      byte b = buf[pos++];
      v |= (b & 0x7F) << shift;
      if (b >= 0) {
        return v;
      }
      shift += 7;
    }
  }

  /** The offset just past the varint at {@code pos}. */
  static int skipVarint(byte[] buf, int pos) {
    while (buf[pos] < 0) {
      pos++;
    }
    return pos + 1;
  }

  private static int skipRaw(byte[] buf, int pos) {
    return skipVarint(buf, pos) + varintAt(buf, pos);
  }

  static int skipValue(byte[] buf, int pos) {
    byte tag = buf[pos++];
    switch (tag) {
      case S:
      case N:
      case B:
        return skipRaw(buf, pos);
      case TRUE:
      case FALSE:
      case NUL:
        return pos;
      case SS:
      case NS:
      case BS:
        {
          int n = varintAt(buf, pos);
          pos = skipVarint(buf, pos);
          for (int i = 0; i < n; i++) {
            pos = skipRaw(buf, pos);
          }
          return pos;
        }
      case L:
        {
          int n = varintAt(buf, pos);
          pos = skipVarint(buf, pos);
          for (int i = 0; i < n; i++) {
            pos = skipValue(buf, pos);
          }
          return pos;
        }
      case M:
        {
          int n = varintAt(buf, pos);
          pos = skipVarint(buf, pos);
          for (int i = 0; i < n; i++) {
            pos = skipValue(buf, skipRaw(buf, pos));
          }
          return pos;
        }
      default:
        throw new IllegalStateException("corrupt item data: unknown type tag " + tag);
    }
  }

  private static final ThreadLocal<Writer> SCRATCH = ThreadLocal.withInitial(Writer::new);

  /**
   * Encodes into a buffer of its thread's, reused from item to item, so that an item costs one
   * array of its exact size. Short ASCII strings (names, keys, numbers) are copied a char at a time
   * straight into the buffer; longer or non-ASCII strings go through {@link String#getBytes}, whose
   * vectorised check and copy beat a loop for them.
   */
  private static final class Writer extends ByteSink {
    static final int INITIAL = 4096;

    /** A buffer grown past this (a large item) is dropped after use rather than kept. */
    static final int KEPT = 64 * 1024;

    /** Strings up to this many chars are copied a char at a time when they are ASCII. */
    private static final int SHORT = 64;

    Writer() {
      super(INITIAL);
    }

    private void tag(byte b) {
      room(1);
      buf[pos++] = b;
    }

    private void string(String s) {
      int n = s.length();
      if (n <= SHORT) {
        room(n + 1);
        int start = pos + 1;
        int bits = 0;
        for (int i = 0; i < n; i++) {
          char c = s.charAt(i);
          bits |= c;
          buf[start + i] = (byte) c;
        }
        if (bits < 0x80) {
          buf[pos] = (byte) n; // n <= SHORT < 128: a one-byte varint
          pos = start + n;
          return;
        }
      }
      raw(s.getBytes(StandardCharsets.UTF_8));
    }

    private void raw(byte[] b) {
      varint(b.length);
      bytes(b, 0, b.length);
    }

    void item(Map<String, AttributeValue> item) {
      varint(item.size());
      for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
        string(e.getKey());
        value(e.getValue());
      }
    }

    private void value(AttributeValue v) {
      switch (v.type()) {
        case S -> {
          tag(S);
          string(v.s());
        }
        case N -> {
          tag(N);
          string(v.n());
        }
        case B -> {
          tag(B);
          raw(v.b().asByteArrayUnsafe());
        }
        case BOOL -> tag(v.bool() ? TRUE : FALSE);
        case NUL -> tag(NUL);
        case SS, NS -> {
          List<String> l = v.type() == AttributeValue.Type.SS ? v.ss() : v.ns();
          tag(v.type() == AttributeValue.Type.SS ? SS : NS);
          varint(l.size());
          for (int i = 0; i < l.size(); i++) {
            string(l.get(i));
          }
        }
        case BS -> {
          List<SdkBytes> l = v.bs();
          tag(BS);
          varint(l.size());
          for (int i = 0; i < l.size(); i++) {
            raw(l.get(i).asByteArrayUnsafe());
          }
        }
        case L -> {
          List<AttributeValue> l = v.l();
          tag(L);
          varint(l.size());
          for (int i = 0; i < l.size(); i++) {
            value(l.get(i));
          }
        }
        case M -> {
          tag(M);
          item(v.m());
        }
        default -> throw new IllegalArgumentException("cannot store attribute type " + v.type());
      }
    }
  }

  private static final class Reader {
    private final byte[] buf;
    private int pos;

    Reader(byte[] buf) {
      this.buf = buf;
    }

    private int varint() {
      int v = 0;
      int shift = 0;
      while (true) {
        byte b = buf[pos++];
        v |= (b & 0x7F) << shift;
        if (b >= 0) {
          return v;
        }
        shift += 7;
      }
    }

    private String string() {
      int n = varint();
      String s = new String(buf, pos, n, StandardCharsets.UTF_8);
      pos += n;
      return s;
    }

    private SdkBytes raw() {
      int n = varint();
      byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
      pos += n;
      return SdkBytes.fromByteArrayUnsafe(b);
    }

    Map<String, AttributeValue> item() {
      int n = varint();
      Map<String, AttributeValue> item = new LinkedHashMap<>(Math.max(4, n * 2));
      for (int i = 0; i < n; i++) {
        item.put(string(), value());
      }
      return Collections.unmodifiableMap(item);
    }

    private AttributeValue value() {
      byte tag = buf[pos++];
      switch (tag) {
        case S:
          return AttributeValue.fromS(string());
        case N:
          return AttributeValue.fromN(string());
        case B:
          return AttributeValue.fromB(raw());
        case TRUE:
          return AttributeValue.fromBool(true);
        case FALSE:
          return AttributeValue.fromBool(false);
        case NUL:
          return AttributeValue.fromNul(true);
        case SS:
        case NS:
          {
            int n = varint();
            List<String> l = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
              l.add(string());
            }
            return tag == SS ? AttributeValue.fromSs(l) : AttributeValue.fromNs(l);
          }
        case BS:
          {
            int n = varint();
            List<SdkBytes> l = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
              l.add(raw());
            }
            return AttributeValue.fromBs(l);
          }
        case L:
          {
            int n = varint();
            List<AttributeValue> l = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
              l.add(value());
            }
            return AttributeValue.fromL(l);
          }
        case M:
          return AttributeValue.fromM(item());
        default:
          throw new IllegalStateException("corrupt item data: unknown type tag " + tag);
      }
    }
  }
}
