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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** BatchWriteItem and BatchGetItem, including their request limits. */
class BatchContractTest {

  private static String table(Tables tables) {
    return tables.shared("hash", hashOnly());
  }

  private static String prefix() {
    return "batch-" + UUID.randomUUID().toString().substring(0, 8) + "-";
  }

  private static WriteRequest put(Map<String, AttributeValue> item) {
    return WriteRequest.builder().putRequest(p -> p.item(item)).build();
  }

  private static WriteRequest delete(Map<String, AttributeValue> key) {
    return WriteRequest.builder().deleteRequest(d -> d.key(key)).build();
  }

  private static List<Map<String, AttributeValue>> keys(String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> item("pk", s(prefix + i))).toList();
  }

  @BackendTest
  void batchWriteItem_withPutsAndDeletes_appliesEveryRequest(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    String prefix = prefix();
    putAll(client, table, List.of(item("pk", s(prefix + "old"), "v", n(0))));

    BatchWriteItemResponse response =
        await(
            client.batchWriteItem(
                b ->
                    b.requestItems(
                        Map.of(
                            table,
                            List.of(
                                put(item("pk", s(prefix + "a"), "v", n(1))),
                                put(item("pk", s(prefix + "b"), "v", n(2))),
                                delete(item("pk", s(prefix + "old"))),
                                delete(item("pk", s(prefix + "never-written"))))))));

    assertThat(response.unprocessedItems()).isEmpty();
    Map<String, AttributeValue> a =
        await(client.getItem(b -> b.tableName(table).key(item("pk", s(prefix + "a"))))).item();
    Map<String, AttributeValue> old =
        await(client.getItem(b -> b.tableName(table).key(item("pk", s(prefix + "old"))))).item();
    assertThat(a).isEqualTo(item("pk", s(prefix + "a"), "v", n(1)));
    assertThat(old).isEmpty();
  }

  @BackendTest
  void batchWriteItem_withTwentyFiveRequests_isAccepted(Backend backend, Tables tables) {
    String table = table(tables);
    List<WriteRequest> requests = keys(prefix(), 25).stream().map(BatchContractTest::put).toList();

    BatchWriteItemResponse response =
        await(backend.client().batchWriteItem(b -> b.requestItems(Map.of(table, requests))));

    assertThat(response.unprocessedItems()).isEmpty();
  }

  @BackendTest
  @ReferenceOnly("moto accepts any number of requests in one BatchWriteItem call")
  void batchWriteItem_withMoreThan25Requests_throwsValidation(Backend backend, Tables tables) {
    String table = table(tables);
    List<WriteRequest> requests = keys(prefix(), 26).stream().map(BatchContractTest::put).toList();

    assertValidationError(
            () ->
                await(
                    backend.client().batchWriteItem(b -> b.requestItems(Map.of(table, requests)))))
        // AWS reports the API model's constraint on the map value; DynamoDB Local's "Too many items
        // requested for the BatchWriteItem call" is not what AWS sends.
        .startsWith("1 validation error detected: Value '{" + table + "=[")
        .endsWith(
            "at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint:"
                + " [Member must have length less than or equal to 25, Member must have length"
                + " greater than or equal to 1]");
  }

  @BackendTest
  void batchWriteItem_withTwoIdenticalPuts_throwsValidation(Backend backend, Tables tables) {
    String table = table(tables);
    Map<String, AttributeValue> same = item("pk", s(prefix() + "same"), "v", n(1));

    assertValidationError(
            () ->
                await(
                    backend
                        .client()
                        .batchWriteItem(
                            b -> b.requestItems(Map.of(table, List.of(put(same), put(same)))))))
        .isEqualTo("Provided list of item keys contains duplicates");
  }

  @BackendTest
  @ReferenceOnly(
      "moto compares whole put items, so it accepts two puts of one key with different"
          + " attributes, and a put and a delete of one key")
  void batchWriteItem_withTwoRequestsForOneKey_throwsValidationWhateverTheRequests(
      Backend backend, Tables tables) {
    String table = table(tables);
    String key = prefix() + "same";
    List<List<WriteRequest>> conflicting =
        List.of(
            List.of(put(item("pk", s(key), "v", n(1))), put(item("pk", s(key), "v", n(2)))),
            List.of(put(item("pk", s(key))), delete(item("pk", s(key)))));

    for (List<WriteRequest> requests : conflicting) {
      assertValidationError(
              () ->
                  await(
                      backend
                          .client()
                          .batchWriteItem(b -> b.requestItems(Map.of(table, requests)))))
          .isEqualTo("Provided list of item keys contains duplicates");
    }
  }

  @BackendTest
  @ReferenceOnly("moto names the key and the mismatch as PutItem does")
  void batchWriteItem_withPutKeyMissingOrMistyped_saysKeyDoesNotMatchSchema(
      Backend backend, Tables tables) {
    String table = table(tables);

    for (Map<String, AttributeValue> put :
        List.of(item("pk", n(5)), item("pk", Ddb.l(s("x"))), item("other", s("x")))) {
      WriteRequest request = WriteRequest.builder().putRequest(p -> p.item(put)).build();
      assertValidationError(
              () ->
                  await(
                      backend
                          .client()
                          .batchWriteItem(b -> b.requestItems(Map.of(table, List.of(request))))))
          .as(put.toString())
          .isEqualTo("The provided key element does not match the schema");
    }
  }

  @BackendTest
  void batchWriteItem_whenTableIsMissing_throwsResourceNotFound(Backend backend, Tables tables) {
    String missing = tables.uniqueName();

    assertFailsWith(
        ResourceNotFoundException.class,
        () ->
            await(
                backend
                    .client()
                    .batchWriteItem(
                        b -> b.requestItems(Map.of(missing, List.of(put(item("pk", s("x")))))))));
  }

  @BackendTest
  void batchGetItem_withHundredKeys_returnsEveryExistingItem(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    String prefix = prefix();
    List<Map<String, AttributeValue>> written = new ArrayList<>();
    for (int i = 0; i < 90; i++) {
      written.add(item("pk", s(prefix + i), "v", n(i)));
    }
    putAll(client, table, written);
    List<Map<String, AttributeValue>> requested = keys(prefix, 100);

    BatchGetItemResponse response =
        await(
            client.batchGetItem(
                b ->
                    b.requestItems(
                        Map.of(
                            table,
                            KeysAndAttributes.builder()
                                .keys(requested)
                                .consistentRead(true)
                                .build()))));

    assertThat(response.unprocessedKeys()).isEmpty();
    assertThat(response.responses().get(table)).containsExactlyInAnyOrderElementsOf(written);
  }

  @BackendTest
  void batchGetItem_withProjectionExpression_returnsOnlyNamedAttributes(
      Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    String prefix = prefix();
    putAll(
        client,
        table,
        List.of(
            item("pk", s(prefix + 0), "v", n(0), "extra", s("x")),
            item("pk", s(prefix + 1), "v", n(1), "extra", s("y"))));

    BatchGetItemResponse response =
        await(
            client.batchGetItem(
                b ->
                    b.requestItems(
                        Map.of(
                            table,
                            KeysAndAttributes.builder()
                                .keys(keys(prefix, 2))
                                .projectionExpression("#v")
                                .expressionAttributeNames(Map.of("#v", "v"))
                                .build()))));

    assertThat(response.responses().get(table))
        .containsExactlyInAnyOrder(item("v", n(0)), item("v", n(1)));
  }

  @BackendTest
  void batchGetItem_withMoreThan100KeysAcrossTables_throwsValidation(
      Backend backend, Tables tables) {
    String first = table(tables);
    String second = tables.shared("second", hashOnly());
    String prefix = prefix();

    assertValidationError(
            () ->
                await(
                    backend
                        .client()
                        .batchGetItem(
                            b ->
                                b.requestItems(
                                    Map.of(
                                        first,
                                        KeysAndAttributes.builder().keys(keys(prefix, 51)).build(),
                                        second,
                                        KeysAndAttributes.builder()
                                            .keys(keys(prefix, 51))
                                            .build())))))
        .isEqualTo("Too many items requested for the BatchGetItem call");
  }

  @BackendTest
  void batchGetItem_withMoreThan100KeysForOneTable_throwsValidation(
      Backend backend, Tables tables) {
    String table = table(tables);
    List<Map<String, AttributeValue>> requested = keys(prefix(), 101);

    // Only the code is asserted: the API model caps Keys at 100 per table, and AWS words this as
    // a model constraint violation, while the documented "Too many items requested for the
    // BatchGetItem call" covers the total across tables (asserted above).
    assertValidationError(
            () ->
                await(
                    backend
                        .client()
                        .batchGetItem(
                            b ->
                                b.requestItems(
                                    Map.of(
                                        table,
                                        KeysAndAttributes.builder().keys(requested).build())))))
        .isNotBlank();
  }

  @BackendTest
  void batchGetItem_withDuplicateKeys_throwsValidation(Backend backend, Tables tables) {
    String table = table(tables);
    Map<String, AttributeValue> key = item("pk", s(prefix() + "same"));

    assertValidationError(
            () ->
                await(
                    backend
                        .client()
                        .batchGetItem(
                            b ->
                                b.requestItems(
                                    Map.of(
                                        table,
                                        KeysAndAttributes.builder().keys(key, key).build())))))
        .isEqualTo("Provided list of item keys contains duplicates");
  }
}
