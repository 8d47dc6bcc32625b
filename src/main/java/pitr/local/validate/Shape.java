package pitr.local.validate;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One shape of the service model: its type ({@code structure}, {@code list}, {@code map}, {@code
 * string}, {@code integer}, ...), its constraints and, for containers, the shapes it holds.
 */
public final class Shape {
  final String name;
  final String type;
  final BigDecimal min;
  final BigDecimal max;
  final Pattern pattern;
  final List<String> enumValues;
  private final List<String[]> memberNames;
  final Set<String> required;
  private final boolean number;
  private final boolean constrained;
  private final long minLong;
  private final long maxLong;
  private final String memberName;
  private final String keyName;
  private final String valueName;

  /** Structure members in model order, resolved after loading. */
  List<Member> members = List.of();

  Shape element;
  Shape key;
  Shape value;

  /** A structure member: its model name and shape. */
  public record Member(String name, Shape shape, boolean required) {}

  Shape(
      String name,
      String type,
      BigDecimal min,
      BigDecimal max,
      Pattern pattern,
      List<String> enumValues,
      List<String[]> memberNames,
      Set<String> required,
      String memberName,
      String keyName,
      String valueName) {
    this.name = name;
    this.type = type;
    this.min = min;
    this.max = max;
    this.pattern = pattern;
    this.enumValues = enumValues;
    this.memberNames = memberNames;
    this.required = required;
    this.memberName = memberName;
    this.keyName = keyName;
    this.valueName = valueName;
    this.number = type.equals("integer") || type.equals("long") || type.equals("double");
    this.constrained = min != null || max != null || pattern != null || enumValues != null;
    this.minLong =
        min == null ? Long.MIN_VALUE : min.setScale(0, java.math.RoundingMode.CEILING).longValue();
    this.maxLong =
        max == null ? Long.MAX_VALUE : max.setScale(0, java.math.RoundingMode.FLOOR).longValue();
  }

  void resolve(Map<String, Shape> shapes) {
    List<Member> resolved = new ArrayList<>(memberNames.size());
    for (String[] m : memberNames) {
      resolved.add(new Member(m[0], shapes.get(m[1]), required.contains(m[0])));
    }
    members = List.copyOf(resolved);
    element = memberName == null ? null : shapes.get(memberName);
    key = keyName == null ? null : shapes.get(keyName);
    value = valueName == null ? null : shapes.get(valueName);
  }

  /** The shape's name in the model, e.g. {@code TableName}. */
  public String name() {
    return name;
  }

  /** The model type: structure, list, map, string, integer, long, boolean, blob, timestamp... */
  public String type() {
    return type;
  }

  /** Structure members, in model order; empty for other types. */
  public List<Member> members() {
    return members;
  }

  /** A list's element shape. */
  public Shape element() {
    return element;
  }

  /** A map's value shape. */
  public Shape value() {
    return value;
  }

  /** A map's key shape. */
  public Shape key() {
    return key;
  }

  /** The least length (strings, blobs, lists, maps) or value (numbers), or null. */
  public BigDecimal min() {
    return min;
  }

  /** The greatest length or value, or null. */
  public BigDecimal max() {
    return max;
  }

  /** The allowed values, or null. */
  public List<String> enumValues() {
    return enumValues;
  }

  /** The pattern every value must match in full, or null. */
  public Pattern pattern() {
    return pattern;
  }

  /**
   * The greatest length when that is this string shape's only constraint (an attribute name's),
   * which a caller can then check inline; -1 otherwise.
   */
  long maxLengthIfOnlyConstraint() {
    boolean onlyMax =
        type.equals("string")
            && max != null
            && min == null
            && pattern == null
            && enumValues == null;
    return onlyMax ? maxLong : -1;
  }

  boolean isNumber() {
    return number;
  }

  /** Whether this shape carries a constraint of its own (not counting what it holds). */
  boolean constrained() {
    return constrained;
  }

  /**
   * Whether this shape carries a constraint a value of at most {@code bound} characters, bytes,
   * elements or entries can break: a length-only constraint whose greatest length is at least
   * {@code bound} cannot, so a request decoded from a body of {@code bound} bytes need not check
   * it.
   */
  boolean constrainedWithin(long bound) {
    if (!constrained) {
      return false;
    }
    boolean maxLengthOnly = !number && max != null && min == null && pattern == null;
    return !(maxLengthOnly && enumValues == null && maxLong >= bound);
  }

  /**
   * Whether {@code value} meets this shape's own constraints, decided without allocating: the
   * common case on the hot path, before any message is built.
   */
  boolean accepts(Object value) {
    if (!constrained) {
      return true;
    }
    if (number) {
      if (value instanceof Integer || value instanceof Long) {
        long v = ((Number) value).longValue();
        return (min == null || v >= minLong) && (max == null || v <= maxLong);
      }
      return false;
    }
    if (value instanceof String s) {
      int length = s.length();
      return (min == null || length >= minLong)
          && (max == null || length <= maxLong)
          && (enumValues == null || enumValues.contains(s))
          && (pattern == null || pattern.matcher(s).matches());
    }
    if (value instanceof java.util.Collection<?> c) {
      return (min == null || c.size() >= minLong) && (max == null || c.size() <= maxLong);
    }
    if (value instanceof Map<?, ?> m) {
      return (min == null || m.size() >= minLong) && (max == null || m.size() <= maxLong);
    }
    return false;
  }
}
