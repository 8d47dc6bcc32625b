package pitr.local.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static pitr.local.contract.Ddb.attribute;
import static pitr.local.contract.Ddb.await;
import static pitr.local.contract.Ddb.filler;
import static pitr.local.contract.Ddb.item;
import static pitr.local.contract.Ddb.key;
import static pitr.local.contract.Ddb.n;
import static pitr.local.contract.Ddb.putAll;
import static pitr.local.contract.Ddb.s;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.assertj.core.api.SoftAssertions;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.Select;

/**
 * Query: key conditions on the sort key, filters, projections, indexes, order, pagination and the 1
 * MB page limit.
 */
class QueryContractTest {
  private static final int ITEMS = 20;

  /**
   * Partition {@code p1} holds sk 1..20 (even ones red, odd ones blue), {@code gpk = "g" + sk % 3}
   * and {@code lsk} running opposite to sk; partition {@code p2} holds five more items.
   */
  private static String table(Tables tables, Backend backend) {
    Consumer<CreateTableRequest.Builder> spec =
        b ->
            b.attributeDefinitions(
                    attribute("pk", ScalarAttributeType.S),
                    attribute("sk", ScalarAttributeType.N),
                    attribute("gpk", ScalarAttributeType.S),
                    attribute("lsk", ScalarAttributeType.S))
                .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE))
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .globalSecondaryIndexes(
                    GlobalSecondaryIndex.builder()
                        .indexName("by-gpk")
                        .keySchema(key("gpk", KeyType.HASH), key("sk", KeyType.RANGE))
                        .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY))
                        .build())
                .localSecondaryIndexes(
                    LocalSecondaryIndex.builder()
                        .indexName("by-lsk")
                        .keySchema(key("pk", KeyType.HASH), key("lsk", KeyType.RANGE))
                        .projection(p -> p.projectionType(ProjectionType.ALL))
                        .build());
    return tables.shared(
        "numbers",
        spec,
        name -> {
          List<Map<String, AttributeValue>> items = new ArrayList<>();
          for (int i = 1; i <= ITEMS; i++) {
            items.add(
                item(
                    "pk", s("p1"),
                    "sk", n(i),
                    "colour", s(i % 2 == 0 ? "red" : "blue"),
                    "gpk", s("g" + i % 3),
                    "lsk", s(String.format("l%02d", ITEMS + 1 - i)),
                    "payload", s("v" + i)));
          }
          for (int i = 1; i <= 5; i++) {
            items.add(item("pk", s("p2"), "sk", n(i), "gpk", s("g0"), "colour", s("red")));
          }
          putAll(backend.client(), name, items);
        });
  }

  private static String stringSortKeyTable(Tables tables, Backend backend) {
    return tables.shared(
        "strings",
        Ddb.hashAndRange(ScalarAttributeType.S),
        name ->
            putAll(
                backend.client(),
                name,
                List.of(
                    item("pk", s("log"), "sk", s("2024-01-05")),
                    item("pk", s("log"), "sk", s("2024-02-01")),
                    item("pk", s("log"), "sk", s("2024-02-17")),
                    item("pk", s("log"), "sk", s("2024-03-01")),
                    item("pk", s("log"), "sk", s("2024")))));
  }

  private static QueryResponse query(
      DynamoDbAsyncClient client, Consumer<QueryRequest.Builder> request) {
    return await(client.query(request));
  }

  private static List<Integer> sortKeys(List<Map<String, AttributeValue>> items) {
    return items.stream().map(i -> Integer.valueOf(i.get("sk").n())).toList();
  }

  private static List<Integer> range(int fromInclusive, int toInclusive) {
    return IntStream.rangeClosed(fromInclusive, toInclusive).boxed().toList();
  }

  @BackendTest
  void query_withPartitionKeyOnly_returnsThatPartitionInSortKeyOrder(
      Backend backend, Tables tables) {
    String table = table(tables, backend);

    QueryResponse response =
        query(
            backend.client(),
            b ->
                b.tableName(table)
                    .keyConditionExpression("pk = :p")
                    .expressionAttributeValues(Map.of(":p", s("p1"))));

    assertThat(sortKeys(response.items())).isEqualTo(range(1, ITEMS));
    assertThat(response.count()).isEqualTo(ITEMS);
    assertThat(response.scannedCount()).isEqualTo(ITEMS);
    assertThat(response.hasLastEvaluatedKey()).isFalse();
  }

  @BackendTest
  void query_withSortKeyEqualityWrittenFirst_takesThePartitionKeyFromTheSchema(
      Backend backend, Tables tables) {
    String table = table(tables, backend);

    QueryResponse response =
        query(
            backend.client(),
            b ->
                b.tableName(table)
                    .keyConditionExpression("sk = :a AND pk = :p")
                    .expressionAttributeValues(Map.of(":p", s("p1"), ":a", n(5))));

    assertThat(sortKeys(response.items())).isEqualTo(List.of(5));
  }

  @BackendTest
  void query_withSortKeyComparisons_returnsMatchingRanges(Backend backend, Tables tables) {
    String table = table(tables, backend);
    Map<String, List<Integer>> expected = new java.util.LinkedHashMap<>();
    expected.put("sk = :a", List.of(5));
    expected.put("sk < :a", range(1, 4));
    expected.put("sk <= :a", range(1, 5));
    expected.put("sk > :a", range(6, ITEMS));
    expected.put("sk >= :a", range(5, ITEMS));
    expected.put("sk BETWEEN :a AND :b", range(5, 8));
    SoftAssertions softly = new SoftAssertions();

    expected.forEach(
        (condition, sortKeys) -> {
          Map<String, AttributeValue> values = new HashMap<>(Map.of(":p", s("p1"), ":a", n(5)));
          if (condition.contains(":b")) {
            values.put(":b", n(8));
          }
          QueryResponse response =
              query(
                  backend.client(),
                  b ->
                      b.tableName(table)
                          .keyConditionExpression("pk = :p AND " + condition)
                          .expressionAttributeValues(values));
          softly.assertThat(sortKeys(response.items())).as(condition).isEqualTo(sortKeys);
        });

    softly.assertAll();
  }

  @BackendTest
  void query_withBeginsWith_returnsSortKeysWithThatPrefix(Backend backend, Tables tables) {
    String table = stringSortKeyTable(tables, backend);

    QueryResponse response =
        query(
            backend.client(),
            b ->
                b.tableName(table)
                    .keyConditionExpression("pk = :p AND begins_with(sk, :prefix)")
                    .expressionAttributeValues(Map.of(":p", s("log"), ":prefix", s("2024-02"))));

    assertThat(response.items())
        .extracting(i -> i.get("sk").s())
        .containsExactly("2024-02-01", "2024-02-17");
  }

  @BackendTest
  void query_withStringSortKey_ordersByUtf8Bytes(Backend backend, Tables tables) {
    String table = stringSortKeyTable(tables, backend);

    QueryResponse response =
        query(
            backend.client(),
            b ->
                b.tableName(table)
                    .keyConditionExpression("pk = :p AND sk BETWEEN :from AND :to")
                    .expressionAttributeValues(
                        Map.of(":p", s("log"), ":from", s("2024"), ":to", s("2024-02-01"))));

    assertThat(response.items())
        .extracting(i -> i.get("sk").s())
        .containsExactly("2024", "2024-01-05", "2024-02-01");
  }

  @BackendTest
  void query_withFilterExpression_countsMatchesAndScannedItemsSeparately(
      Backend backend, Tables tables) {
    String table = table(tables, backend);

    QueryResponse response =
        query(
            backend.client(),
            b ->
                b.tableName(table)
                    .keyConditionExpression("pk = :p AND sk <= :max")
                    .filterExpression("colour = :c")
                    .expressionAttributeValues(
                        Map.of(":p", s("p1"), ":max", n(10), ":c", s("red"))));

    assertThat(sortKeys(response.items())).containsExactly(2, 4, 6, 8, 10);
    assertThat(response.count()).isEqualTo(5);
    assertThat(response.scannedCount()).isEqualTo(10);
  }

  @BackendTest
  void query_withProjectionExpression_returnsOnlyNamedAttributes(Backend backend, Tables tables) {
    String table = table(tables, backend);

    QueryResponse response =
        query(
            backend.client(),
            b ->
                b.tableName(table)
                    .keyConditionExpression("pk = :p AND sk = :s")
                    .projectionExpression("sk, #p")
                    .expressionAttributeNames(Map.of("#p", "payload"))
                    .expressionAttributeValues(Map.of(":p", s("p1"), ":s", n(7))));

    assertThat(response.items()).containsExactly(item("sk", n(7), "payload", s("v7")));
  }

  @BackendTest
  void query_onKeysOnlyGlobalIndex_returnsIndexAndTableKeysInIndexOrder(
      Backend backend, Tables tables) {
    String table = table(tables, backend);

    QueryResponse response =
        query(
            backend.client(),
            b ->
                b.tableName(table)
                    .indexName("by-gpk")
                    .keyConditionExpression("gpk = :g AND sk > :min")
                    .expressionAttributeValues(Map.of(":g", s("g0"), ":min", n(2))));

    assertThat(response.items()).allSatisfy(i -> assertThat(i).containsOnlyKeys("pk", "sk", "gpk"));
    assertThat(response.items())
        .extracting(i -> i.get("pk").s() + "/" + i.get("sk").n())
        .containsExactlyInAnyOrder(
            "p1/3", "p1/6", "p1/9", "p1/12", "p1/15", "p1/18", "p2/3", "p2/4", "p2/5");
    assertThat(sortKeys(response.items())).isSorted();
  }

  @BackendTest
  void query_onLocalIndex_ordersByIndexSortKey(Backend backend, Tables tables) {
    String table = table(tables, backend);

    QueryResponse response =
        query(
            backend.client(),
            b ->
                b.tableName(table)
                    .indexName("by-lsk")
                    .keyConditionExpression("pk = :p AND lsk <= :l")
                    .expressionAttributeValues(Map.of(":p", s("p1"), ":l", s("l03"))));

    assertThat(sortKeys(response.items())).containsExactly(20, 19, 18);
    assertThat(response.items().get(0)).containsEntry("payload", s("v20"));
  }

  @BackendTest
  void query_withScanIndexForwardFalse_returnsDescendingOrder(Backend backend, Tables tables) {
    String table = table(tables, backend);

    QueryResponse response =
        query(
            backend.client(),
            b ->
                b.tableName(table)
                    .keyConditionExpression("pk = :p AND sk > :min")
                    .scanIndexForward(false)
                    .limit(4)
                    .expressionAttributeValues(Map.of(":p", s("p1"), ":min", n(10))));

    assertThat(sortKeys(response.items())).containsExactly(20, 19, 18, 17);
    assertThat(response.lastEvaluatedKey()).isEqualTo(item("pk", s("p1"), "sk", n(17)));
  }

  @BackendTest
  void query_whenLimitSet_paginatesWithoutLosingItems(Backend backend, Tables tables) {
    String table = table(tables, backend);
    List<Integer> seen = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    int pages = 0;

    do {
      Map<String, AttributeValue> exclusiveStart = start;
      QueryResponse page =
          query(
              backend.client(),
              b ->
                  b.tableName(table)
                      .keyConditionExpression("pk = :p")
                      .expressionAttributeValues(Map.of(":p", s("p1")))
                      .limit(3)
                      .exclusiveStartKey(exclusiveStart));
      assertThat(page.count()).isLessThanOrEqualTo(3);
      seen.addAll(sortKeys(page.items()));
      start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
      pages++;
    } while (start != null && pages < 100);

    assertThat(seen).isEqualTo(range(1, ITEMS));
    assertThat(pages).isBetween(7, 8);
  }

  @BackendTest
  void query_withSelectCount_returnsCountWithoutItems(Backend backend, Tables tables) {
    String table = table(tables, backend);

    QueryResponse response =
        query(
            backend.client(),
            b ->
                b.tableName(table)
                    .keyConditionExpression("pk = :p")
                    .select(Select.COUNT)
                    .expressionAttributeValues(Map.of(":p", s("p1"))));

    assertThat(response.count()).isEqualTo(ITEMS);
    assertThat(response.hasItems()).isFalse();
  }

  @BackendTest
  void query_whenPartitionExceedsOneMegabyte_cutsPagesAtOneMegabyte(
      Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = tables.create(Ddb.hashAndRange(ScalarAttributeType.N));
    int count = 30;
    // 30 items of ~100 KB: about 3 MB in one partition.
    putAll(
        client,
        table,
        IntStream.range(0, count)
            .mapToObj(i -> item("pk", s("big"), "sk", n(i), "blob", s(filler(100_000))))
            .toList());
    List<Integer> seen = new ArrayList<>();
    List<Integer> pageSizes = new ArrayList<>();
    Map<String, AttributeValue> start = null;

    do {
      Map<String, AttributeValue> exclusiveStart = start;
      QueryResponse page =
          query(
              client,
              b ->
                  b.tableName(table)
                      .keyConditionExpression("pk = :p")
                      .expressionAttributeValues(Map.of(":p", s("big")))
                      .exclusiveStartKey(exclusiveStart));
      seen.addAll(sortKeys(page.items()));
      pageSizes.add(page.count());
      start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
    } while (start != null && pageSizes.size() < 100);

    assertThat(seen).isEqualTo(range(0, count - 1));
    assertThat(pageSizes).hasSizeGreaterThanOrEqualTo(3);
    // 1 MB holds 10 whole 100 KB items; the item that crosses the limit may end the page.
    assertThat(pageSizes).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(11));
  }
}
