package pitr.local.validate;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;

/**
 * The texts of DynamoDB's constraint violations: the constraints a value breaks, as DynamoDB words
 * them, and values rendered as its Java service renders them. Used only once a request is known to
 * break a constraint, off the hot path.
 */
final class ConstraintText {
  private ConstraintText() {}

  /** Renders a value as DynamoDB's Java service does in its messages. */
  static String render(Object value) {
    if (value instanceof SdkBytes bytes) {
      int n = bytes.asByteArrayUnsafe().length;
      return "java.nio.HeapByteBuffer[pos=0 lim=" + n + " cap=" + n + "]";
    }
    if (value instanceof List<?> list) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < list.size(); i++) {
        sb.append(i == 0 ? "" : ", ").append(render(list.get(i)));
      }
      return sb.append(']').toString();
    }
    if (value instanceof Map<?, ?> map) {
      StringBuilder sb = new StringBuilder("{");
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        sb.append(first ? "" : ", ").append(e.getKey()).append('=').append(render(e.getValue()));
        first = false;
      }
      return sb.append('}').toString();
    }
    return String.valueOf(value);
  }

  /** The texts of all of a shape's own constraints, as DynamoDB lists them in "[...]". */
  static List<String> constraints(Shape shape) {
    List<String> out = new ArrayList<>(3);
    if (shape.isNumber()) {
      addIfPresent(out, shape.min == null ? null : valueMin(shape));
      addIfPresent(out, shape.max == null ? null : valueMax(shape));
      return out;
    }
    addIfPresent(out, shape.pattern == null ? null : pattern(shape));
    addIfPresent(out, shape.max == null ? null : lengthMax(shape));
    addIfPresent(out, shape.min == null ? null : lengthMin(shape));
    addIfPresent(out, shape.enumValues == null ? null : enumSet(shape));
    return out;
  }

  static String valueMin(Shape s) {
    return "Member must have value greater than or equal to " + plain(s.min);
  }

  static String valueMax(Shape s) {
    return "Member must have value less than or equal to " + plain(s.max);
  }

  static String lengthMin(Shape s) {
    return "Member must have length greater than or equal to " + plain(s.min);
  }

  static String lengthMax(Shape s) {
    return "Member must have length less than or equal to " + plain(s.max);
  }

  static String pattern(Shape s) {
    return "Member must satisfy regular expression pattern: " + s.pattern.pattern();
  }

  static String enumSet(Shape s) {
    return "Member must satisfy enum value set: [" + String.join(", ", s.enumValues) + "]";
  }

  private static void addIfPresent(List<String> out, String s) {
    if (s != null) {
      out.add(s);
    }
  }

  static String plain(BigDecimal d) {
    return d.stripTrailingZeros().toPlainString();
  }

  /** Whether {@code value} breaks any of {@code shape}'s own constraints. */
  static boolean broken(Shape shape, Object value) {
    return !shape.accepts(value) && !breaches(shape, value).isEmpty();
  }

  /** The texts of the constraints {@code value} breaks; an empty list (no allocation) if none. */
  static List<String> breaches(Shape shape, Object value) {
    List<String> out = List.of();
    if (shape.isNumber() && value instanceof Number number) {
      BigDecimal v = new BigDecimal(number.toString());
      if (shape.min != null && v.compareTo(shape.min) < 0) {
        out = add(out, valueMin(shape));
      }
      if (shape.max != null && v.compareTo(shape.max) > 0) {
        out = add(out, valueMax(shape));
      }
      return out;
    }
    if (shape.pattern != null && value instanceof String s && !shape.pattern.matcher(s).matches()) {
      out = add(out, pattern(shape));
    }
    long length = length(value);
    if (shape.min != null && length >= 0 && length < shape.min.longValue()) {
      out = add(out, lengthMin(shape));
    }
    if (shape.max != null && length >= 0 && length > shape.max.longValue()) {
      out = add(out, lengthMax(shape));
    }
    if (shape.enumValues != null && !shape.enumValues.contains(String.valueOf(value))) {
      out = add(out, enumSet(shape));
    }
    return out;
  }

  private static List<String> add(List<String> out, String constraint) {
    List<String> grown = out.isEmpty() ? new ArrayList<>(2) : out;
    grown.add(constraint);
    return grown;
  }

  private static long length(Object value) {
    if (value instanceof String s) {
      return s.length();
    }
    if (value instanceof List<?> l) {
      return l.size();
    }
    if (value instanceof Map<?, ?> m) {
      return m.size();
    }
    if (value instanceof SdkBytes b) {
      return b.asByteArrayUnsafe().length;
    }
    return -1;
  }
}
