package pitr.local.expr;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Value semantics of DynamoDB attribute values: ordering, equality (numbers by value, sets
 * unordered), size as DynamoDB counts it, and the type names used in expressions.
 */
public final class AttributeValues {
  private AttributeValues() {}

  /**
   * DynamoDB's refusal of {@code v} when it is an empty set ("One or more parameter values were
   * invalid: An string set may not be empty", its spacing included), else null. Items and
   * placeholder values are refused alike.
   */
  public static String emptySet(AttributeValue v) {
    String what =
        switch (v.type()) {
          case SS -> v.ss().isEmpty() ? "An string set  may not be empty" : null;
          case NS -> v.ns().isEmpty() ? "An number set  may not be empty" : null;
          case BS -> v.bs().isEmpty() ? "Binary sets should not be empty" : null;
          default -> null;
        };
    return what == null ? null : "One or more parameter values were invalid: " + what;
  }

  /** DynamoDB's short type name: S, N, B, SS, NS, BS, M, L, NULL or BOOL. */
  public static String typeName(AttributeValue v) {
    return switch (v.type()) {
      case S -> "S";
      case N -> "N";
      case B -> "B";
      case SS -> "SS";
      case NS -> "NS";
      case BS -> "BS";
      case M -> "M";
      case L -> "L";
      case BOOL -> "BOOL";
      case NUL -> "NULL";
      default ->
          throw new ExpressionException(
              "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
    };
  }

  /** Whether the value is a scalar that can be ordered: S, N or B. */
  public static boolean isOrderable(AttributeValue v) {
    AttributeValue.Type t = v.type();
    return t == AttributeValue.Type.S || t == AttributeValue.Type.N || t == AttributeValue.Type.B;
  }

  /**
   * Orders two values of the same scalar type: numbers by value, strings by their UTF-8 bytes,
   * binaries as unsigned bytes.
   *
   * @throws IllegalArgumentException when the types differ or are not S, N or B
   */
  public static int compare(AttributeValue a, AttributeValue b) {
    if (a.type() != b.type()) {
      throw new IllegalArgumentException("cannot compare " + a.type() + " with " + b.type());
    }
    return switch (a.type()) {
      case N -> new BigDecimal(a.n()).compareTo(new BigDecimal(b.n()));
      case S -> compareUtf8(a.s(), b.s());
      case B -> compareUnsigned(a.b().asByteArrayUnsafe(), b.b().asByteArrayUnsafe());
      default -> throw new IllegalArgumentException("cannot order " + a.type());
    };
  }

  /** begins_with on strings and binaries; false for any other type pair. */
  public static boolean beginsWith(AttributeValue value, AttributeValue prefix) {
    if (value.type() != prefix.type()) {
      return false;
    }
    if (value.type() == AttributeValue.Type.S) {
      return value.s().startsWith(prefix.s());
    }
    if (value.type() == AttributeValue.Type.B) {
      byte[] v = value.b().asByteArrayUnsafe();
      byte[] p = prefix.b().asByteArrayUnsafe();
      if (p.length > v.length) {
        return false;
      }
      for (int i = 0; i < p.length; i++) {
        if (v[i] != p[i]) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  /**
   * The {@code contains} function: a substring of a string, a run of bytes of a binary, a member of
   * a set whose element type matches, or an element of a list; false for any other type pair.
   */
  public static boolean contains(AttributeValue container, AttributeValue operand) {
    return switch (container.type()) {
      case S -> operand.type() == AttributeValue.Type.S && container.s().contains(operand.s());
      case B ->
          operand.type() == AttributeValue.Type.B
              && indexOf(container.b().asByteArrayUnsafe(), operand.b().asByteArrayUnsafe()) >= 0;
      case SS -> operand.type() == AttributeValue.Type.S && container.ss().contains(operand.s());
      case NS ->
          operand.type() == AttributeValue.Type.N
              && numberSet(container.ns())
                  .contains(new BigDecimal(operand.n()).stripTrailingZeros());
      case BS ->
          operand.type() == AttributeValue.Type.B
              && container.bs().stream()
                  .anyMatch(
                      e ->
                          java.util.Arrays.equals(
                              e.asByteArrayUnsafe(), operand.b().asByteArrayUnsafe()));
      case L -> container.l().stream().anyMatch(e -> equal(e, operand));
      default -> false;
    };
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** DynamoDB equality: numbers compare by value, sets ignore order, maps and lists deeply. */
  public static boolean equal(AttributeValue a, AttributeValue b) {
    if (a == b) {
      return true;
    }
    if (a == null || b == null || a.type() != b.type()) {
      return false;
    }
    return switch (a.type()) {
      case S -> a.s().equals(b.s());
      case N -> new BigDecimal(a.n()).compareTo(new BigDecimal(b.n())) == 0;
      case B -> a.b().equals(b.b());
      case BOOL -> a.bool().equals(b.bool());
      case NUL -> true;
      case SS -> new HashSet<>(a.ss()).equals(new HashSet<>(b.ss()));
      case NS -> numberSet(a.ns()).equals(numberSet(b.ns()));
      case BS -> new HashSet<>(a.bs()).equals(new HashSet<>(b.bs()));
      case L -> listEqual(a.l(), b.l());
      case M -> mapEqual(a.m(), b.m());
      default -> a.equals(b);
    };
  }

  /** Deep equality of two items by {@link #equal(AttributeValue, AttributeValue)}. */
  public static boolean mapEqual(Map<String, AttributeValue> a, Map<String, AttributeValue> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (Map.Entry<String, AttributeValue> e : a.entrySet()) {
      if (!equal(e.getValue(), b.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  private static boolean listEqual(List<AttributeValue> a, List<AttributeValue> b) {
    if (a.size() != b.size()) {
      return false;
    }
    Iterator<AttributeValue> ia = a.iterator();
    Iterator<AttributeValue> ib = b.iterator();
    while (ia.hasNext()) {
      if (!equal(ia.next(), ib.next())) {
        return false;
      }
    }
    return true;
  }

  private static HashSet<BigDecimal> numberSet(List<String> ns) {
    HashSet<BigDecimal> out = new HashSet<>();
    for (String n : ns) {
      out.add(new BigDecimal(n).stripTrailingZeros());
    }
    return out;
  }

  /**
   * A bound that {@link pitr.dynamo.ItemSizes#size(Map)} never exceeds, found without reading any
   * string's characters (a UTF-16 unit is at most three UTF-8 bytes; a number at most 21 bytes):
   * enough to see that an item is far below a limit.
   */
  public static long itemSizeBound(Map<String, AttributeValue> item) {
    long total = 0;
    for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
      total += 3L * e.getKey().length() + sizeBound(e.getValue());
    }
    return total;
  }

  private static long sizeBound(AttributeValue v) {
    return switch (v.type()) {
      case S -> 3L * v.s().length();
      case N -> NUMBER_BOUND;
      case B -> v.b().asByteArrayUnsafe().length;
      case BOOL, NUL -> 1;
      case SS -> v.ss().stream().mapToLong(s -> 3L * s.length()).sum();
      case NS -> NUMBER_BOUND * v.ns().size();
      case BS -> v.bs().stream().mapToLong(b -> b.asByteArrayUnsafe().length).sum();
      case L -> 3 + v.l().stream().mapToLong(e -> 1 + sizeBound(e)).sum();
      case M ->
          3
              + v.m().entrySet().stream()
                  .mapToLong(e -> 1 + 3L * e.getKey().length() + sizeBound(e.getValue()))
                  .sum();
      default -> 0;
    };
  }

  /** 38 significant digits take 19 bytes, plus one; 21 leaves room. */
  private static final long NUMBER_BOUND = 21;

  /**
   * Orders two strings as their UTF-8 bytes would order, without encoding them: UTF-8 byte order is
   * code-point order, which differs from UTF-16 order only where a surrogate meets a character at
   * or above U+E000, so those two ranges are swapped before comparing.
   */
  public static int compareUtf8(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char c1 = a.charAt(i);
      char c2 = b.charAt(i);
      if (c1 != c2) {
        if (c1 >= 0xD800 && c2 >= 0xD800) {
          c1 = codePointOrder(c1);
          c2 = codePointOrder(c2);
        }
        return c1 - c2;
      }
    }
    return a.length() - b.length();
  }

  private static char codePointOrder(char c) {
    return (char) (c >= 0xE000 ? c - 0x800 : c + 0x2000);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static int compareUnsigned(byte[] a, byte[] b) {
    return java.util.Arrays.compareUnsigned(a, b);
  }

  /** Convenience for tests and fixtures. */
  public static AttributeValue bytes(byte[] b) {
    return AttributeValue.fromB(SdkBytes.fromByteArray(b));
  }
}
