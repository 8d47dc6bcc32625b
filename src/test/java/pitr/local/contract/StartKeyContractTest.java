package pitr.local.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static pitr.local.contract.Ddb.assertValidationError;
import static pitr.local.contract.Ddb.attribute;
import static pitr.local.contract.Ddb.await;
import static pitr.local.contract.Ddb.bool;
import static pitr.local.contract.Ddb.item;
import static pitr.local.contract.Ddb.key;
import static pitr.local.contract.Ddb.m;
import static pitr.local.contract.Ddb.n;
import static pitr.local.contract.Ddb.putAll;
import static pitr.local.contract.Ddb.s;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * ExclusiveStartKey and LastEvaluatedKey of Query and Scan: a malformed start key is a
 * ValidationException with DynamoDB's message (never an internal error, never a page read from
 * somewhere else), and a read stopped by Limit always says where it stopped.
 */
class StartKeyContractTest {

  /**
   * Keyed by {@code pk} (S) and {@code sk} (N), with a GSI on {@code g} (S) and {@code sk};
   * partition {@code p1} holds sk 1..5, all in index partition {@code g1}, and partition {@code p2}
   * sk 1..3.
   */
  private static String table(Tables tables, Backend backend) {
    return tables.shared(
        "paged",
        b ->
            b.attributeDefinitions(
                    attribute("pk", ScalarAttributeType.S),
                    attribute("sk", ScalarAttributeType.N),
                    attribute("g", ScalarAttributeType.S))
                .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE))
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .globalSecondaryIndexes(
                    GlobalSecondaryIndex.builder()
                        .indexName("by-g")
                        .keySchema(key("g", KeyType.HASH), key("sk", KeyType.RANGE))
                        .projection(p -> p.projectionType(ProjectionType.ALL))
                        .build()),
        name -> {
          List<Map<String, AttributeValue>> items = new ArrayList<>();
          for (int i = 1; i <= 5; i++) {
            items.add(item("pk", s("p1"), "sk", n(i), "g", s("g1")));
          }
          for (int i = 1; i <= 3; i++) {
            items.add(item("pk", s("p2"), "sk", n(i), "g", s("g2")));
          }
          putAll(backend.client(), name, items);
        });
  }

  private static QueryResponse queryP1(
      DynamoDbAsyncClient client, String table, Map<String, AttributeValue> start) {
    return await(
        client.query(
            b ->
                b.tableName(table)
                    .keyConditionExpression("pk = :p")
                    .expressionAttributeValues(Map.of(":p", s("p1")))
                    .exclusiveStartKey(start)));
  }

  @BackendTest
  @ReferenceOnly("moto answers an internal error for a start key of the wrong key type")
  void query_whenStartKeyHasWrongKeyType_throwsValidation(Backend backend, Tables tables) {
    String table = table(tables, backend);

    assertValidationError(() -> queryP1(backend.client(), table, item("pk", s("p1"), "sk", s("1"))))
        .isEqualTo("The provided key element does not match the schema");
  }

  @BackendTest
  @ReferenceOnly("moto answers HTTP 500 for a start key of a non-key type")
  void query_whenStartKeyHasNonKeyType_throwsValidation(Backend backend, Tables tables) {
    String table = table(tables, backend);

    assertValidationError(
            () -> queryP1(backend.client(), table, item("pk", m("a", s("b")), "sk", n(1))))
        .isEqualTo("The provided key element does not match the schema");
    assertValidationError(
            () -> queryP1(backend.client(), table, item("pk", s("p1"), "sk", bool(true))))
        .isEqualTo("The provided key element does not match the schema");
  }

  @BackendTest
  @ReferenceOnly("moto accepts a start key with extra or missing attributes")
  void query_whenStartKeyHasOtherAttributes_throwsValidation(Backend backend, Tables tables) {
    String table = table(tables, backend);

    assertValidationError(() -> queryP1(backend.client(), table, item("pk", s("p1"))))
        .isEqualTo("The provided starting key is invalid");
    assertValidationError(
            () ->
                queryP1(backend.client(), table, item("pk", s("p1"), "sk", n(1), "other", s("x"))))
        .isEqualTo("The provided starting key is invalid");
  }

  @BackendTest
  @ReferenceOnly("moto pages from a start key outside the key condition")
  void query_whenStartKeyIsOutsideKeyCondition_throwsValidation(Backend backend, Tables tables) {
    String table = table(tables, backend);

    assertValidationError(() -> queryP1(backend.client(), table, item("pk", s("p2"), "sk", n(1))))
        .isEqualTo(
            "The provided starting key is outside query boundaries based on provided conditions");
    assertValidationError(
            () ->
                await(
                    backend
                        .client()
                        .query(
                            b ->
                                b.tableName(table)
                                    .keyConditionExpression("pk = :p AND sk > :s")
                                    .expressionAttributeValues(Map.of(":p", s("p1"), ":s", n(3)))
                                    .exclusiveStartKey(item("pk", s("p1"), "sk", n(2))))))
        .isEqualTo("The provided starting key does not match the range key predicate");
  }

  @BackendTest
  @ReferenceOnly("moto pages a GSI query from a start key of another index partition")
  void query_onIndex_whenStartKeyDoesNotMatchKeyCondition_throwsValidation(
      Backend backend, Tables tables) {
    String table = table(tables, backend);

    assertValidationError(
            () ->
                await(
                    backend
                        .client()
                        .query(
                            b ->
                                b.tableName(table)
                                    .indexName("by-g")
                                    .keyConditionExpression("g = :g")
                                    .expressionAttributeValues(Map.of(":g", s("g1")))
                                    .exclusiveStartKey(
                                        item("pk", s("p2"), "sk", n(1), "g", s("g2"))))))
        .isEqualTo(
            "The provided starting key is outside query boundaries based on provided conditions");
  }

  @BackendTest
  @ReferenceOnly("moto answers HTTP 500 for a scan start key of the wrong type")
  void scan_whenStartKeyDoesNotMatchSchema_throwsValidation(Backend backend, Tables tables) {
    String table = table(tables, backend);
    DynamoDbAsyncClient client = backend.client();

    for (Map<String, AttributeValue> start :
        List.of(
            item("pk", s("p1"), "sk", s("1")),
            item("pk", bool(true), "sk", n(1)),
            item("pk", s("p1")),
            item("pk", s("p1"), "sk", n(1), "g", s("g1")))) {
      assertValidationError(
              () -> await(client.scan(b -> b.tableName(table).exclusiveStartKey(start))))
          .as("start key %s", start)
          .isEqualTo(
              "The provided starting key is invalid: The provided key element does not match the"
                  + " schema");
    }
  }

  @BackendTest
  @ReferenceOnly("moto scans an index from a start key without the index attributes")
  void scan_onIndex_whenStartKeyLacksIndexAttributes_throwsValidation(
      Backend backend, Tables tables) {
    String table = table(tables, backend);

    assertValidationError(
            () ->
                await(
                    backend
                        .client()
                        .scan(
                            b ->
                                b.tableName(table)
                                    .indexName("by-g")
                                    .exclusiveStartKey(item("pk", s("p1"), "sk", n(1))))))
        .isEqualTo("The provided starting key is invalid");
  }

  @BackendTest
  @ReferenceOnly("moto scans a segment from a start key of another segment")
  void scan_whenStartKeyIsFromAnotherSegment_throwsValidation(Backend backend, Tables tables) {
    String table = table(tables, backend);
    DynamoDbAsyncClient client = backend.client();
    Map<String, AttributeValue> fromSegmentZero = null;
    for (int segment = 0; segment < 4 && fromSegmentZero == null; segment++) {
      int seg = segment;
      ScanResponse page = await(client.scan(b -> b.tableName(table).segment(seg).totalSegments(4)));
      if (page.count() > 0) {
        Map<String, AttributeValue> first = page.items().get(0);
        fromSegmentZero = item("pk", first.get("pk"), "sk", first.get("sk"));
        int other = (seg + 1) % 4;
        Map<String, AttributeValue> start = fromSegmentZero;

        assertValidationError(
                () ->
                    await(
                        client.scan(
                            b ->
                                b.tableName(table)
                                    .segment(other)
                                    .totalSegments(4)
                                    .exclusiveStartKey(start))))
            .isEqualTo(
                "The provided starting key is invalid: Invalid ExclusiveStartKey. Please use"
                    + " ExclusiveStartKey with correct Segment. TotalSegments: 4 Segment: "
                    + other);
      }
    }
    assertThat(fromSegmentZero).as("an item in some segment").isNotNull();
  }

  @BackendTest
  @ReferenceOnly("moto omits LastEvaluatedKey when Limit is reached at the last item")
  void query_whenLimitReachedAtLastItem_returnsLastEvaluatedKeyThenAnEmptyPage(
      Backend backend, Tables tables) {
    String table = table(tables, backend);
    DynamoDbAsyncClient client = backend.client();

    QueryResponse first =
        await(
            client.query(
                b ->
                    b.tableName(table)
                        .keyConditionExpression("pk = :p")
                        .expressionAttributeValues(Map.of(":p", s("p1")))
                        .limit(5)));
    QueryResponse second = queryP1(client, table, first.lastEvaluatedKey());

    assertThat(first.count()).isEqualTo(5);
    assertThat(first.lastEvaluatedKey()).isEqualTo(item("pk", s("p1"), "sk", n(5)));
    assertThat(second.count()).isZero();
    assertThat(second.hasLastEvaluatedKey()).isFalse();
  }

  @BackendTest
  @ReferenceOnly("moto omits LastEvaluatedKey when Limit is reached at the last item")
  void scan_whenLimitReachedAtLastItem_returnsLastEvaluatedKeyThenAnEmptyPage(
      Backend backend, Tables tables) {
    String table = table(tables, backend);
    DynamoDbAsyncClient client = backend.client();

    ScanResponse first = await(client.scan(b -> b.tableName(table).limit(8)));
    ScanResponse second =
        await(client.scan(b -> b.tableName(table).exclusiveStartKey(first.lastEvaluatedKey())));

    assertThat(first.count()).isEqualTo(8);
    assertThat(first.hasLastEvaluatedKey()).isTrue();
    assertThat(second.count()).isZero();
    assertThat(second.hasLastEvaluatedKey()).isFalse();
  }
}
