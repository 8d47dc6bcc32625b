package pitr.migrate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * SHA-256 of an item in a canonical encoding: attributes sorted by name, set members sorted,
 * numbers as DynamoDB stores them. Two images hash equal exactly when DynamoDB considers them the
 * same item, so a rollback can tell whether an item changed after the run wrote it.
 *
 * <p>The encoding is part of the journal's contract: {@code T<type>:<length>:<payload>} per value,
 * maps as {@code M{name=value;...}} sorted by name, lists in order, sets sorted.
 *
 * <p>Hashing sits on every journaled write, so it reuses a digest and a buffer per thread and skips
 * the decimal arithmetic for integers that are already canonical.
 */
public final class ItemHash {
  /** The hash journaled for a deleted item. */
  public static final String DELETED = "deleted";

  /**
   * The hash journaled for an image not known before the write (an update given only the key); it
   * equals no real hash, so until the write confirms the real one a changed item counts as changed
   * by someone else.
   */
  public static final String UNKNOWN = "unknown";

  private static final HexFormat HEX = HexFormat.of();
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /** Per-thread digest and buffers. */
  private static final class Scratch {
    final MessageDigest sha256;
    final StringBuilder text = new StringBuilder(256);
    byte[] bytes = new byte[512];

    Scratch() {
      try {
        sha256 = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is missing from this JVM", e);
      }
    }
  }

  private ItemHash() {}

  /** Hex SHA-256 of the canonical encoding of {@code item}. */
  public static String of(Map<String, AttributeValue> item) {
    Scratch s = SCRATCH.get();
    StringBuilder text = s.text;
    text.setLength(0);
    map(text, item);
    return digest(s, text);
  }

  /** Hex SHA-256 of a string. */
  public static String sha256(String text) {
    Scratch s = SCRATCH.get();
    s.sha256.reset();
    return HEX.formatHex(s.sha256.digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static String digest(Scratch s, CharSequence text) {
    int n = text.length();
    if (s.bytes.length < n) {
      s.bytes = new byte[Math.max(n, s.bytes.length * 2)];
    }
    byte[] b = s.bytes;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c >= 0x80) {
        // Not ASCII: let the JDK encode it (surrogate pairs and all).
        return sha256(text.toString());
      }
      b[i] = (byte) c;
    }
    s.sha256.reset();
    s.sha256.update(b, 0, n);
    return HEX.formatHex(s.sha256.digest());
  }

  /** The canonical encoding of an item (a map of attributes). */
  public static String canonical(Map<String, AttributeValue> item) {
    StringBuilder out = new StringBuilder();
    map(out, item);
    return out.toString();
  }

  private static void map(StringBuilder out, Map<String, AttributeValue> m) {
    out.append("M{");
    if (m.size() == 1) {
      Map.Entry<String, AttributeValue> e = m.entrySet().iterator().next();
      entry(out, e.getKey(), e.getValue());
    } else if (!m.isEmpty()) {
      String[] names = m.keySet().toArray(new String[0]);
      java.util.Arrays.sort(names);
      for (String name : names) {
        entry(out, name, m.get(name));
      }
    }
    out.append('}');
  }

  private static void entry(StringBuilder out, String name, AttributeValue value) {
    text(out, name);
    out.append('=');
    value(out, value);
    out.append(';');
  }

  private static void text(StringBuilder out, String s) {
    out.append(s.length()).append(':').append(s);
  }

  private static void value(StringBuilder out, AttributeValue v) {
    if (v.s() != null) {
      out.append("S");
      text(out, v.s());
    } else if (v.n() != null) {
      out.append("N");
      text(out, number(v.n()));
    } else if (v.b() != null) {
      out.append("B");
      text(out, base64(v.b()));
    } else if (v.bool() != null) {
      out.append(v.bool() ? "T" : "F");
    } else if (Boolean.TRUE.equals(v.nul())) {
      out.append("0");
    } else if (v.hasM()) {
      map(out, v.m());
    } else if (v.hasL()) {
      out.append("L[");
      v.l().forEach(x -> value(out, x));
      out.append(']');
    } else if (v.hasSs()) {
      set(out, "SS", v.ss());
    } else if (v.hasNs()) {
      List<String> ns = new ArrayList<>();
      v.ns().forEach(n -> ns.add(number(n)));
      set(out, "NS", ns);
    } else if (v.hasBs()) {
      List<String> bs = new ArrayList<>();
      v.bs().forEach(b -> bs.add(base64(b)));
      set(out, "BS", bs);
    } else {
      out.append('?');
    }
  }

  /** A number as DynamoDB stores it: no exponent, no trailing fraction zeros, no leading zeros. */
  static String number(String n) {
    if (isPlainInteger(n)) {
      return n;
    }
    return new java.math.BigDecimal(n).stripTrailingZeros().toPlainString();
  }

  /** {@code 0}, or an optional minus and digits without a leading zero: already canonical. */
  private static boolean isPlainInteger(String n) {
    int len = n.length();
    int i = n.startsWith("-") ? 1 : 0;
    if (i == len) {
      return false;
    }
    if (n.charAt(i) == '0') {
      return len == 1;
    }
    for (; i < len; i++) {
      char c = n.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static void set(StringBuilder out, String type, List<String> members) {
    List<String> sorted = new ArrayList<>(members);
    sorted.sort(null);
    out.append(type).append('[');
    sorted.forEach(
        m -> {
          text(out, m);
          out.append(',');
        });
    out.append(']');
  }

  private static String base64(SdkBytes b) {
    return java.util.Base64.getEncoder().encodeToString(b.asByteArray());
  }
}
