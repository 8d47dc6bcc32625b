package pitr.local.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static pitr.local.contract.Ddb.assertFailsWith;
import static pitr.local.contract.Ddb.assertValidationError;
import static pitr.local.contract.Ddb.await;
import static pitr.local.contract.Ddb.b;
import static pitr.local.contract.Ddb.bool;
import static pitr.local.contract.Ddb.filler;
import static pitr.local.contract.Ddb.hashAndRange;
import static pitr.local.contract.Ddb.hashOnly;
import static pitr.local.contract.Ddb.item;
import static pitr.local.contract.Ddb.l;
import static pitr.local.contract.Ddb.m;
import static pitr.local.contract.Ddb.n;
import static pitr.local.contract.Ddb.ns;
import static pitr.local.contract.Ddb.s;
import static pitr.local.contract.Ddb.ss;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/** Single-item reads and writes: PutItem, GetItem, DeleteItem and UpdateItem basics. */
class ItemContractTest {

  private static String table(Tables tables) {
    return tables.shared("hash", hashOnly());
  }

  private static String rangeTable(Tables tables) {
    return tables.shared("range", hashAndRange(ScalarAttributeType.N));
  }

  private static String newKey() {
    return "item-" + UUID.randomUUID();
  }

  private static Map<String, AttributeValue> get(
      DynamoDbAsyncClient client, String table, Map<String, AttributeValue> key) {
    return await(client.getItem(b -> b.tableName(table).key(key).consistentRead(true))).item();
  }

  @BackendTest
  void putItem_thenGetItem_returnsEveryAttributeTypeUnchanged(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    Map<String, AttributeValue> written =
        item(
            "pk", s(newKey()),
            "string", s("héllo wörld"),
            "number", n("-12.500"),
            "binary", b(new byte[] {0, 1, 2, (byte) 255}),
            "flag", bool(true),
            "nothing", AttributeValue.fromNul(true),
            "strings", ss("a", "b"),
            "numbers", ns("1", "2.5"),
            "binaries",
                AttributeValue.fromBs(
                    List.of(SdkBytes.fromByteArray(new byte[] {1}), SdkBytes.fromUtf8String("z"))),
            "list", l(s("x"), n(1), l(bool(false))),
            "map", m("inner", m("deep", s("v")), "n", n(7)));

    await(client.putItem(b -> b.tableName(table).item(written)));

    Map<String, AttributeValue> read = get(client, table, item("pk", written.get("pk")));
    assertThat(read).containsOnlyKeys(written.keySet());
    assertThat(read.get("string")).isEqualTo(s("héllo wörld"));
    assertThat(read.get("number").n()).isIn("-12.5", "-12.500");
    assertThat(read.get("binary")).isEqualTo(written.get("binary"));
    assertThat(read.get("flag")).isEqualTo(bool(true));
    assertThat(read.get("nothing")).isEqualTo(AttributeValue.fromNul(true));
    assertThat(read.get("strings").ss()).containsExactlyInAnyOrder("a", "b");
    assertThat(read.get("numbers").ns()).containsExactlyInAnyOrder("1", "2.5");
    assertThat(read.get("binaries").bs()).hasSize(2);
    assertThat(read.get("list")).isEqualTo(written.get("list"));
    assertThat(read.get("map")).isEqualTo(written.get("map"));
  }

  @BackendTest
  void getItem_whenItemIsMissing_returnsNoItem(Backend backend, Tables tables) {
    String table = table(tables);

    GetItemResponse response =
        await(backend.client().getItem(b -> b.tableName(table).key(item("pk", s(newKey())))));

    assertThat(response.hasItem()).isFalse();
  }

  @BackendTest
  void getItem_withEventualAndStrongConsistency_returnsTheWrittenItem(
      Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = rangeTable(tables);
    Map<String, AttributeValue> written = item("pk", s(newKey()), "sk", n(3), "v", s("one"));
    await(client.putItem(b -> b.tableName(table).item(written)));
    Map<String, AttributeValue> key = item("pk", written.get("pk"), "sk", n(3));

    Map<String, AttributeValue> strong =
        await(client.getItem(b -> b.tableName(table).key(key).consistentRead(true))).item();
    Map<String, AttributeValue> eventual =
        await(client.getItem(b -> b.tableName(table).key(key).consistentRead(false))).item();

    assertThat(strong).isEqualTo(written);
    assertThat(eventual).isIn(written, Map.of());
  }

  @BackendTest
  void putItem_whenConditionHolds_writesItem(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    Map<String, AttributeValue> written = item("pk", s(newKey()), "v", n(1));

    await(
        client.putItem(
            b -> b.tableName(table).item(written).conditionExpression("attribute_not_exists(pk)")));

    assertThat(get(client, table, item("pk", written.get("pk")))).isEqualTo(written);
  }

  @BackendTest
  void putItem_whenConditionFails_throwsConditionalCheckFailedAndKeepsItem(
      Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    Map<String, AttributeValue> original = item("pk", s(newKey()), "status", s("open"));
    await(client.putItem(b -> b.tableName(table).item(original)));

    ConditionalCheckFailedException error =
        assertFailsWith(
            ConditionalCheckFailedException.class,
            () ->
                await(
                    client.putItem(
                        b ->
                            b.tableName(table)
                                .item(item("pk", original.get("pk"), "status", s("closed")))
                                .conditionExpression("#st = :expected")
                                .expressionAttributeNames(Map.of("#st", "status"))
                                .expressionAttributeValues(Map.of(":expected", s("closed"))))));

    assertThat(error.awsErrorDetails().errorMessage()).isEqualTo("The conditional request failed");
    assertThat(get(client, table, item("pk", original.get("pk")))).isEqualTo(original);
  }

  @BackendTest
  void putItem_withReturnValuesAllOld_returnsReplacedItem(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    Map<String, AttributeValue> original = item("pk", s(newKey()), "v", s("old"), "gone", n(1));
    await(client.putItem(b -> b.tableName(table).item(original)));

    PutItemResponse response =
        await(
            client.putItem(
                b ->
                    b.tableName(table)
                        .item(item("pk", original.get("pk"), "v", s("new")))
                        .returnValues(ReturnValue.ALL_OLD)));

    assertThat(response.attributes()).isEqualTo(original);
    assertThat(get(client, table, item("pk", original.get("pk"))))
        .isEqualTo(item("pk", original.get("pk"), "v", s("new")));
  }

  @BackendTest
  void putItem_withReturnValuesAllOld_whenItemIsNew_returnsNoAttributes(
      Backend backend, Tables tables) {
    String table = table(tables);

    PutItemResponse response =
        await(
            backend
                .client()
                .putItem(
                    b ->
                        b.tableName(table)
                            .item(item("pk", s(newKey())))
                            .returnValues(ReturnValue.ALL_OLD)));

    assertThat(response.hasAttributes()).isFalse();
  }

  @BackendTest
  void deleteItem_whenConditionHolds_deletesAndReturnsOldItem(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    Map<String, AttributeValue> original = item("pk", s(newKey()), "version", n(4));
    await(client.putItem(b -> b.tableName(table).item(original)));

    DeleteItemResponse response =
        await(
            client.deleteItem(
                b ->
                    b.tableName(table)
                        .key(item("pk", original.get("pk")))
                        .conditionExpression("version = :v")
                        .expressionAttributeValues(Map.of(":v", n(4)))
                        .returnValues(ReturnValue.ALL_OLD)));

    assertThat(response.attributes()).isEqualTo(original);
    assertThat(get(client, table, item("pk", original.get("pk")))).isEmpty();
  }

  @BackendTest
  void deleteItem_whenConditionFails_throwsConditionalCheckFailedAndKeepsItem(
      Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    Map<String, AttributeValue> original = item("pk", s(newKey()), "version", n(4));
    await(client.putItem(b -> b.tableName(table).item(original)));

    assertFailsWith(
        ConditionalCheckFailedException.class,
        () ->
            await(
                client.deleteItem(
                    b ->
                        b.tableName(table)
                            .key(item("pk", original.get("pk")))
                            .conditionExpression("version = :v")
                            .expressionAttributeValues(Map.of(":v", n(5))))));

    assertThat(get(client, table, item("pk", original.get("pk")))).isEqualTo(original);
  }

  @BackendTest
  void deleteItem_whenItemIsMissing_succeedsWithoutAttributes(Backend backend, Tables tables) {
    String table = table(tables);

    DeleteItemResponse response =
        await(
            backend
                .client()
                .deleteItem(
                    b ->
                        b.tableName(table)
                            .key(item("pk", s(newKey())))
                            .returnValues(ReturnValue.ALL_OLD)));

    assertThat(response.hasAttributes()).isFalse();
  }

  @BackendTest
  void updateItem_withEachReturnValuesOption_returnsTheDocumentedAttributes(
      Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    Map<ReturnValue, Map<String, AttributeValue>> returned =
        new java.util.EnumMap<>(ReturnValue.class);
    for (ReturnValue option :
        List.of(
            ReturnValue.NONE,
            ReturnValue.ALL_OLD,
            ReturnValue.ALL_NEW,
            ReturnValue.UPDATED_OLD,
            ReturnValue.UPDATED_NEW)) {
      AttributeValue pk = s(newKey());
      await(
          client.putItem(b -> b.tableName(table).item(item("pk", pk, "a", n(1), "b", s("same")))));
      UpdateItemResponse response =
          await(
              client.updateItem(
                  b ->
                      b.tableName(table)
                          .key(item("pk", pk))
                          .updateExpression("SET a = :a, c = :c")
                          .expressionAttributeValues(Map.of(":a", n(2), ":c", s("added")))
                          .returnValues(option)));
      Map<String, AttributeValue> attributes = new java.util.HashMap<>(response.attributes());
      attributes.remove("pk");
      returned.put(option, attributes);
    }

    assertThat(returned.get(ReturnValue.NONE)).isEmpty();
    assertThat(returned.get(ReturnValue.ALL_OLD)).isEqualTo(item("a", n(1), "b", s("same")));
    assertThat(returned.get(ReturnValue.ALL_NEW))
        .isEqualTo(item("a", n(2), "b", s("same"), "c", s("added")));
    assertThat(returned.get(ReturnValue.UPDATED_OLD)).isEqualTo(item("a", n(1)));
    assertThat(returned.get(ReturnValue.UPDATED_NEW)).isEqualTo(item("a", n(2), "c", s("added")));
  }

  @BackendTest
  void updateItem_whenConditionFails_throwsConditionalCheckFailedAndKeepsItem(
      Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    Map<String, AttributeValue> original = item("pk", s(newKey()), "count", n(1));
    await(client.putItem(b -> b.tableName(table).item(original)));

    assertFailsWith(
        ConditionalCheckFailedException.class,
        () ->
            await(
                client.updateItem(
                    b ->
                        b.tableName(table)
                            .key(item("pk", original.get("pk")))
                            .updateExpression("SET #c = #c + :one")
                            .conditionExpression("#c > :limit")
                            .expressionAttributeNames(Map.of("#c", "count"))
                            .expressionAttributeValues(Map.of(":one", n(1), ":limit", n(5))))));

    assertThat(get(client, table, item("pk", original.get("pk")))).isEqualTo(original);
  }

  @BackendTest
  void getItem_withNestedProjectionExpression_returnsOnlyThosePaths(
      Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    AttributeValue pk = s(newKey());
    await(
        client.putItem(
            b ->
                b.tableName(table)
                    .item(
                        item(
                            "pk", pk,
                            "a",
                                m(
                                    "b", l(m("c", n(1), "d", n(2)), m("c", n(3), "d", n(4))),
                                    "e", s("skipped")),
                            "name", s("kept"),
                            "other", s("skipped")))));

    Map<String, AttributeValue> read =
        await(
                client.getItem(
                    b ->
                        b.tableName(table)
                            .key(item("pk", pk))
                            .projectionExpression("a.b[1].c, #n")
                            .expressionAttributeNames(Map.of("#n", "name"))))
            .item();

    assertThat(read).isEqualTo(item("a", m("b", l(m("c", n(3)))), "name", s("kept")));
  }

  @BackendTest
  void putItem_whenKeyHasWrongType_throwsValidation(Backend backend, Tables tables) {
    String table = table(tables);

    assertValidationError(
            () -> await(backend.client().putItem(b -> b.tableName(table).item(item("pk", n(1))))))
        .isEqualTo(
            "One or more parameter values were invalid: Type mismatch for key pk expected: S"
                + " actual: N");
  }

  @BackendTest
  void putItem_whenKeyIsMissing_throwsValidation(Backend backend, Tables tables) {
    String table = table(tables);

    assertValidationError(
            () -> await(backend.client().putItem(b -> b.tableName(table).item(item("v", s("x"))))))
        .isEqualTo("One or more parameter values were invalid: Missing the key pk in the item");
  }

  @BackendTest
  void getItem_whenKeyLacksTheSortKey_throwsValidation(Backend backend, Tables tables) {
    String table = rangeTable(tables);

    assertValidationError(
            () ->
                await(backend.client().getItem(b -> b.tableName(table).key(item("pk", s("only"))))))
        .isNotBlank();
  }

  @BackendTest
  @ReferenceOnly("moto answers \"Validation Exception\" without saying what is wrong")
  void getItem_whenKeyLacksTheSortKey_saysKeyDoesNotMatchSchema(Backend backend, Tables tables) {
    String table = rangeTable(tables);

    assertValidationError(
            () ->
                await(backend.client().getItem(b -> b.tableName(table).key(item("pk", s("only"))))))
        .isEqualTo("The provided key element does not match the schema");
  }

  @BackendTest
  void putItem_whenItemExceeds400Kb_throwsValidation(Backend backend, Tables tables) {
    String table = table(tables);

    assertValidationError(
            () ->
                await(
                    backend
                        .client()
                        .putItem(
                            b ->
                                b.tableName(table)
                                    .item(item("pk", s(newKey()), "big", s(filler(410_000)))))))
        .isEqualTo("Item size has exceeded the maximum allowed size");
  }

  @BackendTest
  @ReferenceOnly("moto rejects items over 405,000 bytes, below DynamoDB's 409,600")
  void putItem_whenItemIsExactly400Kb_writesItem(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    String key = "k" + UUID.randomUUID().toString().substring(0, 7);
    // 400 KB = 409,600 bytes: names "pk" and "big" plus an 8-byte key leave the rest for the value.
    int valueLength = 409_600 - "pk".length() - key.length() - "big".length();
    Map<String, AttributeValue> written = item("pk", s(key), "big", s(filler(valueLength)));

    await(client.putItem(b -> b.tableName(table).item(written)));

    assertThat(get(client, table, item("pk", s(key)))).isEqualTo(written);
  }

  @BackendTest
  void putItem_whenKeyIsEmptyString_throwsValidation(Backend backend, Tables tables) {
    String table = table(tables);

    assertValidationError(
            () -> await(backend.client().putItem(b -> b.tableName(table).item(item("pk", s(""))))))
        // AWS's wording has changed over time (moto still sends the older "An AttributeValue may
        // not contain an empty string. Key: pk"); both name the problem and the key.
        .contains("empty string")
        .endsWith("Key: pk");
  }

  @BackendTest
  void putItem_whenSetIsEmpty_throwsValidation(Backend backend, Tables tables) {
    String table = table(tables);

    assertValidationError(
            () ->
                await(
                    backend
                        .client()
                        .putItem(
                            b -> b.tableName(table).item(item("pk", s(newKey()), "tags", ss())))))
        .isEqualTo("One or more parameter values were invalid: An string set  may not be empty");
  }

  @BackendTest
  @ReferenceOnly("moto stores numbers of any precision")
  void putItem_whenNumberHasMoreThan38Digits_throwsValidation(Backend backend, Tables tables) {
    String table = table(tables);

    assertValidationError(
            () ->
                await(
                    backend
                        .client()
                        .putItem(
                            b ->
                                b.tableName(table)
                                    .item(
                                        item(
                                            "pk",
                                            s(newKey()),
                                            "n",
                                            n("1234567890123456789012345678901234567891"))))))
        .isEqualTo("Attempting to store more than 38 significant digits in a Number");
  }

  @BackendTest
  void putItem_whenNumberHas38Digits_keepsEveryDigit(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    AttributeValue pk = s(newKey());
    String digits = "12345678901234567890123456789012345678";

    await(client.putItem(b -> b.tableName(table).item(item("pk", pk, "n", n(digits)))));

    assertThat(get(client, table, item("pk", pk)).get("n").n()).isEqualTo(digits);
  }

  @BackendTest
  void updateItem_whenExpressionAttributeValueIsUnused_throwsValidation(
      Backend backend, Tables tables) {
    String table = table(tables);

    assertValidationError(
            () ->
                await(
                    backend
                        .client()
                        .updateItem(
                            b ->
                                b.tableName(table)
                                    .key(item("pk", s(newKey())))
                                    .updateExpression("SET v = :v")
                                    .expressionAttributeValues(
                                        Map.of(":v", n(1), ":unused", n(2))))))
        .isEqualTo(
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}");
  }

  @BackendTest
  @ReferenceOnly("moto ignores unused ExpressionAttributeValues on PutItem")
  void putItem_whenExpressionAttributeValueIsUnused_throwsValidation(
      Backend backend, Tables tables) {
    String table = table(tables);

    assertValidationError(
            () ->
                await(
                    backend
                        .client()
                        .putItem(
                            b ->
                                b.tableName(table)
                                    .item(item("pk", s(newKey())))
                                    .conditionExpression("attribute_not_exists(pk)")
                                    .expressionAttributeValues(Map.of(":unused", n(1))))))
        .isEqualTo(
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}");
  }

  @BackendTest
  void putItem_whenExpressionAttributeNameIsUnused_throwsValidation(
      Backend backend, Tables tables) {
    String table = table(tables);

    assertValidationError(
            () ->
                await(
                    backend
                        .client()
                        .putItem(
                            b ->
                                b.tableName(table)
                                    .item(item("pk", s(newKey())))
                                    .conditionExpression("attribute_not_exists(pk)")
                                    .expressionAttributeNames(Map.of("#unused", "x")))))
        .isEqualTo(
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}");
  }
}
