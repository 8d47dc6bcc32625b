package pitr.migrate.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A DynamoDB condition expression with its placeholders, for a conditional write. A write whose
 * condition fails completes with {@link WriteOutcome#CONDITION_FAILED} instead of an error.
 *
 * <p>Placeholder names used by {@link Update} start with {@code #u} and {@code :u}; use other names
 * here.
 *
 * @param expression the condition, e.g. {@code attribute_not_exists(#p)}
 * @param names expression attribute names, e.g. {@code #p -> price}
 * @param values expression attribute values, e.g. {@code :v -> {"N": "1"}}
 */
public record Condition(
    String expression, Map<String, String> names, Map<String, AttributeValue> values) {

  public Condition {
    Objects.requireNonNull(expression, "expression");
    names = Map.copyOf(names);
    values = Map.copyOf(values);
  }

  /**
   * A condition without placeholders, or one to add them to with {@link #name} and {@link #value}.
   */
  public static Condition of(String expression) {
    return new Condition(expression, Map.of(), Map.of());
  }

  /** Holds when the item has the attribute: {@code attribute_exists(attribute)}. */
  public static Condition attributeExists(String attribute) {
    return of("attribute_exists(#c0)").name("#c0", attribute);
  }

  /** Holds when the item lacks the attribute (or does not exist). */
  public static Condition attributeNotExists(String attribute) {
    return of("attribute_not_exists(#c0)").name("#c0", attribute);
  }

  /** This condition with one more expression attribute name. */
  public Condition name(String placeholder, String attribute) {
    Map<String, String> n = new LinkedHashMap<>(names);
    n.put(placeholder, attribute);
    return new Condition(expression, n, values);
  }

  /** This condition with one more expression attribute value. */
  public Condition value(String placeholder, AttributeValue value) {
    Map<String, AttributeValue> v = new LinkedHashMap<>(values);
    v.put(placeholder, value);
    return new Condition(expression, names, v);
  }
}
