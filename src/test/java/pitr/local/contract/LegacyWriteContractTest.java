package pitr.local.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static pitr.local.contract.Ddb.assertFailsWith;
import static pitr.local.contract.Ddb.await;
import static pitr.local.contract.Ddb.hashAndRange;
import static pitr.local.contract.Ddb.item;
import static pitr.local.contract.Ddb.l;
import static pitr.local.contract.Ddb.n;
import static pitr.local.contract.Ddb.ns;
import static pitr.local.contract.Ddb.s;
import static pitr.local.contract.Ddb.ss;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeAction;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.AttributeValueUpdate;
import software.amazon.awssdk.services.dynamodb.model.ComparisonOperator;
import software.amazon.awssdk.services.dynamodb.model.Condition;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConditionalOperator;
import software.amazon.awssdk.services.dynamodb.model.ExpectedAttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The legacy write parameters (Expected, ConditionalOperator and AttributeUpdates), each compared
 * with its expression equivalent: the same item after the write, the same conditional failure.
 */
class LegacyWriteContractTest {
  private static String table(Tables tables) {
    return tables.shared("writes", hashAndRange(ScalarAttributeType.N));
  }

  private static Condition cond(ComparisonOperator op, AttributeValue... values) {
    return Condition.builder().comparisonOperator(op).attributeValueList(values).build();
  }

  private static ExpectedAttributeValue expect(ComparisonOperator op, AttributeValue... values) {
    return ExpectedAttributeValue.builder()
        .comparisonOperator(op)
        .attributeValueList(values)
        .build();
  }

  @SuppressWarnings("unchecked")
  private static <V> Map<String, V> orderedMap(Object... namesAndValues) {
    Map<String, V> out = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      out.put((String) namesAndValues[i], (V) namesAndValues[i + 1]);
    }
    return out;
  }

  /** Puts the same item at two fresh keys and returns their keys. */
  private static List<Map<String, AttributeValue>> twins(
      DynamoDbAsyncClient client, String table, Map<String, AttributeValue> attributes) {
    String pk = "twin-" + UUID.randomUUID();
    List<Map<String, AttributeValue>> keys = new ArrayList<>();
    for (int sk = 1; sk <= 2; sk++) {
      Map<String, AttributeValue> key = item("pk", s(pk), "sk", n(sk));
      Map<String, AttributeValue> whole = new HashMap<>(attributes);
      whole.putAll(key);
      await(client.putItem(b -> b.tableName(table).item(whole)));
      keys.add(key);
    }
    return keys;
  }

  private static Map<String, AttributeValue> withoutKey(
      DynamoDbAsyncClient client, String table, Map<String, AttributeValue> key) {
    Map<String, AttributeValue> item =
        new HashMap<>(
            await(client.getItem(b -> b.tableName(table).key(key).consistentRead(true))).item());
    item.remove("pk");
    item.remove("sk");
    return item;
  }

  private static boolean succeeds(Runnable write) {
    try {
      write.run();
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  private static AttributeValueUpdate update(AttributeAction action, AttributeValue value) {
    return AttributeValueUpdate.builder().action(action).value(value).build();
  }

  @BackendTest
  void updateItem_withAttributeUpdates_leavesTheSameItemAsTheUpdateExpression(
      Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    Map<String, AttributeValue> before =
        item(
            "replaced", s("old"),
            "gone", s("x"),
            "count", n(5),
            "tags", ss("a", "b", "c"),
            "nums", ns("1", "2"),
            "list", l(s("x")));
    List<Map<String, AttributeValue>> keys = twins(client, table, before);
    Map<String, AttributeValueUpdate> updates = new LinkedHashMap<>();
    updates.put("replaced", update(AttributeAction.PUT, s("new")));
    updates.put("fresh", update(null, n(1)));
    updates.put("gone", AttributeValueUpdate.builder().action(AttributeAction.DELETE).build());
    updates.put("count", update(AttributeAction.ADD, n(-2)));
    updates.put("tally", update(AttributeAction.ADD, n(3)));
    updates.put("tags", update(AttributeAction.DELETE, ss("a", "z")));
    updates.put("nums", update(AttributeAction.ADD, ns("2", "3")));
    updates.put("more", update(AttributeAction.ADD, ss("m")));
    updates.put("list", update(AttributeAction.ADD, l(n(2))));

    var legacy =
        await(
            client.updateItem(
                b ->
                    b.tableName(table)
                        .key(keys.get(0))
                        .attributeUpdates(updates)
                        .returnValues(ReturnValue.UPDATED_NEW)));
    var expression =
        await(
            client.updateItem(
                b ->
                    b.tableName(table)
                        .key(keys.get(1))
                        .updateExpression(
                            "SET replaced = :put, fresh = :fresh, #l = list_append(#l, :list) REMOVE gone ADD #c :count, tally"
                                + " :tally, nums :nums, more :more DELETE tags :tags")
                        .expressionAttributeNames(Map.of("#c", "count", "#l", "list"))
                        .expressionAttributeValues(
                            Map.of(
                                ":put", s("new"),
                                ":fresh", n(1),
                                ":count", n(-2),
                                ":tally", n(3),
                                ":nums", ns("2", "3"),
                                ":more", ss("m"),
                                ":list", l(n(2)),
                                ":tags", ss("a", "z")))
                        .returnValues(ReturnValue.UPDATED_NEW)));

    Map<String, AttributeValue> after = withoutKey(client, table, keys.get(0));
    assertThat(canonical(after)).isEqualTo(canonical(withoutKey(client, table, keys.get(1))));
    assertThat(after.get("count")).isEqualTo(n(3));
    assertThat(after.get("list")).isEqualTo(l(s("x"), n(2)));
    assertThat(after.get("tags").ss()).containsExactlyInAnyOrder("b", "c");
    assertThat(after).doesNotContainKey("gone");
    assertThat(canonical(legacy.attributes())).isEqualTo(canonical(expression.attributes()));
  }

  /** The item with its sets' members sorted, so that sets compare regardless of order. */
  private static Map<String, AttributeValue> canonical(Map<String, AttributeValue> item) {
    Map<String, AttributeValue> out = new HashMap<>();
    item.forEach(
        (name, v) ->
            out.put(
                name,
                switch (v.type()) {
                  case SS -> AttributeValue.fromSs(v.ss().stream().sorted().toList());
                  case NS -> AttributeValue.fromNs(v.ns().stream().sorted().toList());
                  default -> v;
                }));
    return out;
  }

  @BackendTest
  @ReferenceOnly("moto leaves an empty set behind when deleting elements from a missing set")
  void updateItem_withAttributeUpdatesDeletingFromAMissingSet_leavesItMissing(
      Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    Map<String, AttributeValue> key = twins(client, table, item("v", n(1))).get(0);

    await(
        client.updateItem(
            b ->
                b.tableName(table)
                    .key(key)
                    .attributeUpdates(Map.of("absent", update(AttributeAction.DELETE, ss("q"))))));

    assertThat(withoutKey(client, table, key)).isEqualTo(item("v", n(1)));
  }

  @BackendTest
  void updateItem_withAttributeUpdatesOnAMissingItem_createsItLikeTheUpdateExpression(
      Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    String pk = "missing-" + UUID.randomUUID();
    Map<String, AttributeValue> legacyKey = item("pk", s(pk), "sk", n(1));
    Map<String, AttributeValue> expressionKey = item("pk", s(pk), "sk", n(2));

    await(
        client.updateItem(
            b ->
                b.tableName(table)
                    .key(legacyKey)
                    .attributeUpdates(
                        Map.of(
                            "n", update(AttributeAction.ADD, n(7)),
                            "set", update(AttributeAction.ADD, ss("a")),
                            "nothing",
                                AttributeValueUpdate.builder()
                                    .action(AttributeAction.DELETE)
                                    .build()))));
    await(
        client.updateItem(
            b ->
                b.tableName(table)
                    .key(expressionKey)
                    .updateExpression("ADD n :n, #s :s REMOVE nothing")
                    .expressionAttributeNames(Map.of("#s", "set"))
                    .expressionAttributeValues(Map.of(":n", n(7), ":s", ss("a")))));

    assertThat(withoutKey(client, table, legacyKey))
        .isEqualTo(withoutKey(client, table, expressionKey))
        .isEqualTo(item("n", n(7), "set", ss("a")));
  }

  /** An Expected map and the ConditionExpression DynamoDB documents as its equivalent. */
  private record ExpectedCase(
      Map<String, ExpectedAttributeValue> expected,
      ConditionalOperator operator,
      String condition,
      Map<String, AttributeValue> values) {}

  private static List<ExpectedCase> expectedCases() {
    return List.of(
        new ExpectedCase(
            Map.of("a", ExpectedAttributeValue.builder().value(n(1)).build()),
            null,
            "a = :v",
            Map.of(":v", n(1))),
        new ExpectedCase(
            Map.of("a", ExpectedAttributeValue.builder().value(n(2)).exists(true).build()),
            null,
            "a = :v",
            Map.of(":v", n(2))),
        new ExpectedCase(
            Map.of("a", ExpectedAttributeValue.builder().exists(false).build()),
            null,
            "attribute_not_exists(a)",
            null),
        new ExpectedCase(
            Map.of("zz", ExpectedAttributeValue.builder().exists(false).build()),
            null,
            "attribute_not_exists(zz)",
            null),
        new ExpectedCase(
            Map.of("zz", expect(ComparisonOperator.NE, n(1))),
            null,
            "zz <> :v",
            Map.of(":v", n(1))),
        new ExpectedCase(
            Map.of("a", expect(ComparisonOperator.GT, n(0))), null, "a > :v", Map.of(":v", n(0))),
        new ExpectedCase(
            Map.of("a", expect(ComparisonOperator.LT, s("1"))),
            null,
            "a < :v",
            Map.of(":v", s("1"))),
        new ExpectedCase(
            Map.of("tags", expect(ComparisonOperator.CONTAINS, s("x"))),
            null,
            "contains(tags, :v)",
            Map.of(":v", s("x"))),
        new ExpectedCase(
            Map.of("tags", expect(ComparisonOperator.NOT_CONTAINS, s("x"))),
            null,
            "NOT contains(tags, :v)",
            Map.of(":v", s("x"))),
        new ExpectedCase(
            Map.of("a", expect(ComparisonOperator.NOT_NULL)), null, "attribute_exists(a)", null),
        new ExpectedCase(
            Map.of("a", expect(ComparisonOperator.NULL)), null, "attribute_not_exists(a)", null),
        new ExpectedCase(
            Map.of("a", expect(ComparisonOperator.IN, n(1), n(2))),
            null,
            "a IN (:v, :w)",
            Map.of(":v", n(1), ":w", n(2))),
        new ExpectedCase(
            Map.of("a", expect(ComparisonOperator.BETWEEN, n(2), n(3))),
            null,
            "a BETWEEN :v AND :w",
            Map.of(":v", n(2), ":w", n(3))),
        new ExpectedCase(
            orderedMap(
                "a", expect(ComparisonOperator.EQ, n(9)),
                "zz", ExpectedAttributeValue.builder().exists(false).build()),
            ConditionalOperator.OR,
            "a = :v OR attribute_not_exists(zz)",
            Map.of(":v", n(9))),
        new ExpectedCase(
            orderedMap(
                "a", expect(ComparisonOperator.EQ, n(9)),
                "zz", ExpectedAttributeValue.builder().exists(false).build()),
            ConditionalOperator.AND,
            "a = :v AND attribute_not_exists(zz)",
            Map.of(":v", n(9))));
  }

  @ReferenceOnly("moto evaluates some Expected comparisons differently from DynamoDB")
  @BackendTest
  void putItemAndDeleteItem_withExpected_failOrSucceedAsTheEquivalentConditionExpression(
      Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    Map<String, AttributeValue> attributes = item("a", n(1), "tags", ss("x", "y"));

    for (ExpectedCase c : expectedCases()) {
      List<Map<String, AttributeValue>> keys = twins(client, table, attributes);
      Map<String, AttributeValue> replacement = new HashMap<>(keys.get(0));
      replacement.put("a", n(100));
      boolean legacyPut =
          succeeds(
              () ->
                  await(
                      client.putItem(
                          b ->
                              b.tableName(table)
                                  .item(replacement)
                                  .expected(c.expected())
                                  .conditionalOperator(c.operator()))));
      Map<String, AttributeValue> expressionReplacement = new HashMap<>(keys.get(1));
      expressionReplacement.put("a", n(100));
      boolean expressionPut =
          succeeds(
              () ->
                  await(
                      client.putItem(
                          b ->
                              b.tableName(table)
                                  .item(expressionReplacement)
                                  .conditionExpression(c.condition())
                                  .expressionAttributeValues(c.values()))));

      assertThat(legacyPut).as("PutItem " + c.condition()).isEqualTo(expressionPut);
      assertThat(withoutKey(client, table, keys.get(0)))
          .isEqualTo(withoutKey(client, table, keys.get(1)));

      List<Map<String, AttributeValue>> fresh = twins(client, table, attributes);
      boolean legacyDelete =
          succeeds(
              () ->
                  await(
                      client.deleteItem(
                          b ->
                              b.tableName(table)
                                  .key(fresh.get(0))
                                  .expected(c.expected())
                                  .conditionalOperator(c.operator()))));
      boolean expressionDelete =
          succeeds(
              () ->
                  await(
                      client.deleteItem(
                          b ->
                              b.tableName(table)
                                  .key(fresh.get(1))
                                  .conditionExpression(c.condition())
                                  .expressionAttributeValues(c.values()))));
      assertThat(legacyDelete).as("DeleteItem " + c.condition()).isEqualTo(expressionDelete);
    }
  }

  @BackendTest
  void putItem_withExpectedThatFails_writesNothing(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    Map<String, AttributeValue> key = twins(client, table, item("v", s("first"))).get(0);
    Map<String, AttributeValue> second = new HashMap<>(key);
    second.put("v", s("second"));

    assertFailsWith(
        ConditionalCheckFailedException.class,
        () ->
            await(
                client.putItem(
                    b ->
                        b.tableName(table)
                            .item(second)
                            .expected(
                                Map.of(
                                    "v",
                                    ExpectedAttributeValue.builder().exists(false).build())))));

    assertThat(withoutKey(client, table, key)).isEqualTo(item("v", s("first")));
  }

  @BackendTest
  void updateItem_withExpectedOnAMissingItem_failsLikeTheConditionExpression(
      Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    Map<String, AttributeValue> key = item("pk", s("none-" + UUID.randomUUID()), "sk", n(1));

    assertFailsWith(
        ConditionalCheckFailedException.class,
        () ->
            await(
                client.updateItem(
                    b ->
                        b.tableName(table)
                            .key(key)
                            .attributeUpdates(Map.of("v", update(AttributeAction.PUT, n(1))))
                            .expected(Map.of("v", expect(ComparisonOperator.NOT_NULL))))));

    assertThat(await(client.getItem(b -> b.tableName(table).key(key))).hasItem()).isFalse();
  }
}
