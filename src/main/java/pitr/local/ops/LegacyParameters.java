package pitr.local.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import pitr.local.Errors;
import pitr.local.SecondaryIndex;
import pitr.local.Table;
import pitr.local.expr.ConditionExpression;
import pitr.local.expr.KeyConditionExpression;
import pitr.local.expr.LegacyConditions;
import pitr.local.expr.LegacyUpdates;
import pitr.local.expr.ProjectionExpression;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The legacy (pre-expression) parameters of each operation: DynamoDB's refusal to mix them with
 * expression parameters, its rules for ConditionalOperator, and their translation into the
 * conditions, key conditions, projections and updates that expressions parse into.
 *
 * <p>Each method runs before the request's expressions are parsed, in DynamoDB's order: the mixing
 * check first, then ConditionalOperator, then the legacy values themselves. All but {@link
 * #queryKeys} need no table and run before the table is looked up.
 */
final class LegacyParameters {
  private LegacyParameters() {}

  /**
   * What a Query or Scan filters and projects by its legacy parameters; each part null when not
   * given.
   */
  record Read(ConditionExpression filter, ProjectionExpression projection) {}

  /**
   * PutItem: ConditionExpression, or Expected joined by ConditionalOperator; parsed without the
   * table, which the caller binds.
   */
  static ParsedWrite.Unbound put(PutItemRequest r) {
    refuseMixing(
        names("Expected", r.hasExpected(), "ConditionalOperator", r.conditionalOperator() != null),
        names("ConditionExpression", r.conditionExpression() != null));
    refuseMapsWithoutExpressions(
        r.hasExpressionAttributeNames(),
        r.hasExpressionAttributeValues(),
        names("ConditionExpression", r.conditionExpression() != null),
        "ConditionExpression");
    ConditionExpression legacy =
        expected(r.conditionalOperatorAsString(), r.expected(), r.hasExpected());
    return ParsedWrite.parse(
            ParsedWrite.Kind.PUT,
            r.item(),
            r.expressionAttributeNames(),
            r.expressionAttributeValues(),
            null,
            r.conditionExpression(),
            r.returnValuesOnConditionCheckFailure())
        .withCondition(legacy);
  }

  /**
   * DeleteItem: ConditionExpression, or Expected joined by ConditionalOperator; parsed without the
   * table, which the caller binds.
   */
  static ParsedWrite.Unbound delete(DeleteItemRequest r) {
    refuseMixing(
        names("Expected", r.hasExpected(), "ConditionalOperator", r.conditionalOperator() != null),
        names("ConditionExpression", r.conditionExpression() != null));
    refuseMapsWithoutExpressions(
        r.hasExpressionAttributeNames(),
        r.hasExpressionAttributeValues(),
        names("ConditionExpression", r.conditionExpression() != null),
        "ConditionExpression");
    ConditionExpression legacy =
        expected(r.conditionalOperatorAsString(), r.expected(), r.hasExpected());
    return ParsedWrite.parse(
            ParsedWrite.Kind.DELETE,
            r.key(),
            r.expressionAttributeNames(),
            r.expressionAttributeValues(),
            null,
            r.conditionExpression(),
            r.returnValuesOnConditionCheckFailure())
        .withCondition(legacy);
  }

  /**
   * UpdateItem: UpdateExpression or AttributeUpdates; ConditionExpression or Expected. Parsed
   * without the table, which the caller binds (and which checks no key attribute is updated).
   */
  static ParsedWrite.Unbound update(UpdateItemRequest r) {
    refuseMixing(
        names(
            "AttributeUpdates",
            r.hasAttributeUpdates(),
            "Expected",
            r.hasExpected(),
            "ConditionalOperator",
            r.conditionalOperator() != null),
        names(
            "UpdateExpression",
            r.updateExpression() != null,
            "ConditionExpression",
            r.conditionExpression() != null));
    refuseMapsWithoutExpressions(
        r.hasExpressionAttributeNames(),
        r.hasExpressionAttributeValues(),
        names(
            "UpdateExpression",
            r.updateExpression() != null,
            "ConditionExpression",
            r.conditionExpression() != null),
        "UpdateExpression",
        "ConditionExpression");
    ConditionExpression legacy =
        expected(r.conditionalOperatorAsString(), r.expected(), r.hasExpected());
    var updates = r.hasAttributeUpdates() ? LegacyUpdates.of(r.attributeUpdates()) : null;
    return ParsedWrite.parse(
            ParsedWrite.Kind.UPDATE,
            r.key(),
            r.expressionAttributeNames(),
            r.expressionAttributeValues(),
            r.updateExpression(),
            r.conditionExpression(),
            r.returnValuesOnConditionCheckFailure())
        .withCondition(legacy)
        .withUpdate(updates);
  }

  /** GetItem: ProjectionExpression or AttributesToGet. */
  static ProjectionExpression get(GetItemRequest r) {
    refuseMapsWithoutExpressions(
        r.hasExpressionAttributeNames(),
        false,
        names("ProjectionExpression", r.projectionExpression() != null));
    return attributesToGet(r.hasAttributesToGet(), r.attributesToGet(), r.projectionExpression());
  }

  /** One table's keys of a BatchGetItem: ProjectionExpression or AttributesToGet. */
  static ProjectionExpression batchGet(KeysAndAttributes ka) {
    refuseMapsWithoutExpressions(
        ka.hasExpressionAttributeNames(),
        false,
        names("ProjectionExpression", ka.projectionExpression() != null));
    return attributesToGet(
        ka.hasAttributesToGet(), ka.attributesToGet(), ka.projectionExpression());
  }

  /**
   * Query's legacy parameters, checked without the table. Every legacy parameter, KeyConditions
   * included, refuses every expression parameter, as DynamoDB does (dynalite lets KeyConditions go
   * with FilterExpression or ProjectionExpression; DynamoDB does not). The KeyConditions themselves
   * need the key schema: see {@link #queryKeys}.
   */
  static Read query(QueryRequest r) {
    boolean keyConditions = r.hasKeyConditions();
    refuseMixing(
        names(
            "AttributesToGet",
            r.hasAttributesToGet(),
            "QueryFilter",
            r.hasQueryFilter(),
            "ConditionalOperator",
            r.conditionalOperator() != null,
            "KeyConditions",
            keyConditions),
        names(
            "ProjectionExpression",
            r.projectionExpression() != null,
            "FilterExpression",
            r.filterExpression() != null,
            "KeyConditionExpression",
            r.keyConditionExpression() != null));
    refuseMapsWithoutExpressions(
        r.hasExpressionAttributeNames(),
        r.hasExpressionAttributeValues(),
        names(
            "ProjectionExpression",
            r.projectionExpression() != null,
            "FilterExpression",
            r.filterExpression() != null,
            "KeyConditionExpression",
            r.keyConditionExpression() != null),
        "FilterExpression",
        "KeyConditionExpression");
    checkConditionalOperator(
        r.conditionalOperator() != null, r.hasQueryFilter() ? r.queryFilter().size() : 0);
    ConditionExpression filter =
        r.hasQueryFilter()
            ? LegacyConditions.filter(r.queryFilter(), r.conditionalOperatorAsString())
            : null;
    ProjectionExpression projection =
        r.hasAttributesToGet() ? LegacyConditions.attributesToGet(r.attributesToGet()) : null;
    if (r.hasAttributesToGet()) {
      checkSelect(r.selectAsString(), "1 validation error detected: ");
    }
    if (!keyConditions && r.keyConditionExpression() == null) {
      throw Errors.validation(
          "Either the KeyConditions or KeyConditionExpression parameter must be specified in the"
              + " request.");
    }
    return new Read(filter, projection);
  }

  /**
   * Query's KeyConditions read against the key schema of the table or index (null when the request
   * gave a KeyConditionExpression), and the refusal of a QueryFilter on a key attribute.
   */
  static KeyConditionExpression queryKeys(Table t, SecondaryIndex idx, QueryRequest r) {
    boolean keyConditions = r.hasKeyConditions();
    String pk = idx == null ? t.partitionKey : idx.partitionKey;
    String sk = idx == null ? t.sortKey : idx.sortKey;
    KeyConditionExpression keys = null;
    if (keyConditions && r.keyConditionExpression() == null) {
      keys =
          LegacyConditions.keyConditions(
              r.keyConditions(),
              pk,
              t.attributeTypes.get(pk).toString(),
              sk,
              sk == null ? null : t.attributeTypes.get(sk).toString());
    }
    if (r.hasQueryFilter()) {
      for (String key : sk == null ? List.of(pk) : List.of(pk, sk)) {
        if (r.queryFilter().containsKey(key)) {
          throw Errors.validation(
              "QueryFilter can only contain non-primary key attributes: Primary key attribute: "
                  + key);
        }
      }
    }
    return keys;
  }

  /** Scan's legacy parameters: ScanFilter with ConditionalOperator, and AttributesToGet. */
  static Read scan(ScanRequest r) {
    refuseMixing(
        names(
            "AttributesToGet",
            r.hasAttributesToGet(),
            "ScanFilter",
            r.hasScanFilter(),
            "ConditionalOperator",
            r.conditionalOperator() != null),
        names(
            "ProjectionExpression",
            r.projectionExpression() != null,
            "FilterExpression",
            r.filterExpression() != null));
    refuseMapsWithoutExpressions(
        r.hasExpressionAttributeNames(),
        r.hasExpressionAttributeValues(),
        names(
            "ProjectionExpression",
            r.projectionExpression() != null,
            "FilterExpression",
            r.filterExpression() != null),
        "FilterExpression");
    checkConditionalOperator(
        r.conditionalOperator() != null, r.hasScanFilter() ? r.scanFilter().size() : 0);
    ConditionExpression filter =
        r.hasScanFilter()
            ? LegacyConditions.filter(r.scanFilter(), r.conditionalOperatorAsString())
            : null;
    ProjectionExpression projection =
        r.hasAttributesToGet() ? LegacyConditions.attributesToGet(r.attributesToGet()) : null;
    if (r.hasAttributesToGet()) {
      checkSelect(r.selectAsString(), "");
    }
    return new Read(filter, projection);
  }

  private static ConditionExpression expected(
      String conditionalOperator,
      Map<String, software.amazon.awssdk.services.dynamodb.model.ExpectedAttributeValue> expected,
      boolean given) {
    checkConditionalOperator(conditionalOperator != null, given ? expected.size() : 0);
    return given ? LegacyConditions.expected(expected, conditionalOperator) : null;
  }

  private static ProjectionExpression attributesToGet(
      boolean given, List<String> names, String projectionExpression) {
    refuseMixing(
        names("AttributesToGet", given),
        names("ProjectionExpression", projectionExpression != null));
    return given ? LegacyConditions.attributesToGet(names) : null;
  }

  /** AttributesToGet picks attributes, which only SPECIFIC_ATTRIBUTES (or no Select) allows. */
  private static void checkSelect(String select, String prefix) {
    if (select == null || select.equals("SPECIFIC_ATTRIBUTES")) {
      return;
    }
    String what =
        switch (select) {
          case "COUNT" -> "only the Count";
          default -> select;
        };
    throw Errors.validation(
        prefix + "Cannot specify the AttributesToGet when choosing to get " + what);
  }

  private static void checkConditionalOperator(boolean given, int conditions) {
    if (!given) {
      return;
    }
    if (conditions == 0) {
      throw Errors.validation("ConditionalOperator cannot be used without Filter or Expected");
    }
    if (conditions == 1) {
      throw Errors.validation(
          "ConditionalOperator can only be used when Filter or Expected has two or more elements");
    }
  }

  /**
   * ExpressionAttributeNames need an expression of the request to appear in, and
   * ExpressionAttributeValues one of {@code valueExpressions} (a projection takes no values).
   */
  private static void refuseMapsWithoutExpressions(
      boolean names, boolean values, List<String> expressions, String... valueExpressions) {
    if (names && expressions.isEmpty()) {
      throw Errors.validation(
          "ExpressionAttributeNames can only be specified when using expressions");
    }
    if (values && expressions.stream().noneMatch(List.of(valueExpressions)::contains)) {
      throw Errors.validation(
          "ExpressionAttributeValues can only be specified when using expressions: "
              + String.join(" and ", valueExpressions)
              + (valueExpressions.length > 1 ? " are null" : " is null"));
    }
  }

  private static void refuseMixing(List<String> legacy, List<String> expressions) {
    if (!legacy.isEmpty() && !expressions.isEmpty()) {
      throw Errors.validation(
          "Can not use both expression and non-expression parameters in the same request:"
              + " Non-expression parameters: {"
              + String.join(", ", legacy)
              + "} Expression parameters: {"
              + String.join(", ", expressions)
              + "}");
    }
  }

  /** The names among {@code namesAndPresence} (name, whether given, ...) that were given. */
  private static List<String> names(Object... namesAndPresence) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < namesAndPresence.length; i += 2) {
      if ((Boolean) namesAndPresence[i + 1]) {
        out.add((String) namesAndPresence[i]);
      }
    }
    return out;
  }
}
