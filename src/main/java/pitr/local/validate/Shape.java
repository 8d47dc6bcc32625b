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

  boolean isNumber() {
    return type.equals("integer") || type.equals("long") || type.equals("double");
  }

  /** Whether this shape carries a constraint of its own (not counting what it holds). */
  boolean constrained() {
    return min != null || max != null || pattern != null || enumValues != null;
  }
}
