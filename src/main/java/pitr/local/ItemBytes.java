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
    return encode(item, 256);
  }

  /** Encodes an item of about {@code sizeHint} bytes as DynamoDB counts them. */
  public static byte[] encode(Map<String, AttributeValue> item, long sizeHint) {
    Writer w = new Writer((int) Math.min(sizeHint + 16L * item.size() + 8, 512 * 1024));
    w.item(item);
    return w.bytes();
  }

  /** Decodes an item encoded by {@link #encode}; the map is unmodifiable and keeps the order. */
  public static Map<String, AttributeValue> decode(byte[] data) {
    Reader r = new Reader(data);
    return r.item();
  }

  private static final class Writer {
    private byte[] buf;
    private int pos;

    Writer(int capacity) {
      buf = new byte[Math.max(16, capacity)];
    }

    byte[] bytes() {
      return Arrays.copyOf(buf, pos);
    }

    private void room(int n) {
      if (pos + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
      }
    }

    private void tag(byte b) {
      room(1);
      buf[pos++] = b;
    }

    private void varint(int v) {
      room(5);
      while ((v & ~0x7F) != 0) {
        buf[pos++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[pos++] = (byte) v;
    }

    private void string(String s) {
      raw(s.getBytes(StandardCharsets.UTF_8));
    }

    private void raw(byte[] b) {
      varint(b.length);
      room(b.length);
      System.arraycopy(b, 0, buf, pos, b.length);
      pos += b.length;
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
        case SS -> {
          tag(SS);
          varint(v.ss().size());
          v.ss().forEach(this::string);
        }
        case NS -> {
          tag(NS);
          varint(v.ns().size());
          v.ns().forEach(this::string);
        }
        case BS -> {
          tag(BS);
          varint(v.bs().size());
          v.bs().forEach(b -> raw(b.asByteArrayUnsafe()));
        }
        case L -> {
          tag(L);
          varint(v.l().size());
          v.l().forEach(this::value);
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
