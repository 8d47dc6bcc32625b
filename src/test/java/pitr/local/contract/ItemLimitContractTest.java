package pitr.local.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static pitr.local.contract.Ddb.assertValidationError;
import static pitr.local.contract.Ddb.await;
import static pitr.local.contract.Ddb.filler;
import static pitr.local.contract.Ddb.hashOnly;
import static pitr.local.contract.Ddb.item;
import static pitr.local.contract.Ddb.l;
import static pitr.local.contract.Ddb.m;
import static pitr.local.contract.Ddb.n;
import static pitr.local.contract.Ddb.s;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * DynamoDB's limits on what one item may hold: how deep documents nest, how large it grows, how
 * long its attribute names may be.
 */
class ItemLimitContractTest {
  private static final String TOO_DEEP =
      "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels"
          + " beyond supported limit";

  private static String table(Tables tables) {
    return tables.shared("hash", hashOnly());
  }

  private static AttributeValue newKey() {
    return s("item-" + UUID.randomUUID());
  }

  /** A string wrapped in {@code maps} single-entry maps. */
  private static AttributeValue inMaps(int maps) {
    AttributeValue v = s("leaf");
    for (int i = 0; i < maps; i++) {
      v = m("a", v);
    }
    return v;
  }

  /** A string wrapped in {@code lists} single-element lists. */
  private static AttributeValue inLists(int lists) {
    AttributeValue v = s("leaf");
    for (int i = 0; i < lists; i++) {
      v = l(v);
    }
    return v;
  }

  @BackendTest
  void putItem_withValueIn31Maps_storesItAsWritten(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    Map<String, AttributeValue> written = item("pk", newKey(), "d", inMaps(31));

    await(client.putItem(b -> b.tableName(table).item(written)));

    Map<String, AttributeValue> read =
        await(
                client.getItem(
                    b ->
                        b.tableName(table).key(item("pk", written.get("pk"))).consistentRead(true)))
            .item();
    assertThat(read).isEqualTo(written);
  }

  @BackendTest
  @ReferenceOnly("moto stores documents of any depth")
  void putItem_withValueIn32Maps_isRefusedAsNestedTooDeep(Backend backend, Tables tables) {
    String table = table(tables);

    assertValidationError(
            () ->
                await(
                    backend
                        .client()
                        .putItem(
                            b -> b.tableName(table).item(item("pk", newKey(), "d", inMaps(32))))))
        .isEqualTo(TOO_DEEP);
  }

  @BackendTest
  @ReferenceOnly("moto stores documents of any depth")
  void updateItem_settingValueIn40Lists_isRefusedAsNestedTooDeep(Backend backend, Tables tables) {
    String table = table(tables);

    assertValidationError(
            () ->
                await(
                    backend
                        .client()
                        .updateItem(
                            b ->
                                b.tableName(table)
                                    .key(item("pk", newKey()))
                                    .updateExpression("SET e = :v")
                                    .expressionAttributeValues(Map.of(":v", inLists(40))))))
        .isEqualTo(TOO_DEEP);
  }

  @BackendTest
  @ReferenceOnly("moto stores documents of any depth")
  void updateItem_nestingAMapOneLevelTooDeep_isRefusedAsNestedTooDeep(
      Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    AttributeValue pk = newKey();
    await(client.putItem(b -> b.tableName(table).item(item("pk", pk, "d", inMaps(31)))));
    String leaf = "d" + ".a".repeat(31);

    assertValidationError(
            () ->
                await(
                    client.updateItem(
                        b ->
                            b.tableName(table)
                                .key(item("pk", pk))
                                .updateExpression("SET " + leaf + " = :v")
                                .expressionAttributeValues(Map.of(":v", inMaps(1))))))
        .isEqualTo(TOO_DEEP);
  }

  @BackendTest
  @ReferenceOnly("moto stores documents of any depth")
  void batchWriteItem_withValueIn32Maps_isRefusedAsNestedTooDeep(Backend backend, Tables tables) {
    String table = table(tables);
    WriteRequest put =
        WriteRequest.builder()
            .putRequest(p -> p.item(item("pk", newKey(), "d", inMaps(32))))
            .build();

    assertValidationError(
            () ->
                await(
                    backend
                        .client()
                        .batchWriteItem(b -> b.requestItems(Map.of(table, List.of(put))))))
        .isEqualTo(TOO_DEEP);
  }

  @BackendTest
  @ReferenceOnly("moto stores documents of any depth")
  void transactWriteItems_withValueIn32Maps_isRefusedAsNestedTooDeep(
      Backend backend, Tables tables) {
    String table = table(tables);
    TransactWriteItem put =
        TransactWriteItem.builder()
            .put(p -> p.tableName(table).item(item("pk", newKey(), "d", inMaps(32))))
            .build();

    assertValidationError(
            () -> await(backend.client().transactWriteItems(b -> b.transactItems(put))))
        .isEqualTo(TOO_DEEP);
  }

  @BackendTest
  void updateItem_growingTheItemPast400Kb_isRefusedInUpdateItemsWords(
      Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    AttributeValue pk = newKey();
    await(client.putItem(b -> b.tableName(table).item(item("pk", pk, "d", s(filler(300_000))))));

    assertValidationError(
            () ->
                await(
                    client.updateItem(
                        b ->
                            b.tableName(table)
                                .key(item("pk", pk))
                                .updateExpression("SET e = :v")
                                .expressionAttributeValues(Map.of(":v", s(filler(150_000)))))))
        .isEqualTo("Item size to update has exceeded the maximum allowed size");
  }

  @BackendTest
  void putItem_withAttributeNameOf65535Characters_storesIt(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    Map<String, AttributeValue> written = item("pk", newKey(), "n".repeat(65_535), s("x"));

    await(client.putItem(b -> b.tableName(table).item(written)));

    Map<String, AttributeValue> read =
        await(
                client.getItem(
                    b ->
                        b.tableName(table).key(item("pk", written.get("pk"))).consistentRead(true)))
            .item();
    assertThat(read).isEqualTo(written);
  }

  @BackendTest
  @ReferenceOnly("moto cannot read numbers with huge exponents and stores zero with any exponent")
  void putItem_withNumberOutOfRange_isOverflowOrUnderflow(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    String overflow =
        "Number overflow. Attempting to store a number with magnitude larger than supported range";
    String underflow =
        "Number underflow. Attempting to store a number with magnitude smaller than supported"
            + " range";
    Map<String, String> expected =
        Map.of(
            "1e99999999999", overflow,
            "1e-99999999999", underflow,
            "1e2147483648", overflow,
            "0e126", overflow,
            "0e-131", underflow);

    expected.forEach(
        (number, message) ->
            assertValidationError(
                    () ->
                        await(
                            client.putItem(
                                b ->
                                    b.tableName(table).item(item("pk", newKey(), "v", n(number))))))
                .as(number)
                .isEqualTo(message));
    await(client.putItem(b -> b.tableName(table).item(item("pk", newKey(), "v", n("0e125")))));
    await(client.putItem(b -> b.tableName(table).item(item("pk", newKey(), "v", n("0e-130")))));
  }
}
