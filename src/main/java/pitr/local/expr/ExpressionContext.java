package pitr.local.expr;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.util.SdkAutoConstructMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Parses the expressions of one request against its ExpressionAttributeNames and
 * ExpressionAttributeValues, and remembers which placeholders were used so that unused ones can be
 * rejected the way DynamoDB rejects them.
 *
 * <p>Every method throws {@link ExpressionException} carrying DynamoDB's ValidationException
 * message. The parsed expressions are immutable and safe to evaluate many times and from several
 * threads; the context itself is meant for one request on one thread.
 */
public final class ExpressionContext {
  private final Map<String, String> names;
  private final Map<String, AttributeValue> values;
  private final boolean namesGiven;
  private final boolean valuesGiven;
  private final Set<String> usedNames = new HashSet<>();
  private final Set<String> usedValues = new HashSet<>();
  private final Map<String, Set<String>> attributes = new HashMap<>();
  private final Map<String, Set<String>> nestedAttributes = new HashMap<>();

  /**
   * @param names ExpressionAttributeNames of the request, or null
   * @param values ExpressionAttributeValues of the request, or null
   * @throws ExpressionException when a map is given empty or a value holds an unreadable number
   */
  public ExpressionContext(Map<String, String> names, Map<String, AttributeValue> values) {
    // The SDK hands out an auto-construct placeholder for a map the request did not set.
    this.namesGiven = names != null && !(names instanceof SdkAutoConstructMap);
    this.valuesGiven = values != null && !(values instanceof SdkAutoConstructMap);
    this.names = names == null ? Map.of() : names;
    this.values = values == null ? Map.of() : values;
    // DynamoDB refuses an empty map before it parses any expression.
    if (valuesGiven && this.values.isEmpty()) {
      throw new ExpressionException("ExpressionAttributeValues must not be empty");
    }
    if (namesGiven && this.names.isEmpty()) {
      throw new ExpressionException("ExpressionAttributeNames must not be empty");
    }
    this.names.forEach(
        (key, name) -> {
          if (name != null && name.isEmpty()) {
            throw new ExpressionException(
                "ExpressionAttributeNames contains invalid value: Empty attribute name for key "
                    + key);
          }
        });
    this.values.forEach(
        (key, value) -> {
          try {
            checkNumbers(value);
            checkSets(value);
          } catch (ExpressionException e) {
            throw new ExpressionException(
                "ExpressionAttributeValues contains invalid value: "
                    + e.getMessage()
                    + " for key "
                    + key);
          }
        });
  }

  /** DynamoDB refuses an empty set anywhere in a placeholder value, as in an item. */
  private static void checkSets(AttributeValue v) {
    if (v == null || v.type() == null) {
      return;
    }
    switch (v.type()) {
      case L -> v.l().forEach(ExpressionContext::checkSets);
      case M -> v.m().values().forEach(ExpressionContext::checkSets);
      default -> {
        String empty = AttributeValues.emptySet(v);
        if (empty != null) {
          throw new ExpressionException(empty);
        }
      }
    }
  }

  /** DynamoDB rejects a placeholder value holding a number it cannot read, before evaluating. */
  static void checkNumbers(AttributeValue v) {
    switch (v.type()) {
      case N -> checkNumber(v.n());
      case NS -> v.ns().forEach(ExpressionContext::checkNumber);
      case L -> v.l().forEach(ExpressionContext::checkNumbers);
      case M -> v.m().values().forEach(ExpressionContext::checkNumbers);
      default -> {}
    }
  }

  private static void checkNumber(String n) {
    try {
      new java.math.BigDecimal(n.trim());
    } catch (NumberFormatException | NullPointerException e) {
      throw new ExpressionException("A value provided cannot be converted into a number");
    }
  }

  /** Parses a ConditionExpression. */
  public ConditionExpression condition(String expression) {
    return condition(expression, "ConditionExpression");
  }

  /**
   * Parses a condition under another parameter name, so that errors say, for example, "Invalid
   * FilterExpression: ...".
   *
   * @param kind the request parameter holding the expression, such as {@code FilterExpression}
   */
  public ConditionExpression condition(String expression, String kind) {
    return new Parser(this, kind, expression).condition();
  }

  /** Parses an UpdateExpression. */
  public UpdateExpression update(String expression) {
    return new Parser(this, "UpdateExpression", expression).update();
  }

  /** Parses a ProjectionExpression. */
  public ProjectionExpression projection(String expression) {
    return new Parser(this, "ProjectionExpression", expression).projection();
  }

  /**
   * Parses a KeyConditionExpression. When both conditions are equalities the first one is taken as
   * the partition key; use {@link #keyCondition(String, String)} when the key schema is known.
   */
  public KeyConditionExpression keyCondition(String expression) {
    return keyCondition(expression, null);
  }

  /**
   * Parses a KeyConditionExpression, taking the equality on {@code partitionKeyName} as the
   * partition-key condition. Names are not checked against the schema; the caller does that.
   */
  public KeyConditionExpression keyCondition(String expression, String partitionKeyName) {
    return new Parser(this, "KeyConditionExpression", expression).keyCondition(partitionKeyName);
  }

  /**
   * Rejects placeholders that no parsed expression used, with DynamoDB's messages. Call after every
   * expression of the request is parsed.
   */
  public void checkAllUsed() {
    if (values.isEmpty() && names.isEmpty()) {
      return; // most point reads and writes: nothing to check, and no streams to build
    }
    for (String key : values.keySet()) {
      if (!key.startsWith(":")) {
        throw new ExpressionException(
            "ExpressionAttributeValues contains invalid key: Syntax error; key: \"" + key + "\"");
      }
    }
    for (String key : names.keySet()) {
      if (!key.startsWith("#")) {
        throw new ExpressionException(
            "ExpressionAttributeNames contains invalid key: Syntax error; key: \"" + key + "\"");
      }
    }
    List<String> unusedValues =
        values.keySet().stream().filter(k -> !usedValues.contains(k)).toList();
    if (!unusedValues.isEmpty()) {
      throw new ExpressionException(
          "Value provided in ExpressionAttributeValues unused in expressions: keys: {"
              + String.join(", ", unusedValues)
              + "}");
    }
    List<String> unusedNames = names.keySet().stream().filter(k -> !usedNames.contains(k)).toList();
    if (!unusedNames.isEmpty()) {
      throw new ExpressionException(
          "Value provided in ExpressionAttributeNames unused in expressions: keys: {"
              + String.join(", ", unusedNames)
              + "}");
    }
  }

  /**
   * The top-level attributes the expressions of {@code kind} (such as {@code FilterExpression})
   * parsed so far refer to.
   */
  public Set<String> attributes(String kind) {
    return attributes.getOrDefault(kind, Set.of());
  }

  /**
   * The top-level attributes the expressions of {@code kind} parsed so far reach into with {@code
   * .} or {@code []}.
   */
  public Set<String> nestedAttributes(String kind) {
    return nestedAttributes.getOrDefault(kind, Set.of());
  }

  void notePath(String kind, DocumentPath path) {
    attributes.computeIfAbsent(kind, k -> new LinkedHashSet<>()).add(path.topLevel());
    if (path.length() > 1) {
      nestedAttributes.computeIfAbsent(kind, k -> new LinkedHashSet<>()).add(path.topLevel());
    }
  }

  /** The attribute name a {@code #placeholder} stands for, or null; marks it used. */
  String lookupName(String placeholder) {
    String name = names.get(placeholder);
    if (name != null) {
      usedNames.add(placeholder);
    }
    return name;
  }

  /** The value a {@code :placeholder} stands for, or null; marks it used. */
  AttributeValue lookupValue(String placeholder) {
    AttributeValue value = values.get(placeholder);
    if (value != null) {
      usedValues.add(placeholder);
    }
    return value;
  }
}
