package pitr.migrate;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import pitr.ErrorCode;
import pitr.PitrException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The binary encoding of a journal item's entries (its {@code packed} attribute, see {@link
 * Journal}): one B value instead of a list of maps, so a journal item costs DynamoDB (and the SDK,
 * and the embedded engine) one attribute to marshal, validate and size rather than six per entry,
 * and about half the bytes.
 *
 * <p>The encoding is part of the journal's contract. A version byte ({@value #VERSION}), then per
 * entry, in number order:
 *
 * <ol>
 *   <li>a head byte: bits 0-1 the operation (0 PUT, 1 UPDATE, 2 DELETE, 3 WITHDRAW), bit 2 set when
 *       a pass follows, bits 3-4 the hash's form (0 none, for a withdrawal; 1 a SHA-256 as 32 raw
 *       bytes, read back as 64 lowercase hex digits; 2 text: {@link ItemHash#DELETED}, {@link
 *       ItemHash#UNKNOWN});
 *   <li>the entry's number less the previous entry's (the first entry's: less the number in the
 *       item's sort key), unsigned LEB128;
 *   <li>for a withdrawal, the number it withdraws; when flagged, the pass (both LEB128);
 *   <li>the hash: 32 bytes, or a LEB128 length and UTF-8 text;
 *   <li>the key: a LEB128 count of attributes, each its name (LEB128 length, UTF-8), its type
 *       ({@code S}, {@code N} or {@code B}, the only types of a key attribute) and its value
 *       (LEB128 length, then UTF-8 for S and N, the bytes for B).
 * </ol>
 */
final class PackedEntries {
  static final int VERSION = 1;

  static final int PUT = 0;
  static final int UPDATE = 1;
  static final int DELETE = 2;
  static final int WITHDRAW = 3;

  private static final int HAS_PASS = 1 << 2;
  private static final int HASH_NONE = 0;
  private static final int HASH_SHA256 = 1 << 3;
  private static final int HASH_TEXT = 2 << 3;
  private static final int HASH_MASK = 3 << 3;

  private static final HexFormat HEX = HexFormat.of();
  private static final WriteOp[] OPS = {WriteOp.PUT, WriteOp.UPDATE, WriteOp.DELETE};

  /** One decoded entry; {@code op} null for a withdrawal, {@code pass} null when untagged. */
  record Decoded(
      long seq,
      WriteOp op,
      long withdraws,
      String imageHash,
      String pass,
      Map<String, AttributeValue> key) {}

  private PackedEntries() {}

  /** Encodes entries, in number order, into one {@code packed} value. */
  static final class Writer {
    private byte[] buf = new byte[256];
    private int size;
    private long last;

    /**
     * @param first the number in the item's sort key: the first entry's
     */
    Writer(long first) {
      this.last = first;
      buf[size++] = VERSION;
    }

    /** Bytes written so far. */
    int size() {
      return size;
    }

    /**
     * Appends an entry.
     *
     * @param op {@link #PUT}, {@link #UPDATE}, {@link #DELETE} or {@link #WITHDRAW}
     * @param withdraws for a withdrawal, the number withdrawn
     * @param pass the pass, or -1
     * @param imageHash the hash, or null for a withdrawal
     */
    Writer add(
        long seq,
        int op,
        long withdraws,
        int pass,
        String imageHash,
        Map<String, AttributeValue> key) {
      if (seq < last) {
        throw new IllegalArgumentException("journal entries out of order: " + seq + " < " + last);
      }
      boolean sha = imageHash != null && isSha256(imageHash);
      int head =
          op
              | (pass >= 0 ? HAS_PASS : 0)
              | (imageHash == null ? HASH_NONE : sha ? HASH_SHA256 : HASH_TEXT);
      room(1);
      buf[size++] = (byte) head;
      varint(seq - last);
      last = seq;
      if (op == WITHDRAW) {
        varint(withdraws);
      }
      if (pass >= 0) {
        varint(pass);
      }
      if (sha) {
        room(32);
        for (int i = 0; i < 64; i += 2) {
          buf[size++] = (byte) (nibble(imageHash.charAt(i)) << 4 | nibble(imageHash.charAt(i + 1)));
        }
      } else if (imageHash != null) {
        text(imageHash);
      }
      varint(key.size());
      for (Map.Entry<String, AttributeValue> a : key.entrySet()) {
        text(a.getKey());
        AttributeValue v = a.getValue();
        room(1);
        if (v.s() != null) {
          buf[size++] = 'S';
          text(v.s());
        } else if (v.n() != null) {
          buf[size++] = 'N';
          text(v.n());
        } else if (v.b() != null) {
          buf[size++] = 'B';
          byte[] b = v.b().asByteArrayUnsafe();
          varint(b.length);
          room(b.length);
          System.arraycopy(b, 0, buf, size, b.length);
          size += b.length;
        } else {
          throw new IllegalArgumentException(
              "key attribute " + a.getKey() + " is not S, N or B; DynamoDB keys are scalars");
        }
      }
      return this;
    }

    /** The encoded entries as the item's {@code packed} attribute. */
    AttributeValue value() {
      return AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(Arrays.copyOf(buf, size)));
    }

    private void text(String s) {
      int n = s.length();
      room(5 + n);
      int start = size;
      // Most text is ASCII: write it as is, and encode only when a character is not.
      buf[size++] = 0;
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        if (c >= 0x80) {
          size = start;
          byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
          varint(utf8.length);
          room(utf8.length);
          System.arraycopy(utf8, 0, buf, size, utf8.length);
          size += utf8.length;
          return;
        }
        buf[size++] = (byte) c;
      }
      if (n < 0x80) {
        buf[start] = (byte) n;
      } else {
        size = start;
        varint(n);
        for (int i = 0; i < n; i++) {
          buf[size++] = (byte) s.charAt(i);
        }
      }
    }

    private void varint(long v) {
      room(10);
      while ((v & ~0x7FL) != 0) {
        buf[size++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[size++] = (byte) v;
    }

    private void room(int n) {
      if (size + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(size + n, buf.length * 2));
      }
    }
  }

  /** The code of an operation in the head byte. */
  static int code(WriteOp op) {
    return switch (op) {
      case PUT -> PUT;
      case UPDATE -> UPDATE;
      case DELETE -> DELETE;
    };
  }

  private static boolean isSha256(String h) {
    if (h.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = h.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static int nibble(char c) {
    return c <= '9' ? c - '0' : c - 'a' + 10;
  }

  /** Receives the entries of a packed value in order. */
  interface Sink {
    void accept(Decoded entry);
  }

  /**
   * Decodes a {@code packed} value whose item's sort key holds number {@code first}; refuses an
   * unknown version ({@link ErrorCode#REFUSED}) or a value cut short ({@link ErrorCode#FAILED}),
   * naming the item.
   */
  static void read(AttributeValue packed, long first, String item, Sink sink) {
    byte[] b = packed.b().asByteArrayUnsafe();
    Reader r = new Reader(b, item);
    int version = r.u8();
    if (version != VERSION) {
      throw new PitrException(
          ErrorCode.REFUSED,
          "journal item "
              + item
              + " holds entries packed in version "
              + version
              + ", which this pitr cannot read; read this run with the pitr version that wrote it");
    }
    long seq = first;
    while (r.pos < b.length) {
      int head = r.u8();
      int op = head & 3;
      seq += r.varint();
      long withdraws = op == WITHDRAW ? r.varint() : -1;
      String pass = (head & HAS_PASS) != 0 ? Long.toString(r.varint()) : null;
      String hash =
          switch (head & HASH_MASK) {
            case HASH_NONE -> null;
            case HASH_SHA256 -> HEX.formatHex(r.bytes(32));
            case HASH_TEXT -> r.text();
            default -> throw r.corrupt();
          };
      int n = (int) r.varint();
      Map<String, AttributeValue> key = new HashMap<>(n * 2);
      for (int i = 0; i < n; i++) {
        String name = r.text();
        int type = r.u8();
        AttributeValue v =
            switch (type) {
              case 'S' -> AttributeValue.fromS(r.text());
              case 'N' -> AttributeValue.fromN(r.text());
              case 'B' -> AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(r.bytes(r.length())));
              default -> throw r.corrupt();
            };
        key.put(name, v);
      }
      sink.accept(
          new Decoded(
              seq, op == WITHDRAW ? null : OPS[op], withdraws, hash, pass, Map.copyOf(key)));
    }
  }

  private static final class Reader {
    private final byte[] b;
    private final String item;
    int pos;

    Reader(byte[] b, String item) {
      this.b = b;
      this.item = item;
    }

    int u8() {
      if (pos >= b.length) {
        throw corrupt();
      }
      return b[pos++] & 0xff;
    }

    long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int x = u8();
        v |= (long) (x & 0x7F) << shift;
        if ((x & 0x80) == 0) {
          return v;
        }
      }
      throw corrupt();
    }

    int length() {
      long n = varint();
      if (n > b.length - pos) {
        throw corrupt();
      }
      return (int) n;
    }

    byte[] bytes(int n) {
      if (n > b.length - pos) {
        throw corrupt();
      }
      byte[] out = Arrays.copyOfRange(b, pos, pos + n);
      pos += n;
      return out;
    }

    String text() {
      int n = length();
      String s = new String(b, pos, n, StandardCharsets.UTF_8);
      pos += n;
      return s;
    }

    PitrException corrupt() {
      return new PitrException(
          ErrorCode.FAILED,
          "journal item "
              + item
              + " holds packed entries cut short or damaged at byte "
              + pos
              + "; the journal table was changed outside pitr");
    }
  }
}
