package pitr.local.expr;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ExpectedAttributeValue;

/**
 * Translates the legacy condition parameters ({@code Expected}, {@code QueryFilter}, {@code
 * ScanFilter}, {@code KeyConditions}) into the same condition trees the expression parser builds,
 * so one evaluator serves both, after DynamoDB's checks of their ComparisonOperator, argument
 * counts and types, each failing with DynamoDB's ValidationException message.
 */
public final class LegacyConditions {
  private LegacyConditions() {}

  static final String INVALID = "One or more parameter values were invalid: ";

  /** The operators a Query cannot serve from an index's key order. */
  private static final Set<String> NOT_INDEXABLE =
      Set.of("NULL", "NOT_NULL", "NE", "CONTAINS", "NOT_CONTAINS", "IN");

  private static final Set<String> SCALARS = Set.of("S", "N", "B");

  /**
   * The condition of an {@code Expected} map, its terms joined by {@code conditionalOperator} (AND
   * when null); null when the map is null or empty.
   */
  public static ConditionExpression expected(
      Map<String, ExpectedAttributeValue> expected, String conditionalOperator) {
    if (expected == null || expected.isEmpty()) {
      return null;
    }
    List<Condition> terms = new ArrayList<>();
    for (Map.Entry<String, ExpectedAttributeValue> e : expected.entrySet()) {
      terms.add(expectedTerm(e.getKey(), e.getValue()));
    }
    return join(terms, conditionalOperator);
  }

  /**
   * The condition of a {@code QueryFilter} or {@code ScanFilter} map, its terms joined by {@code
   * conditionalOperator} (AND when null); null when the map is null or empty.
   */
  public static ConditionExpression filter(
      Map<String, software.amazon.awssdk.services.dynamodb.model.Condition> filter,
      String conditionalOperator) {
    if (filter == null || filter.isEmpty()) {
      return null;
    }
    List<Condition> terms = new ArrayList<>();
    for (Map.Entry<String, software.amazon.awssdk.services.dynamodb.model.Condition> e :
        filter.entrySet()) {
      String op = e.getValue().comparisonOperatorAsString();
      List<AttributeValue> values = values(e.getValue());
      checkArguments(op, values);
      terms.add(comparison(e.getKey(), op, values));
    }
    return join(terms, conditionalOperator);
  }

  /**
   * The key condition of a Query's {@code KeyConditions} against the key schema read: an equality
   * on the partition key and at most one indexable condition on the sort key.
   *
   * @param partitionKey the table's or index's partition key
   * @param partitionType its type name (S, N or B)
   * @param sortKey the sort key, or null when there is none
   * @param sortType its type name, or null
   */
  public static KeyConditionExpression keyConditions(
      Map<String, software.amazon.awssdk.services.dynamodb.model.Condition> conditions,
      String partitionKey,
      String partitionType,
      String sortKey,
      String sortType) {
    for (software.amazon.awssdk.services.dynamodb.model.Condition c : conditions.values()) {
      checkArguments(c.comparisonOperatorAsString(), values(c));
    }
    if (conditions.size() != 1 && conditions.size() != 2) {
      throw new ExpressionException("Conditions can be of length 1 or 2 only");
    }
    if (sortKey == null && conditions.size() > 1) {
      throw new ExpressionException("Query key condition not supported");
    }
    String[] keys =
        sortKey == null ? new String[] {partitionKey} : new String[] {partitionKey, sortKey};
    String[] types = {partitionType, sortType};
    SortKeyCondition range = null;
    for (int i = 0; i < keys.length; i++) {
      boolean hash = i == 0;
      software.amazon.awssdk.services.dynamodb.model.Condition c = conditions.get(keys[i]);
      if (c == null) {
        if (hash || conditions.size() > 1) {
          throw new ExpressionException("Query condition missed key schema element: " + keys[i]);
        }
        continue;
      }
      String op = c.comparisonOperatorAsString();
      if (NOT_INDEXABLE.contains(op)) {
        throw new ExpressionException(
            "Attempted conditional constraint is not an indexable operation");
      }
      for (AttributeValue v : values(c)) {
        if (!AttributeValues.typeName(v).equals(types[i])) {
          throw new ExpressionException(
              INVALID + "Condition parameter type does not match schema type");
        }
      }
      if (hash && !op.equals("EQ")) {
        throw new ExpressionException("Query key condition not supported");
      }
      if (!hash) {
        List<AttributeValue> v = values(c);
        range =
            new SortKeyCondition(
                sortKey,
                SortKeyCondition.Operator.valueOf(op),
                v.get(0),
                v.size() > 1 ? v.get(1) : null);
      }
    }
    AttributeValue hashValue = values(conditions.get(partitionKey)).get(0);
    return new KeyConditionExpression(partitionKey, hashValue, Optional.ofNullable(range));
  }

  /** The projection of an {@code AttributesToGet} list: top-level attributes, named literally. */
  public static ProjectionExpression attributesToGet(List<String> names) {
    Set<String> seen = new HashSet<>();
    List<DocumentPath> paths = new ArrayList<>();
    for (String name : names) {
      if (!seen.add(name)) {
        throw new ExpressionException(INVALID + "Duplicate value in attribute name: " + name);
      }
      paths.add(topLevel(name));
    }
    return new PathProjection(paths);
  }

  private static Condition expectedTerm(String name, ExpectedAttributeValue e) {
    boolean hasList = e.hasAttributeValueList();
    String op = e.comparisonOperatorAsString();
    if (hasList && e.value() != null) {
      throw new ExpressionException(
          INVALID + "Value and AttributeValueList cannot be used together for Attribute: " + name);
    }
    if (op != null) {
      if (e.exists() != null) {
        throw new ExpressionException(
            INVALID
                + "Exists and ComparisonOperator cannot be used together for Attribute: "
                + name);
      }
      if (!op.equals("NULL") && !op.equals("NOT_NULL") && !hasList && e.value() == null) {
        throw new ExpressionException(
            INVALID
                + "Value or AttributeValueList must be used with ComparisonOperator: "
                + op
                + " for Attribute: "
                + name);
      }
      List<AttributeValue> values =
          hasList ? e.attributeValueList() : e.value() != null ? List.of(e.value()) : List.of();
      checkArguments(op, values);
      return comparison(name, op, values);
    }
    if (hasList) {
      throw new ExpressionException(
          INVALID
              + "AttributeValueList can only be used with a ComparisonOperator for Attribute: "
              + name);
    }
    boolean exists = e.exists() == null || e.exists();
    if (exists && e.value() == null) {
      throw new ExpressionException(
          INVALID
              + "Value must be provided when Exists is "
              + (e.exists() == null ? "null" : "true")
              + " for Attribute: "
              + name);
    }
    if (!exists && e.value() != null) {
      throw new ExpressionException(
          INVALID + "Value cannot be used when Exists is false for Attribute: " + name);
    }
    if (exists) {
      checkValues(List.of(e.value()));
    }
    return exists
        ? new Condition.Compare(Condition.Comparator.EQ, path(name), constant(name, e.value()))
        : new Condition.AttributeExists(topLevel(name), false);
  }

  private static List<AttributeValue> values(
      software.amazon.awssdk.services.dynamodb.model.Condition c) {
    return c.hasAttributeValueList() ? c.attributeValueList() : List.of();
  }

  /**
   * DynamoDB's checks of one legacy comparison: the operator is known, takes this many values, all
   * of one type that the operator accepts, and a BETWEEN's bounds are in order.
   */
  static void checkArguments(String op, List<AttributeValue> values) {
    if (op == null) {
      throw new ExpressionException(
          "1 validation error detected: Value null at 'comparisonOperator' failed to satisfy"
              + " constraint: Member must not be null");
    }
    int n = values.size();
    boolean countOk =
        switch (op) {
          case "EQ", "NE", "LE", "LT", "GE", "GT", "CONTAINS", "NOT_CONTAINS", "BEGINS_WITH" ->
              n == 1;
          case "NULL", "NOT_NULL" -> n == 0;
          case "IN" -> n >= 1;
          case "BETWEEN" -> n == 2;
          default ->
              throw new ExpressionException(
                  "1 validation error detected: Value '"
                      + op
                      + "' at 'comparisonOperator' failed to satisfy constraint: Member must"
                      + " satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT,"
                      + " NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]");
        };
    if (!countOk) {
      throw new ExpressionException(
          INVALID + "Invalid number of argument(s) for the " + op + " ComparisonOperator");
    }
    if (n == 0) {
      return;
    }
    checkValues(values);
    String type = AttributeValues.typeName(values.get(0));
    for (AttributeValue v : values) {
      if (!AttributeValues.typeName(v).equals(type)) {
        throw new ExpressionException(
            INVALID + "AttributeValues inside AttributeValueList must be of same type");
      }
    }
    boolean typeOk =
        switch (op) {
          case "EQ", "NE" -> true;
          case "BEGINS_WITH" -> type.equals("S") || type.equals("B");
          default -> SCALARS.contains(type);
        };
    if (!typeOk) {
      throw new ExpressionException(
          INVALID
              + "ComparisonOperator "
              + op
              + " is not valid for "
              + type
              + " AttributeValue type");
    }
    if (op.equals("BETWEEN") && AttributeValues.compare(values.get(0), values.get(1)) > 0) {
      throw new ExpressionException(
          "The BETWEEN condition was provided a range where the lower bound is greater than the"
              + " upper bound");
    }
  }

  /** Values DynamoDB cannot read (an empty value, a malformed number) are refused up front. */
  static void checkValues(List<AttributeValue> values) {
    for (AttributeValue v : values) {
      AttributeValues.typeName(v);
      ExpressionContext.checkNumbers(v);
    }
  }

  /** One legacy comparison as the tree the equivalent expression parses into. */
  private static Condition comparison(String name, String op, List<AttributeValue> values) {
    Operand.Path p = path(name);
    return switch (op) {
      case "EQ" -> compare(Condition.Comparator.EQ, p, name, values);
      case "NE" -> compare(Condition.Comparator.NE, p, name, values);
      case "LT" -> compare(Condition.Comparator.LT, p, name, values);
      case "LE" -> compare(Condition.Comparator.LE, p, name, values);
      case "GT" -> compare(Condition.Comparator.GT, p, name, values);
      case "GE" -> compare(Condition.Comparator.GE, p, name, values);
      case "NULL" -> new Condition.AttributeExists(p.path(), false);
      case "NOT_NULL" -> new Condition.AttributeExists(p.path(), true);
      case "CONTAINS" -> new Condition.Contains(p, constant(name, values.get(0)));
      // Unlike NOT contains(...), NOT_CONTAINS fails on a missing attribute.
      case "NOT_CONTAINS" ->
          new Condition.And(
              new Condition.AttributeExists(p.path(), true),
              new Condition.Not(new Condition.Contains(p, constant(name, values.get(0)))));
      case "BEGINS_WITH" -> new Condition.BeginsWith(p, constant(name, values.get(0)));
      case "IN" -> {
        List<Operand> candidates = new ArrayList<>();
        for (AttributeValue v : values) {
          candidates.add(constant(name, v));
        }
        yield new Condition.In(p, candidates);
      }
      default ->
          new Condition.Between(p, constant(name, values.get(0)), constant(name, values.get(1)));
    };
  }

  private static Condition compare(
      Condition.Comparator op, Operand.Path p, String name, List<AttributeValue> values) {
    return new Condition.Compare(op, p, constant(name, values.get(0)));
  }

  private static Condition join(List<Condition> terms, String conditionalOperator) {
    boolean or = "OR".equals(conditionalOperator);
    Condition out = terms.get(0);
    for (int i = 1; i < terms.size(); i++) {
      out = or ? new Condition.Or(out, terms.get(i)) : new Condition.And(out, terms.get(i));
    }
    return out;
  }

  static DocumentPath topLevel(String name) {
    return new DocumentPath(List.of(DocumentPath.Element.key(name)));
  }

  static Operand.Path path(String name) {
    return new Operand.Path(topLevel(name));
  }

  static Operand.Constant constant(String name, AttributeValue value) {
    return new Operand.Constant(name, value);
  }
}
