package pitr.migrate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * SHA-256 of an item in a canonical encoding: attributes sorted by name, set members sorted,
 * numbers as DynamoDB stores them. Two images hash equal exactly when DynamoDB considers them the
 * same item, so a rollback can tell whether an item changed after the run wrote it.
 *
 * <p>The encoding is part of the journal's contract: {@code T<type>:<length>:<payload>} per value,
 * maps as {@code M{name=value;...}} sorted by name, lists in order, sets sorted.
 */
public final class ItemHash {
  /** The hash journaled for a deleted item. */
  public static final String DELETED = "deleted";

  private ItemHash() {}

  /** Hex SHA-256 of the canonical encoding of {@code item}. */
  public static String of(Map<String, AttributeValue> item) {
    return sha256(canonical(item));
  }

  /** Hex SHA-256 of a string. */
  public static String sha256(String text) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The canonical encoding of an item (a map of attributes). */
  public static String canonical(Map<String, AttributeValue> item) {
    StringBuilder out = new StringBuilder();
    map(out, item);
    return out.toString();
  }

  private static void map(StringBuilder out, Map<String, AttributeValue> m) {
    out.append("M{");
    for (Map.Entry<String, AttributeValue> e : new TreeMap<>(m).entrySet()) {
      text(out, e.getKey());
      out.append('=');
      value(out, e.getValue());
      out.append(';');
    }
    out.append('}');
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
      text(out, new java.math.BigDecimal(v.n()).stripTrailingZeros().toPlainString());
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
      v.ns().forEach(n -> ns.add(new java.math.BigDecimal(n).stripTrailingZeros().toPlainString()));
      set(out, "NS", ns);
    } else if (v.hasBs()) {
      List<String> bs = new ArrayList<>();
      v.bs().forEach(b -> bs.add(base64(b)));
      set(out, "BS", bs);
    } else {
      out.append('?');
    }
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
