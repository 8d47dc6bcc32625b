package pitr.local.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static pitr.local.contract.Ddb.await;
import static pitr.local.contract.Ddb.hashAndRange;
import static pitr.local.contract.Ddb.item;
import static pitr.local.contract.Ddb.l;
import static pitr.local.contract.Ddb.n;
import static pitr.local.contract.Ddb.putAll;
import static pitr.local.contract.Ddb.s;
import static pitr.local.contract.Ddb.ss;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ComparisonOperator;
import software.amazon.awssdk.services.dynamodb.model.Condition;
import software.amazon.awssdk.services.dynamodb.model.ConditionalOperator;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * The legacy read parameters (ScanFilter, QueryFilter, KeyConditions, AttributesToGet and
 * ConditionalOperator), each compared with its expression equivalent: the same items come back.
 */
class LegacyReadContractTest {
  /** Six items under partition "p" (sort keys 1 to 6) with attributes of several types. */
  private static String seeded(Backend backend, Tables tables) {
    return tables.shared(
        "seeded",
        hashAndRange(ScalarAttributeType.N),
        name -> {
          List<Map<String, AttributeValue>> items = new ArrayList<>();
          items.add(item("pk", s("p"), "sk", n(1), "a", n(1), "s", s("hello"), "tags", ss("x")));
          items.add(item("pk", s("p"), "sk", n(2), "a", n(2), "s", s("help"), "tags", ss("y")));
          items.add(item("pk", s("p"), "sk", n(3), "a", n(3), "s", s("world")));
          items.add(item("pk", s("p"), "sk", n(4), "a", s("4"), "tags", ss("x", "y")));
          items.add(item("pk", s("p"), "sk", n(5), "l", l(s("x"), n(2))));
          items.add(item("pk", s("p"), "sk", n(6), "a", n(6), "s", s("hel")));
          items.add(item("pk", s("q"), "sk", n(1), "a", n(1)));
          putAll(backend.client(), name, items);
        });
  }

  private static Condition cond(ComparisonOperator op, AttributeValue... values) {
    return Condition.builder().comparisonOperator(op).attributeValueList(values).build();
  }

  /** A legacy filter and the FilterExpression DynamoDB documents as its equivalent. */
  private record FilterCase(
      Map<String, Condition> filter,
      ConditionalOperator operator,
      String expression,
      Map<String, AttributeValue> values) {}

  private static FilterCase filterCase(
      String attribute, Condition c, String expression, AttributeValue... values) {
    Map<String, AttributeValue> placeholders = new LinkedHashMap<>();
    for (int i = 0; i < values.length; i++) {
      placeholders.put(":v" + i, values[i]);
    }
    return new FilterCase(Map.of(attribute, c), null, expression, placeholders);
  }

  private static List<FilterCase> everyOperator() {
    return List.of(
        filterCase("a", cond(ComparisonOperator.EQ, n(2)), "a = :v0", n(2)),
        filterCase("a", cond(ComparisonOperator.NE, n(2)), "a <> :v0", n(2)),
        filterCase("a", cond(ComparisonOperator.LE, n(2)), "a <= :v0", n(2)),
        filterCase("a", cond(ComparisonOperator.LT, n(2)), "a < :v0", n(2)),
        filterCase("a", cond(ComparisonOperator.GE, n(3)), "a >= :v0", n(3)),
        filterCase("a", cond(ComparisonOperator.GT, n(3)), "a > :v0", n(3)),
        filterCase("a", cond(ComparisonOperator.NOT_NULL), "attribute_exists(a)"),
        filterCase("a", cond(ComparisonOperator.NULL), "attribute_not_exists(a)"),
        filterCase("s", cond(ComparisonOperator.CONTAINS, s("el")), "contains(s, :v0)", s("el")),
        filterCase(
            "tags", cond(ComparisonOperator.CONTAINS, s("x")), "contains(tags, :v0)", s("x")),
        filterCase("l", cond(ComparisonOperator.CONTAINS, n(2)), "contains(l, :v0)", n(2)),
        // NOT_CONTAINS, unlike NOT contains(...), is false on a missing attribute.
        filterCase(
            "tags",
            cond(ComparisonOperator.NOT_CONTAINS, s("x")),
            "attribute_exists(tags) AND NOT contains(tags, :v0)",
            s("x")),
        filterCase(
            "s", cond(ComparisonOperator.BEGINS_WITH, s("hel")), "begins_with(s, :v0)", s("hel")),
        filterCase("a", cond(ComparisonOperator.IN, n(1), n(3)), "a IN (:v0, :v1)", n(1), n(3)),
        filterCase(
            "a", cond(ComparisonOperator.BETWEEN, n(2), n(6)), "a BETWEEN :v0 AND :v1", n(2), n(6)),
        new FilterCase(
            orderedMap(
                "a",
                cond(ComparisonOperator.EQ, n(1)),
                "s",
                cond(ComparisonOperator.EQ, s("world"))),
            ConditionalOperator.OR,
            "a = :v0 OR s = :v1",
            orderedMap(":v0", n(1), ":v1", s("world"))),
        new FilterCase(
            orderedMap(
                "a",
                cond(ComparisonOperator.GE, n(1)),
                "s",
                cond(ComparisonOperator.BEGINS_WITH, s("hel"))),
            ConditionalOperator.AND,
            "a >= :v0 AND begins_with(s, :v1)",
            orderedMap(":v0", n(1), ":v1", s("hel"))));
  }

  @SuppressWarnings("unchecked")
  private static <V> Map<String, V> orderedMap(Object... namesAndValues) {
    Map<String, V> out = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      out.put((String) namesAndValues[i], (V) namesAndValues[i + 1]);
    }
    return out;
  }

  private static List<Map<String, AttributeValue>> scan(
      DynamoDbAsyncClient client, Consumer<ScanRequest.Builder> request) {
    return await(client.scan(b -> request.accept(b.consistentRead(true)))).items();
  }

  private static List<Map<String, AttributeValue>> query(
      DynamoDbAsyncClient client, Consumer<QueryRequest.Builder> request) {
    return await(client.query(b -> request.accept(b.consistentRead(true)))).items();
  }

  private static List<AttributeValue> sortKeys(List<Map<String, AttributeValue>> items) {
    return items.stream().map(i -> i.get("sk")).toList();
  }

  @ReferenceOnly(
      "moto answers some ScanFilter operators with a server error and treats NE on a missing attribute as false")
  @BackendTest
  void scan_withScanFilter_returnsWhatTheEquivalentFilterExpressionReturns(
      Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = seeded(backend, tables);
    var softly = new org.assertj.core.api.SoftAssertions();

    for (FilterCase c : everyOperator()) {
      List<Map<String, AttributeValue>> legacy =
          scan(
              client,
              b -> b.tableName(table).scanFilter(c.filter()).conditionalOperator(c.operator()));
      List<Map<String, AttributeValue>> expression =
          scan(
              client,
              b ->
                  b.tableName(table)
                      .filterExpression(c.expression())
                      .expressionAttributeValues(c.values().isEmpty() ? null : c.values()));

      softly.assertThat(legacy).as(c.expression()).isEqualTo(expression).isNotEmpty();
    }
    softly.assertAll();
  }

  @ReferenceOnly("moto answers some QueryFilter operators with a server error")
  @BackendTest
  void query_withQueryFilterAndAttributesToGet_returnsWhatTheExpressionsReturn(
      Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = seeded(backend, tables);
    var softly = new org.assertj.core.api.SoftAssertions();

    for (FilterCase c : everyOperator()) {
      List<Map<String, AttributeValue>> legacy =
          query(
              client,
              b ->
                  b.tableName(table)
                      .keyConditions(Map.of("pk", cond(ComparisonOperator.EQ, s("p"))))
                      .queryFilter(c.filter())
                      .conditionalOperator(c.operator())
                      .attributesToGet("sk", "a"));
      Map<String, AttributeValue> values = new HashMap<>(c.values());
      values.put(":p", s("p"));
      List<Map<String, AttributeValue>> expression =
          query(
              client,
              b ->
                  b.tableName(table)
                      .keyConditionExpression("pk = :p")
                      .filterExpression(c.expression())
                      .projectionExpression("sk, a")
                      .expressionAttributeValues(values));

      softly.assertThat(legacy).as(c.expression()).isEqualTo(expression).isNotEmpty();
    }
    softly.assertAll();
  }

  @BackendTest
  void query_withKeyConditionsOnTheSortKey_returnsWhatTheKeyConditionExpressionReturns(
      Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = seeded(backend, tables);
    Map<Condition, String> cases = new LinkedHashMap<>();
    cases.put(cond(ComparisonOperator.EQ, n(3)), "sk = :a");
    cases.put(cond(ComparisonOperator.LT, n(3)), "sk < :a");
    cases.put(cond(ComparisonOperator.LE, n(3)), "sk <= :a");
    cases.put(cond(ComparisonOperator.GT, n(3)), "sk > :a");
    cases.put(cond(ComparisonOperator.GE, n(3)), "sk >= :a");
    cases.put(cond(ComparisonOperator.BETWEEN, n(2), n(4)), "sk BETWEEN :a AND :b");

    for (Map.Entry<Condition, String> c : cases.entrySet()) {
      List<AttributeValue> bounds = c.getKey().attributeValueList();
      Map<String, AttributeValue> values = new HashMap<>();
      values.put(":p", s("p"));
      values.put(":a", bounds.get(0));
      if (bounds.size() > 1) {
        values.put(":b", bounds.get(1));
      }
      for (boolean forward : new boolean[] {true, false}) {
        List<Map<String, AttributeValue>> legacy =
            query(
                client,
                b ->
                    b.tableName(table)
                        .scanIndexForward(forward)
                        .keyConditions(
                            orderedMap(
                                "pk", cond(ComparisonOperator.EQ, s("p")), "sk", c.getKey())));
        List<Map<String, AttributeValue>> expression =
            query(
                client,
                b ->
                    b.tableName(table)
                        .scanIndexForward(forward)
                        .keyConditionExpression("pk = :p AND " + c.getValue())
                        .expressionAttributeValues(values));

        assertThat(sortKeys(legacy)).as(c.getValue()).isEqualTo(sortKeys(expression)).isNotEmpty();
      }
    }
  }

  @ReferenceOnly("moto ignores AttributesToGet on GetItem")
  @BackendTest
  void getItemAndBatchGetItem_withAttributesToGet_returnWhatTheProjectionExpressionReturns(
      Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = seeded(backend, tables);
    Map<String, AttributeValue> key = item("pk", s("p"), "sk", n(1));

    Map<String, AttributeValue> legacy =
        await(client.getItem(b -> b.tableName(table).key(key).attributesToGet("a", "tags", "zz")))
            .item();
    Map<String, AttributeValue> expression =
        await(client.getItem(b -> b.tableName(table).key(key).projectionExpression("a, tags, zz")))
            .item();
    List<Map<String, AttributeValue>> batch =
        await(
                client.batchGetItem(
                    b ->
                        b.requestItems(
                            Map.of(
                                table,
                                KeysAndAttributes.builder()
                                    .keys(key)
                                    .attributesToGet("a", "tags")
                                    .build()))))
            .responses()
            .get(table);

    assertThat(legacy).isEqualTo(expression).isEqualTo(item("a", n(1), "tags", ss("x")));
    assertThat(batch).containsExactly(expression);
  }
}
