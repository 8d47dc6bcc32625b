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
    Writer w = new Writer();
    byte[] out = new byte[w.itemLength(item)];
    w.item(out, item);
    return out;
  }

  /**
   * Encodes an item of about {@code sizeHint} bytes as DynamoDB counts them; the hint is no longer
   * needed (the encoding is measured exactly before it is written) and kept for callers.
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
   * Encodes in two passes over the item: the first measures the exact length, the second writes
   * into one array of that length. ASCII strings, nearly all names, keys, numbers and values, are
   * scanned in both passes and copied once, straight into the array; other strings are encoded once
   * in the first pass and the encoded bytes kept, in order, for the second.
   */
  private static final class Writer {
    private byte[][] encoded;
    private int encodedCount;
    private int encodedNext;
    private byte[] buf;
    private int pos;

    private static int varintLength(int v) {
      int n = 1;
      while ((v & ~0x7F) != 0) {
        v >>>= 7;
        n++;
      }
      return n;
    }

    /** The length of {@code s} if every char is ASCII (its own UTF-8), else -1. */
    private static int asciiLength(String s) {
      int n = s.length();
      for (int i = 0; i < n; i++) {
        if (s.charAt(i) >= 0x80) {
          return -1;
        }
      }
      return n;
    }

    private int stringLength(String s) {
      int n = asciiLength(s);
      if (n >= 0) {
        return varintLength(n) + n;
      }
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      if (encoded == null) {
        encoded = new byte[4][];
      } else if (encodedCount == encoded.length) {
        encoded = Arrays.copyOf(encoded, encodedCount * 2);
      }
      encoded[encodedCount++] = b;
      return varintLength(b.length) + b.length;
    }

    int itemLength(Map<String, AttributeValue> item) {
      int n = varintLength(item.size());
      for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
        n += stringLength(e.getKey()) + valueLength(e.getValue());
      }
      return n;
    }

    private int valueLength(AttributeValue v) {
      switch (v.type()) {
        case S:
          return 1 + stringLength(v.s());
        case N:
          return 1 + stringLength(v.n());
        case B:
          {
            int n = v.b().asByteArrayUnsafe().length;
            return 1 + varintLength(n) + n;
          }
        case BOOL:
        case NUL:
          return 1;
        case SS:
        case NS:
          {
            List<String> l = v.type() == AttributeValue.Type.SS ? v.ss() : v.ns();
            int n = 1 + varintLength(l.size());
            for (int i = 0; i < l.size(); i++) {
              n += stringLength(l.get(i));
            }
            return n;
          }
        case BS:
          {
            List<SdkBytes> l = v.bs();
            int n = 1 + varintLength(l.size());
            for (int i = 0; i < l.size(); i++) {
              int b = l.get(i).asByteArrayUnsafe().length;
              n += varintLength(b) + b;
            }
            return n;
          }
        case L:
          {
            List<AttributeValue> l = v.l();
            int n = 1 + varintLength(l.size());
            for (int i = 0; i < l.size(); i++) {
              n += valueLength(l.get(i));
            }
            return n;
          }
        case M:
          return 1 + itemLength(v.m());
        default:
          throw new IllegalArgumentException("cannot store attribute type " + v.type());
      }
    }

    private void varint(int v) {
      while ((v & ~0x7F) != 0) {
        buf[pos++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[pos++] = (byte) v;
    }

    @SuppressWarnings("deprecation") // the one copy of an ASCII string's chars as bytes
    private void string(String s) {
      int n = asciiLength(s);
      if (n >= 0) {
        varint(n);
        s.getBytes(0, n, buf, pos);
        pos += n;
      } else {
        raw(encoded[encodedNext++]);
      }
    }

    private void raw(byte[] b) {
      varint(b.length);
      System.arraycopy(b, 0, buf, pos, b.length);
      pos += b.length;
    }

    void item(byte[] out, Map<String, AttributeValue> item) {
      buf = out;
      pos = 0;
      item(item);
      if (pos != out.length) {
        throw new IllegalStateException(
            "item encoding measured " + out.length + " bytes but wrote " + pos);
      }
    }

    private void item(Map<String, AttributeValue> item) {
      varint(item.size());
      for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
        string(e.getKey());
        value(e.getValue());
      }
    }

    private void value(AttributeValue v) {
      switch (v.type()) {
        case S -> {
          buf[pos++] = S;
          string(v.s());
        }
        case N -> {
          buf[pos++] = N;
          string(v.n());
        }
        case B -> {
          buf[pos++] = B;
          raw(v.b().asByteArrayUnsafe());
        }
        case BOOL -> buf[pos++] = v.bool() ? TRUE : FALSE;
        case NUL -> buf[pos++] = NUL;
        case SS, NS -> {
          List<String> l = v.type() == AttributeValue.Type.SS ? v.ss() : v.ns();
          buf[pos++] = v.type() == AttributeValue.Type.SS ? SS : NS;
          varint(l.size());
          for (int i = 0; i < l.size(); i++) {
            string(l.get(i));
          }
        }
        case BS -> {
          List<SdkBytes> l = v.bs();
          buf[pos++] = BS;
          varint(l.size());
          for (int i = 0; i < l.size(); i++) {
            raw(l.get(i).asByteArrayUnsafe());
          }
        }
        case L -> {
          List<AttributeValue> l = v.l();
          buf[pos++] = L;
          varint(l.size());
          for (int i = 0; i < l.size(); i++) {
            value(l.get(i));
          }
        }
        case M -> {
          buf[pos++] = M;
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
