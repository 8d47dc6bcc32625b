package pitr.local.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static pitr.local.contract.Ddb.assertValidationError;
import static pitr.local.contract.Ddb.await;
import static pitr.local.contract.Ddb.hashAndRange;
import static pitr.local.contract.Ddb.hashOnly;
import static pitr.local.contract.Ddb.item;
import static pitr.local.contract.Ddb.l;
import static pitr.local.contract.Ddb.m;
import static pitr.local.contract.Ddb.n;
import static pitr.local.contract.Ddb.ns;
import static pitr.local.contract.Ddb.s;
import static pitr.local.contract.Ddb.ss;

import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** UpdateItem's expression language: SET, REMOVE, ADD and DELETE. */
class UpdateExpressionContractTest {

  private static String table(Tables tables) {
    return tables.shared("hash", hashOnly());
  }

  /** Writes {@code attributes} under a new key and returns that key. */
  private static Map<String, AttributeValue> seed(
      DynamoDbAsyncClient client, String table, Object... attributes) {
    Map<String, AttributeValue> key = item("pk", s("upd-" + UUID.randomUUID()));
    Map<String, AttributeValue> full = new java.util.LinkedHashMap<>(key);
    full.putAll(item(attributes));
    await(client.putItem(b -> b.tableName(table).item(full)));
    return key;
  }

  /** Applies {@code expression} and returns the whole item afterwards (ALL_NEW), key removed. */
  private static Map<String, AttributeValue> update(
      DynamoDbAsyncClient client,
      String table,
      Map<String, AttributeValue> key,
      String expression,
      Map<String, AttributeValue> values) {
    return update(client, table, key, expression, values, Map.of());
  }

  private static Map<String, AttributeValue> update(
      DynamoDbAsyncClient client,
      String table,
      Map<String, AttributeValue> key,
      String expression,
      Map<String, AttributeValue> values,
      Map<String, String> names) {
    Map<String, AttributeValue> attributes =
        await(
                client.updateItem(
                    b ->
                        b.tableName(table)
                            .key(key)
                            .updateExpression(expression)
                            .expressionAttributeValues(values.isEmpty() ? null : values)
                            .expressionAttributeNames(names.isEmpty() ? null : names)
                            .returnValues(ReturnValue.ALL_NEW)))
            .attributes();
    Map<String, AttributeValue> withoutKey = new java.util.LinkedHashMap<>(attributes);
    withoutKey.remove("pk");
    return withoutKey;
  }

  @BackendTest
  void set_withPlusAndMinus_doesDecimalArithmetic(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    Map<String, AttributeValue> key = seed(client, table, "up", n("10.5"), "down", n(3));

    Map<String, AttributeValue> after =
        update(
            client,
            table,
            key,
            "SET up = up + :a, down = down - :b",
            Map.of(":a", n("0.25"), ":b", n(5)));

    assertThat(after).isEqualTo(item("up", n("10.75"), "down", n(-2)));
  }

  @BackendTest
  void set_withIfNotExists_initialisesOnceThenKeepsValue(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    Map<String, AttributeValue> key = seed(client, table);
    String expression =
        "SET hits = if_not_exists(hits, :zero) + :one, firstSeen = if_not_exists(firstSeen, :v)";

    update(client, table, key, expression, Map.of(":zero", n(0), ":one", n(1), ":v", s("a")));
    Map<String, AttributeValue> after =
        update(client, table, key, expression, Map.of(":zero", n(0), ":one", n(1), ":v", s("b")));

    assertThat(after).isEqualTo(item("hits", n(2), "firstSeen", s("a")));
  }

  @BackendTest
  void set_withListAppend_appendsAndPrepends(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    Map<String, AttributeValue> key = seed(client, table, "events", l(s("b")));

    Map<String, AttributeValue> after =
        update(
            client,
            table,
            key,
            "SET events = list_append(:front, events)",
            Map.of(":front", l(s("a"))));
    after =
        update(
            client,
            table,
            key,
            "SET events = list_append(events, :back)",
            Map.of(":back", l(s("c"), s("d"))));

    assertThat(after.get("events")).isEqualTo(l(s("a"), s("b"), s("c"), s("d")));
  }

  @BackendTest
  void set_onNestedPath_changesOnlyThatElement(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    Map<String, AttributeValue> key =
        seed(
            client,
            table,
            "a",
            m("b", l(m("c", n(1)), m("c", n(2), "d", s("keep"))), "other", s("keep")));

    Map<String, AttributeValue> after =
        update(client, table, key, "SET a.b[1].c = :v", Map.of(":v", s("changed")));

    assertThat(after.get("a"))
        .isEqualTo(
            m("b", l(m("c", n(1)), m("c", s("changed"), "d", s("keep"))), "other", s("keep")));
  }

  @BackendTest
  void remove_deletesAttributesAndListElements(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    Map<String, AttributeValue> key =
        seed(client, table, "gone", s("x"), "kept", s("y"), "xs", l(n(0), n(1), n(2)));

    Map<String, AttributeValue> after =
        update(client, table, key, "REMOVE gone, xs[0], neverWritten", Map.of());

    assertThat(after).isEqualTo(item("kept", s("y"), "xs", l(n(1), n(2))));
  }

  @BackendTest
  void add_toNumbers_incrementsOrCreates(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    Map<String, AttributeValue> key = seed(client, table, "count", n(5));

    Map<String, AttributeValue> after =
        update(
            client, table, key, "ADD #c :d, fresh :d", Map.of(":d", n(-2)), Map.of("#c", "count"));

    assertThat(after).isEqualTo(item("count", n(3), "fresh", n(-2)));
  }

  @BackendTest
  void add_toSets_unitesValues(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    Map<String, AttributeValue> key = seed(client, table, "tags", ss("a", "b"));

    Map<String, AttributeValue> after =
        update(
            client,
            table,
            key,
            "ADD tags :more, numbers :nums",
            Map.of(":more", ss("b", "c"), ":nums", ns("1", "2")));

    assertThat(after.get("tags").ss()).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(after.get("numbers").ns()).containsExactlyInAnyOrder("1", "2");
  }

  @BackendTest
  void delete_fromSets_removesValuesAndDropsEmptiedSet(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    Map<String, AttributeValue> key =
        seed(client, table, "tags", ss("a", "b", "c"), "nums", ns("1", "2"));

    Map<String, AttributeValue> after =
        update(
            client,
            table,
            key,
            "DELETE tags :drop, nums :all",
            Map.of(":drop", ss("a", "z"), ":all", ns("1", "2")));

    assertThat(after).containsOnlyKeys("tags");
    assertThat(after.get("tags").ss()).containsExactlyInAnyOrder("b", "c");
  }

  @BackendTest
  void update_whenItemIsMissing_createsItFromKeyAndExpression(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    Map<String, AttributeValue> key = item("pk", s("upd-" + UUID.randomUUID()));

    Map<String, AttributeValue> after =
        update(client, table, key, "SET v = :v ADD n :one", Map.of(":v", s("new"), ":one", n(1)));

    assertThat(after).isEqualTo(item("v", s("new"), "n", n(1)));
  }

  @BackendTest
  void set_onKeyAttribute_throwsValidation(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = tables.shared("range", hashAndRange(ScalarAttributeType.S));
    Map<String, AttributeValue> key = item("pk", s("upd-" + UUID.randomUUID()), "sk", s("a"));
    await(client.putItem(b -> b.tableName(table).item(key)));

    assertValidationError(
            () ->
                await(
                    client.updateItem(
                        b ->
                            b.tableName(table)
                                .key(key)
                                .updateExpression("SET sk = :v")
                                .expressionAttributeValues(Map.of(":v", s("b"))))))
        .isEqualTo(
            "One or more parameter values were invalid: Cannot update attribute sk. This"
                + " attribute is part of the key");
  }

  @BackendTest
  void set_onReservedWordWithoutPlaceholder_throwsValidation(Backend backend, Tables tables) {
    String table = table(tables);

    assertValidationError(
            () ->
                await(
                    backend
                        .client()
                        .updateItem(
                            b ->
                                b.tableName(table)
                                    .key(item("pk", s("upd-" + UUID.randomUUID())))
                                    .updateExpression("SET status = :v")
                                    .expressionAttributeValues(Map.of(":v", s("x"))))))
        .isEqualTo(
            "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword:"
                + " status");
  }

  @BackendTest
  @ReferenceOnly("moto accepts empty sets, unreadable numbers and empty names as placeholders")
  void updateItem_withInvalidPlaceholder_namesThePlaceholder(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    Map<String, AttributeValue> key = item("pk", s("placeholder-" + UUID.randomUUID()));

    assertValidationError(
            () ->
                await(
                    client.updateItem(
                        b ->
                            b.tableName(table)
                                .key(key)
                                .updateExpression("SET a = :v")
                                .expressionAttributeValues(Map.of(":v", ss())))))
        .isEqualTo(
            "ExpressionAttributeValues contains invalid value: One or more parameter values were"
                + " invalid: An string set  may not be empty for key :v");
    assertValidationError(
            () ->
                await(
                    client.updateItem(
                        b ->
                            b.tableName(table)
                                .key(key)
                                .updateExpression("SET a = :v")
                                .expressionAttributeValues(Map.of(":v", n("abc"))))))
        .isEqualTo(
            "ExpressionAttributeValues contains invalid value: A value provided cannot be"
                + " converted into a number for key :v");
    assertValidationError(
            () ->
                await(
                    client.updateItem(
                        b ->
                            b.tableName(table)
                                .key(key)
                                .updateExpression("SET #a = :v")
                                .expressionAttributeNames(Map.of("#a", ""))
                                .expressionAttributeValues(Map.of(":v", n(1))))))
        .isEqualTo(
            "ExpressionAttributeNames contains invalid value: Empty attribute name for key #a");
  }
}
