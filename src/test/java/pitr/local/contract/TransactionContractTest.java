package pitr.local.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static pitr.local.contract.Ddb.assertFailsWith;
import static pitr.local.contract.Ddb.assertValidationError;
import static pitr.local.contract.Ddb.await;
import static pitr.local.contract.Ddb.hashOnly;
import static pitr.local.contract.Ddb.item;
import static pitr.local.contract.Ddb.n;
import static pitr.local.contract.Ddb.putAll;
import static pitr.local.contract.Ddb.s;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ItemResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * TransactWriteItems and TransactGetItems: all-or-nothing writes and their cancellation reasons.
 */
class TransactionContractTest {

  private static String table(Tables tables) {
    return tables.shared("hash", hashOnly());
  }

  private static Map<String, AttributeValue> key(String prefix, String name) {
    return item("pk", s(prefix + name));
  }

  private static String prefix() {
    return "tx-" + UUID.randomUUID().toString().substring(0, 8) + "-";
  }

  private static Map<String, AttributeValue> get(
      DynamoDbAsyncClient client, String table, Map<String, AttributeValue> key) {
    return await(client.getItem(b -> b.tableName(table).key(key).consistentRead(true))).item();
  }

  @BackendTest
  void transactWriteItems_withEveryActionKind_appliesThemTogether(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    String p = prefix();
    putAll(
        client,
        table,
        List.of(
            item("pk", s(p + "counter"), "n", n(1)),
            item("pk", s(p + "doomed"), "v", s("x")),
            item("pk", s(p + "guard"), "state", s("open"))));

    await(
        client.transactWriteItems(
            b ->
                b.transactItems(
                    TransactWriteItem.builder()
                        .put(x -> x.tableName(table).item(item("pk", s(p + "new"), "v", s("y"))))
                        .build(),
                    TransactWriteItem.builder()
                        .update(
                            x ->
                                x.tableName(table)
                                    .key(key(p, "counter"))
                                    .updateExpression("SET n = n + :one")
                                    .expressionAttributeValues(Map.of(":one", n(1))))
                        .build(),
                    TransactWriteItem.builder()
                        .delete(x -> x.tableName(table).key(key(p, "doomed")))
                        .build(),
                    TransactWriteItem.builder()
                        .conditionCheck(
                            x ->
                                x.tableName(table)
                                    .key(key(p, "guard"))
                                    .conditionExpression("#s = :open")
                                    .expressionAttributeNames(Map.of("#s", "state"))
                                    .expressionAttributeValues(Map.of(":open", s("open"))))
                        .build())));

    assertThat(get(client, table, key(p, "new"))).containsEntry("v", s("y"));
    assertThat(get(client, table, key(p, "counter"))).containsEntry("n", n(2));
    assertThat(get(client, table, key(p, "doomed"))).isEmpty();
  }

  @BackendTest
  void transactWriteItems_whenOneConditionFails_cancelsWithReasonAtItsIndexAndAppliesNothing(
      Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    String p = prefix();
    putAll(
        client,
        table,
        List.of(
            item("pk", s(p + "a"), "n", n(1)), item("pk", s(p + "guard"), "state", s("closed"))));

    TransactionCanceledException error =
        assertFailsWith(
            TransactionCanceledException.class,
            () ->
                await(
                    client.transactWriteItems(
                        b ->
                            b.transactItems(
                                TransactWriteItem.builder()
                                    .update(
                                        x ->
                                            x.tableName(table)
                                                .key(key(p, "a"))
                                                .updateExpression("SET n = :two")
                                                .expressionAttributeValues(Map.of(":two", n(2))))
                                    .build(),
                                TransactWriteItem.builder()
                                    .conditionCheck(
                                        x ->
                                            x.tableName(table)
                                                .key(key(p, "guard"))
                                                .conditionExpression("#s = :open")
                                                .expressionAttributeNames(Map.of("#s", "state"))
                                                .expressionAttributeValues(
                                                    Map.of(":open", s("open"))))
                                    .build(),
                                TransactWriteItem.builder()
                                    .put(x -> x.tableName(table).item(item("pk", s(p + "b"))))
                                    .build()))));

    assertThat(error.cancellationReasons())
        .extracting(CancellationReason::code)
        .containsExactly("None", "ConditionalCheckFailed", "None");
    assertThat(error.awsErrorDetails().errorMessage())
        .isEqualTo(
            "Transaction cancelled, please refer cancellation reasons for specific reasons"
                + " [None, ConditionalCheckFailed, None]");
    assertThat(get(client, table, key(p, "a"))).containsEntry("n", n(1));
    assertThat(get(client, table, key(p, "b"))).isEmpty();
  }

  @BackendTest
  void transactWriteItems_withTwoActionsOnOneItem_throwsValidation(Backend backend, Tables tables) {
    String table = table(tables);
    String p = prefix();

    assertValidationError(
            () ->
                await(
                    backend
                        .client()
                        .transactWriteItems(
                            b ->
                                b.transactItems(
                                    TransactWriteItem.builder()
                                        .put(x -> x.tableName(table).item(key(p, "same")))
                                        .build(),
                                    TransactWriteItem.builder()
                                        .delete(x -> x.tableName(table).key(key(p, "same")))
                                        .build()))))
        .isEqualTo("Transaction request cannot include multiple operations on one item");
  }

  @BackendTest
  void transactGetItems_returnsItemsInRequestOrderWithEmptyResponsesForMissingOnes(
      Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    String p = prefix();
    putAll(
        client,
        table,
        List.of(item("pk", s(p + "one"), "v", n(1)), item("pk", s(p + "two"), "v", n(2))));

    List<ItemResponse> responses =
        await(
                client.transactGetItems(
                    b ->
                        b.transactItems(
                            TransactGetItem.builder()
                                .get(g -> g.tableName(table).key(key(p, "two")))
                                .build(),
                            TransactGetItem.builder()
                                .get(g -> g.tableName(table).key(key(p, "missing")))
                                .build(),
                            TransactGetItem.builder()
                                .get(g -> g.tableName(table).key(key(p, "one")))
                                .build())))
            .responses();

    assertThat(responses).hasSize(3);
    assertThat(responses.get(0).item()).isEqualTo(item("pk", s(p + "two"), "v", n(2)));
    assertThat(responses.get(1).hasItem()).isFalse();
    assertThat(responses.get(2).item()).isEqualTo(item("pk", s(p + "one"), "v", n(1)));
  }

  @BackendTest
  @ReferenceOnly("moto ignores ProjectionExpression in TransactGetItems and returns whole items")
  void transactGetItems_withProjectionExpression_returnsOnlyNamedAttributes(
      Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    String p = prefix();
    putAll(client, table, List.of(item("pk", s(p + "one"), "v", n(1), "w", n(2))));

    List<ItemResponse> responses =
        await(
                client.transactGetItems(
                    b ->
                        b.transactItems(
                            TransactGetItem.builder()
                                .get(
                                    g ->
                                        g.tableName(table)
                                            .key(key(p, "one"))
                                            .projectionExpression("v"))
                                .build())))
            .responses();

    assertThat(responses).extracting(ItemResponse::item).containsExactly(item("v", n(1)));
  }
}
