package pitr.local;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import pitr.dynamo.ItemSizes;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A binary form of items and version chains for the durable store: a type tag per value, strings as
 * UTF-8, numbers as their canonical text. Versioned by a leading format byte: keys and backup items
 * use format 1; version chains are written in format 2 (the in-memory {@link ItemBytes}) and read
 * in either. A chain is written with every version's full encoding, whether memory holds it in full
 * or as a delta, and loaded back into versions that share their unchanged attributes again.
 */
final class ItemCodec {
  private static final int FORMAT = 1;
  private static final int CHAIN_FORMAT = 2;

  private ItemCodec() {}

  /**
   * Encodes a version chain, newest first, in format {@value #CHAIN_FORMAT}: each version's
   * instant, size and its full {@link ItemBytes} encoding, copied (or rebuilt from a delta) rather
   * than re-encoded.
   */
  static byte[] encodeChain(Version head) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(CHAIN_FORMAT);
      out.writeInt(head.depth());
      Version newer = null;
      byte[] newerBytes = null;
      for (Version v = head; v != null; v = v.previous()) {
        out.writeLong(v.at());
        byte[] data = newer == null ? v.bytes() : v.bytesAfter(newer, newerBytes);
        newer = v;
        newerBytes = data;
        if (data == null) {
          out.writeInt(-1);
        } else {
          out.writeInt(v.size);
          out.writeInt(data.length);
          out.write(data);
        }
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Decodes a version chain written in either chain format. */
  static Version decodeChain(byte[] data) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
      int format = in.readUnsignedByte();
      if (format == FORMAT) {
        return decodeFirstChain(in);
      }
      if (format != CHAIN_FORMAT) {
        checkFormat(format);
      }
      int n = in.readInt();
      long[] at = new long[n];
      int[] sizes = new int[n];
      byte[][] images = new byte[n][];
      for (int i = 0; i < n; i++) {
        at[i] = in.readLong();
        sizes[i] = in.readInt();
        if (sizes[i] >= 0) {
          images[i] = new byte[in.readInt()];
          in.readFully(images[i]);
        }
      }
      Version v = null;
      for (int i = n - 1; i >= 0; i--) {
        v = Version.superseding(at[i], images[i], sizes[i], v);
      }
      return v;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Encodes a chain as the first format did; kept to prove that such chains still load. */
  static byte[] encodeFirstFormatChain(Version head) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(FORMAT);
      out.writeInt(head.depth());
      for (Version v = head; v != null; v = v.previous()) {
        out.writeLong(v.at());
        out.writeBoolean(v.exists());
        if (v.exists()) {
          writeItem(out, v.image());
        }
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A chain as the first format stored it: every image written attribute by attribute. */
  private static Version decodeFirstChain(DataInputStream in) throws IOException {
    int n = in.readInt();
    long[] at = new long[n];
    List<Map<String, AttributeValue>> images = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      at[i] = in.readLong();
      images.add(in.readBoolean() ? readItem(in) : null);
    }
    Version v = null;
    for (int i = n - 1; i >= 0; i--) {
      Map<String, AttributeValue> image = images.get(i);
      v = Version.superseding(at[i], image, image == null ? 0 : ItemSizes.size(image), v);
    }
    return v;
  }

  static byte[] encodeItem(Map<String, AttributeValue> item) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(FORMAT);
      writeItem(out, item);
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, AttributeValue> decodeItem(byte[] data) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
      checkFormat(in.readUnsignedByte());
      return readItem(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void checkFormat(int format) {
    if (format != FORMAT) {
      throw new IllegalStateException(
          "data directory was written by another pitr version (item format "
              + format
              + "); use that version or start with an empty --data-dir");
    }
  }

  private static void writeItem(DataOutputStream out, Map<String, AttributeValue> item)
      throws IOException {
    out.writeInt(item.size());
    for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
      writeString(out, e.getKey());
      writeValue(out, e.getValue());
    }
  }

  private static Map<String, AttributeValue> readItem(DataInputStream in) throws IOException {
    int n = in.readInt();
    Map<String, AttributeValue> item = new LinkedHashMap<>(Math.max(4, n * 2));
    for (int i = 0; i < n; i++) {
      item.put(readString(in), readValue(in));
    }
    return Collections.unmodifiableMap(item);
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static void writeBytes(DataOutputStream out, SdkBytes b) throws IOException {
    byte[] a = b.asByteArrayUnsafe();
    out.writeInt(a.length);
    out.write(a);
  }

  private static SdkBytes readBytes(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return SdkBytes.fromByteArrayUnsafe(b);
  }

  private static void writeValue(DataOutputStream out, AttributeValue v) throws IOException {
    switch (v.type()) {
      case S -> {
        out.writeByte('S');
        writeString(out, v.s());
      }
      case N -> {
        out.writeByte('N');
        writeString(out, v.n());
      }
      case B -> {
        out.writeByte('B');
        writeBytes(out, v.b());
      }
      case BOOL -> {
        out.writeByte('T');
        out.writeBoolean(v.bool());
      }
      case NUL -> out.writeByte('0');
      case SS -> {
        out.writeByte('s');
        out.writeInt(v.ss().size());
        for (String s : v.ss()) {
          writeString(out, s);
        }
      }
      case NS -> {
        out.writeByte('n');
        out.writeInt(v.ns().size());
        for (String s : v.ns()) {
          writeString(out, s);
        }
      }
      case BS -> {
        out.writeByte('b');
        out.writeInt(v.bs().size());
        for (SdkBytes b : v.bs()) {
          writeBytes(out, b);
        }
      }
      case L -> {
        out.writeByte('L');
        out.writeInt(v.l().size());
        for (AttributeValue e : v.l()) {
          writeValue(out, e);
        }
      }
      case M -> {
        out.writeByte('M');
        writeItem(out, v.m());
      }
      default -> throw new IllegalArgumentException("cannot store attribute type " + v.type());
    }
  }

  private static AttributeValue readValue(DataInputStream in) throws IOException {
    int tag = in.readUnsignedByte();
    switch (tag) {
      case 'S':
        return AttributeValue.fromS(readString(in));
      case 'N':
        return AttributeValue.fromN(readString(in));
      case 'B':
        return AttributeValue.fromB(readBytes(in));
      case 'T':
        return AttributeValue.fromBool(in.readBoolean());
      case '0':
        return AttributeValue.fromNul(true);
      case 's':
      case 'n':
        {
          int n = in.readInt();
          List<String> l = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            l.add(readString(in));
          }
          return tag == 's' ? AttributeValue.fromSs(l) : AttributeValue.fromNs(l);
        }
      case 'b':
        {
          int n = in.readInt();
          List<SdkBytes> l = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            l.add(readBytes(in));
          }
          return AttributeValue.fromBs(l);
        }
      case 'L':
        {
          int n = in.readInt();
          List<AttributeValue> l = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            l.add(readValue(in));
          }
          return AttributeValue.fromL(l);
        }
      case 'M':
        return AttributeValue.fromM(readItem(in));
      default:
        throw new IllegalStateException("corrupt item data: unknown type tag " + tag);
    }
  }
}
