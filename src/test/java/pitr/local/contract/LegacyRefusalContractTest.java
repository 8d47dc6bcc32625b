package pitr.local.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static pitr.local.contract.Ddb.await;
import static pitr.local.contract.Ddb.hashAndRange;
import static pitr.local.contract.Ddb.hashOnly;
import static pitr.local.contract.Ddb.item;
import static pitr.local.contract.Ddb.l;
import static pitr.local.contract.Ddb.n;
import static pitr.local.contract.Ddb.ns;
import static pitr.local.contract.Ddb.s;
import static pitr.local.contract.Ddb.ss;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeAction;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.AttributeValueUpdate;
import software.amazon.awssdk.services.dynamodb.model.ComparisonOperator;
import software.amazon.awssdk.services.dynamodb.model.Condition;
import software.amazon.awssdk.services.dynamodb.model.ConditionalOperator;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ExpectedAttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.Select;

/**
 * Legacy parameters DynamoDB refuses, each with its ValidationException message: legacy and
 * expression parameters mixed in one request, ConditionalOperator without two conditions, and
 * malformed comparisons, Expected entries, AttributeUpdates and KeyConditions. A refused write
 * changes nothing.
 */
class LegacyRefusalContractTest {

  private static final String MIXED =
      "Can not use both expression and non-expression parameters in the same request: ";
  private static final String INVALID = "One or more parameter values were invalid: ";

  private record Refusal(String name, ThrowingCallable call, String message) {}

  private static Condition cond(ComparisonOperator op, AttributeValue... values) {
    return Condition.builder().comparisonOperator(op).attributeValueList(values).build();
  }

  private static ExpectedAttributeValue expect(ComparisonOperator op, AttributeValue... values) {
    return ExpectedAttributeValue.builder()
        .comparisonOperator(op)
        .attributeValueList(values)
        .build();
  }

  @SafeVarargs
  private static <V> Map<String, V> ordered(Map.Entry<String, V>... entries) {
    Map<String, V> out = new LinkedHashMap<>();
    for (Map.Entry<String, V> e : entries) {
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  private static void assertRefusals(List<Refusal> refusals) {
    SoftAssertions softly = new SoftAssertions();
    for (Refusal r : refusals) {
      Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(r.call());
      softly.assertThat(thrown).as(r.name()).isExactlyInstanceOf(DynamoDbException.class);
      if (thrown instanceof DynamoDbException e) {
        softly
            .assertThat(e.awsErrorDetails().errorCode())
            .as(r.name())
            .isEqualTo("ValidationException");
        softly.assertThat(e.awsErrorDetails().errorMessage()).as(r.name()).isEqualTo(r.message());
      }
    }
    softly.assertAll();
  }

  private static String rangeTable(Backend backend, Tables tables) {
    return tables.shared(
        "range",
        hashAndRange(ScalarAttributeType.N),
        name ->
            await(
                backend
                    .client()
                    .putItem(
                        b -> b.tableName(name).item(item("pk", s("p"), "sk", n(1), "a", s("x"))))));
  }

  private static String hashTable(Tables tables) {
    return tables.shared("hash", hashOnly());
  }

  private static List<Refusal> mixing(DynamoDbAsyncClient client, String range, String hash) {
    Map<String, AttributeValue> key = item("pk", s("p"), "sk", n(1));
    Map<String, Condition> one = Map.of("a", cond(ComparisonOperator.EQ, s("x")));
    Map<String, Condition> pkIsP = Map.of("pk", cond(ComparisonOperator.EQ, s("p")));
    Map<String, ExpectedAttributeValue> expected =
        Map.of("a", expect(ComparisonOperator.EQ, s("x")));
    List<Refusal> out = new ArrayList<>();
    out.add(
        new Refusal(
            "Query QueryFilter with FilterExpression",
            () ->
                await(
                    client.query(
                        b ->
                            b.tableName(range)
                                .keyConditions(pkIsP)
                                .queryFilter(one)
                                .filterExpression("a = :v")
                                .expressionAttributeValues(Map.of(":v", s("x"))))),
            MIXED
                + "Non-expression parameters: {QueryFilter, KeyConditions} Expression parameters:"
                + " {FilterExpression}"));
    out.add(
        new Refusal(
            "Query with every parameter",
            () ->
                await(
                    client.query(
                        b ->
                            b.tableName(range)
                                .keyConditions(pkIsP)
                                .queryFilter(one)
                                .conditionalOperator(ConditionalOperator.AND)
                                .keyConditionExpression("pk = :p")
                                .filterExpression("a = :v")
                                .projectionExpression("a")
                                .expressionAttributeValues(Map.of(":p", s("p"), ":v", s("x"))))),
            MIXED
                + "Non-expression parameters: {QueryFilter, ConditionalOperator, KeyConditions}"
                + " Expression parameters: {ProjectionExpression, FilterExpression,"
                + " KeyConditionExpression}"));
    out.add(
        new Refusal(
            "Scan with every parameter",
            () ->
                await(
                    client.scan(
                        b ->
                            b.tableName(range)
                                .attributesToGet("a")
                                .scanFilter(one)
                                .conditionalOperator(ConditionalOperator.AND)
                                .filterExpression("a = :v")
                                .projectionExpression("a")
                                .expressionAttributeValues(Map.of(":v", s("x"))))),
            MIXED
                + "Non-expression parameters: {AttributesToGet, ScanFilter, ConditionalOperator}"
                + " Expression parameters: {ProjectionExpression, FilterExpression}"));
    out.add(
        new Refusal(
            "PutItem Expected and ConditionalOperator with ConditionExpression",
            () ->
                await(
                    client.putItem(
                        b ->
                            b.tableName(range)
                                .item(item("pk", s("p"), "sk", n(1), "a", s("changed")))
                                .expected(expected)
                                .conditionalOperator(ConditionalOperator.AND)
                                .conditionExpression("attribute_exists(pk)"))),
            MIXED
                + "Non-expression parameters: {Expected, ConditionalOperator} Expression"
                + " parameters: {ConditionExpression}"));
    out.add(
        new Refusal(
            "UpdateItem with every parameter",
            () ->
                await(
                    client.updateItem(
                        b ->
                            b.tableName(range)
                                .key(key)
                                .attributeUpdates(
                                    Map.of(
                                        "a",
                                        AttributeValueUpdate.builder()
                                            .action(AttributeAction.PUT)
                                            .value(s("changed"))
                                            .build()))
                                .expected(expected)
                                .conditionalOperator(ConditionalOperator.AND)
                                .updateExpression("SET a = :v")
                                .conditionExpression("attribute_exists(pk)")
                                .expressionAttributeValues(Map.of(":v", s("changed"))))),
            MIXED
                + "Non-expression parameters: {AttributeUpdates, Expected, ConditionalOperator}"
                + " Expression parameters: {UpdateExpression, ConditionExpression}"));
    out.add(
        new Refusal(
            "DeleteItem Expected with ConditionExpression",
            () ->
                await(
                    client.deleteItem(
                        b ->
                            b.tableName(range)
                                .key(key)
                                .expected(expected)
                                .conditionExpression("attribute_exists(pk)"))),
            MIXED
                + "Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}"));
    out.add(
        new Refusal(
            "GetItem AttributesToGet with ProjectionExpression",
            () ->
                await(
                    client.getItem(
                        b ->
                            b.tableName(range)
                                .key(key)
                                .attributesToGet("a")
                                .projectionExpression("a"))),
            MIXED
                + "Non-expression parameters: {AttributesToGet} Expression parameters:"
                + " {ProjectionExpression}"));
    out.add(
        new Refusal(
            "BatchGetItem AttributesToGet with ProjectionExpression",
            () ->
                await(
                    client.batchGetItem(
                        b ->
                            b.requestItems(
                                Map.of(
                                    range,
                                    KeysAndAttributes.builder()
                                        .keys(key)
                                        .attributesToGet("a")
                                        .projectionExpression("a")
                                        .build())))),
            MIXED
                + "Non-expression parameters: {AttributesToGet} Expression parameters:"
                + " {ProjectionExpression}"));
    out.add(
        new Refusal(
            "UpdateItem AttributeUpdates with ExpressionAttributeValues",
            () ->
                await(
                    client.updateItem(
                        b ->
                            b.tableName(range)
                                .key(key)
                                .attributeUpdates(
                                    Map.of(
                                        "a",
                                        AttributeValueUpdate.builder()
                                            .action(AttributeAction.PUT)
                                            .value(s("changed"))
                                            .build()))
                                .expressionAttributeValues(Map.of(":v", s("changed"))))),
            "ExpressionAttributeValues can only be specified when using expressions:"
                + " UpdateExpression and ConditionExpression are null"));
    out.add(
        new Refusal(
            "Scan ScanFilter with ExpressionAttributeNames",
            () ->
                await(
                    client.scan(
                        b ->
                            b.tableName(range)
                                .scanFilter(one)
                                .expressionAttributeNames(Map.of("#a", "a")))),
            "ExpressionAttributeNames can only be specified when using expressions"));
    out.add(
        new Refusal(
            "Scan ConditionalOperator without ScanFilter",
            () ->
                await(
                    client.scan(
                        b -> b.tableName(hash).conditionalOperator(ConditionalOperator.AND))),
            "ConditionalOperator cannot be used without Filter or Expected"));
    out.add(
        new Refusal(
            "Scan ConditionalOperator with one condition",
            () ->
                await(
                    client.scan(
                        b ->
                            b.tableName(hash)
                                .scanFilter(one)
                                .conditionalOperator(ConditionalOperator.OR))),
            "ConditionalOperator can only be used when Filter or Expected has two or more elements"));
    out.add(
        new Refusal(
            "PutItem ConditionalOperator without Expected",
            () ->
                await(
                    client.putItem(
                        b ->
                            b.tableName(hash)
                                .item(item("pk", s("new")))
                                .conditionalOperator(ConditionalOperator.AND))),
            "ConditionalOperator cannot be used without Filter or Expected"));
    out.add(
        new Refusal(
            "Query ConditionalOperator without any key condition",
            () ->
                await(
                    client.query(
                        b -> b.tableName(hash).conditionalOperator(ConditionalOperator.AND))),
            "ConditionalOperator cannot be used without Filter or Expected"));
    return out;
  }

  private static List<Refusal> comparisons(DynamoDbAsyncClient client, String hash) {
    List<Refusal> out = new ArrayList<>();
    Object[][] cases = {
      {
        expect(ComparisonOperator.EQ, n(1), n(2)),
        INVALID + "Invalid number of argument(s) for the EQ ComparisonOperator"
      },
      {
        expect(ComparisonOperator.NULL, n(1)),
        INVALID + "Invalid number of argument(s) for the NULL ComparisonOperator"
      },
      {expect(ComparisonOperator.IN), ""},
      {
        expect(ComparisonOperator.BETWEEN, n(1)),
        INVALID + "Invalid number of argument(s) for the BETWEEN ComparisonOperator"
      },
      {
        expect(ComparisonOperator.IN, n(1), s("x")),
        INVALID + "AttributeValues inside AttributeValueList must be of same type"
      },
      {
        expect(ComparisonOperator.BEGINS_WITH, n(1)),
        INVALID + "ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type"
      },
      {
        expect(ComparisonOperator.LT, ss("x")),
        INVALID + "ComparisonOperator LT is not valid for SS AttributeValue type"
      },
      {
        expect(ComparisonOperator.BETWEEN, n(5), n(1)),
        "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"
      },
      {
        ExpectedAttributeValue.builder().exists(true).build(),
        INVALID + "Value must be provided when Exists is true for Attribute: a"
      },
      {
        ExpectedAttributeValue.builder().build(),
        INVALID + "Value must be provided when Exists is null for Attribute: a"
      },
      {
        ExpectedAttributeValue.builder().exists(false).value(n(1)).build(),
        INVALID + "Value cannot be used when Exists is false for Attribute: a"
      },
      {
        ExpectedAttributeValue.builder()
            .exists(true)
            .comparisonOperator(ComparisonOperator.NOT_NULL)
            .build(),
        INVALID + "Exists and ComparisonOperator cannot be used together for Attribute: a"
      },
      {
        ExpectedAttributeValue.builder()
            .value(n(1))
            .comparisonOperator(ComparisonOperator.EQ)
            .attributeValueList(n(1))
            .build(),
        INVALID + "Value and AttributeValueList cannot be used together for Attribute: a"
      },
      {
        ExpectedAttributeValue.builder().attributeValueList(n(1)).build(),
        INVALID + "AttributeValueList can only be used with a ComparisonOperator for Attribute: a"
      },
      {
        ExpectedAttributeValue.builder().comparisonOperator(ComparisonOperator.EQ).build(),
        INVALID
            + "Value or AttributeValueList must be used with ComparisonOperator: EQ for Attribute: a"
      },
    };
    for (Object[] c : cases) {
      ExpectedAttributeValue e = (ExpectedAttributeValue) c[0];
      String message =
          ((String) c[1]).isEmpty()
              ? INVALID + "Invalid number of argument(s) for the IN ComparisonOperator"
              : (String) c[1];
      out.add(
          new Refusal(
              "Expected " + e,
              () ->
                  await(
                      client.putItem(
                          b ->
                              b.tableName(hash)
                                  .item(item("pk", s("p"), "a", s("changed")))
                                  .expected(Map.of("a", e)))),
              message));
    }
    out.add(
        new Refusal(
            "ScanFilter with too many arguments",
            () ->
                await(
                    client.scan(
                        b ->
                            b.tableName(hash)
                                .scanFilter(Map.of("a", cond(ComparisonOperator.NOT_NULL, n(1)))))),
            INVALID + "Invalid number of argument(s) for the NOT_NULL ComparisonOperator"));
    return out;
  }

  private static AttributeValueUpdate update(AttributeAction action, AttributeValue value) {
    return AttributeValueUpdate.builder().action(action).value(value).build();
  }

  private static List<Refusal> updates(DynamoDbAsyncClient client, String range) {
    Map<String, AttributeValue> key = item("pk", s("p"), "sk", n(1));
    Object[][] cases = {
      {
        "a",
        update(AttributeAction.PUT, null),
        INVALID + "Only DELETE action is allowed when no attribute value is specified"
      },
      {
        "a",
        update(AttributeAction.ADD, null),
        INVALID + "Only DELETE action is allowed when no attribute value is specified"
      },
      {
        "a",
        update(AttributeAction.DELETE, s("x")),
        INVALID + "DELETE action with value is not supported for the type S"
      },
      {
        "a",
        update(AttributeAction.ADD, s("x")),
        INVALID + "ADD action is not supported for the type S"
      },
      {"a", update(AttributeAction.ADD, n(1)), "Type mismatch for attribute to update"},
      {"a", update(AttributeAction.DELETE, ns("1")), "Type mismatch for attribute to update"},
      {"a", update(AttributeAction.ADD, l(n(1))), "Type mismatch for attribute to update"},
      {
        "sk",
        update(AttributeAction.PUT, n(2)),
        INVALID + "Cannot update attribute sk. This attribute is part of the key"
      },
    };
    List<Refusal> out = new ArrayList<>();
    for (Object[] c : cases) {
      out.add(
          new Refusal(
              "AttributeUpdates " + c[0] + " " + c[1],
              () ->
                  await(
                      client.updateItem(
                          b ->
                              b.tableName(range)
                                  .key(key)
                                  .attributeUpdates(
                                      Map.of((String) c[0], (AttributeValueUpdate) c[1])))),
              (String) c[2]));
    }
    return out;
  }

  private static List<Refusal> keyConditions(
      DynamoDbAsyncClient client, String range, String hash) {
    Condition pkIsP = cond(ComparisonOperator.EQ, s("p"));
    Object[][] cases = {
      {
        range,
        ordered(Map.entry("pk", pkIsP), Map.entry("a", cond(ComparisonOperator.EQ, s("x")))),
        "Query condition missed key schema element: sk"
      },
      {
        range,
        Map.of("sk", cond(ComparisonOperator.EQ, n(1))),
        "Query condition missed key schema element: pk"
      },
      {
        hash,
        ordered(Map.entry("pk", pkIsP), Map.entry("a", cond(ComparisonOperator.EQ, s("x")))),
        "Query key condition not supported"
      },
      {
        range,
        Map.of("pk", cond(ComparisonOperator.NE, s("p"))),
        "Attempted conditional constraint is not an indexable operation"
      },
      {
        range,
        Map.of("pk", cond(ComparisonOperator.BEGINS_WITH, s("p"))),
        "Query key condition not supported"
      },
      {
        range,
        Map.of("pk", cond(ComparisonOperator.EQ, n(1))),
        INVALID + "Condition parameter type does not match schema type"
      },
      {
        range,
        ordered(Map.entry("pk", pkIsP), Map.entry("sk", cond(ComparisonOperator.CONTAINS, n(1)))),
        "Attempted conditional constraint is not an indexable operation"
      },
    };
    List<Refusal> out = new ArrayList<>();
    for (Object[] c : cases) {
      @SuppressWarnings("unchecked")
      Map<String, Condition> conditions = (Map<String, Condition>) c[1];
      out.add(
          new Refusal(
              "KeyConditions " + conditions,
              () -> await(client.query(b -> b.tableName((String) c[0]).keyConditions(conditions))),
              (String) c[2]));
    }
    out.add(
        new Refusal(
            "QueryFilter on the sort key",
            () ->
                await(
                    client.query(
                        b ->
                            b.tableName(range)
                                .keyConditions(Map.of("pk", pkIsP))
                                .queryFilter(Map.of("sk", cond(ComparisonOperator.GT, n(0)))))),
            "QueryFilter can only contain non-primary key attributes: Primary key attribute: sk"));
    out.add(
        new Refusal(
            "AttributesToGet with a duplicate",
            () -> await(client.scan(b -> b.tableName(range).attributesToGet("a", "b", "a"))),
            INVALID + "Duplicate value in attribute name: a"));
    out.add(
        new Refusal(
            "Scan AttributesToGet with Select COUNT",
            () ->
                await(
                    client.scan(b -> b.tableName(range).attributesToGet("a").select(Select.COUNT))),
            "Cannot specify the AttributesToGet when choosing to get only the Count"));
    out.add(
        new Refusal(
            "Query AttributesToGet with Select ALL_ATTRIBUTES",
            () ->
                await(
                    client.query(
                        b ->
                            b.tableName(range)
                                .keyConditions(Map.of("pk", pkIsP))
                                .attributesToGet("a")
                                .select(Select.ALL_ATTRIBUTES))),
            "1 validation error detected: Cannot specify the AttributesToGet when choosing to get"
                + " ALL_ATTRIBUTES"));
    return out;
  }

  @BackendTest
  @ReferenceOnly("moto accepts most mixed requests and names only some parameters in its message")
  void legacyAndExpressionParameters_inOneRequest_areRefusedAndNothingIsWritten(
      Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String range = rangeTable(backend, tables);

    assertRefusals(mixing(client, range, hashTable(tables)));

    assertThat(
            await(client.getItem(b -> b.tableName(range).key(item("pk", s("p"), "sk", n(1)))))
                .item())
        .isEqualTo(item("pk", s("p"), "sk", n(1), "a", s("x")));
  }

  @BackendTest
  @ReferenceOnly("moto accepts malformed Expected entries and evaluates them")
  void malformedLegacyComparisons_areRefusedWithDynamoDbsMessages(Backend backend, Tables tables) {
    assertRefusals(comparisons(backend.client(), hashTable(tables)));
  }

  @BackendTest
  @ReferenceOnly("moto accepts AttributeUpdates actions DynamoDB refuses")
  void malformedAttributeUpdates_areRefusedWithDynamoDbsMessages(Backend backend, Tables tables) {
    assertRefusals(updates(backend.client(), rangeTable(backend, tables)));
  }

  @BackendTest
  @ReferenceOnly("moto accepts most malformed KeyConditions and AttributesToGet")
  void malformedKeyConditionsAndAttributesToGet_areRefusedWithDynamoDbsMessages(
      Backend backend, Tables tables) {
    assertRefusals(keyConditions(backend.client(), rangeTable(backend, tables), hashTable(tables)));
  }
}
