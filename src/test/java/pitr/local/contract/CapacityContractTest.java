package pitr.local.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static pitr.local.contract.Ddb.attribute;
import static pitr.local.contract.Ddb.await;
import static pitr.local.contract.Ddb.filler;
import static pitr.local.contract.Ddb.item;
import static pitr.local.contract.Ddb.key;
import static pitr.local.contract.Ddb.putAll;
import static pitr.local.contract.Ddb.s;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * ReturnConsumedCapacity: one write unit per started KB of each item, one read unit per started 4
 * KB (half for eventually consistent reads, Query summing item sizes before rounding), double for
 * transactions, and index writes counted separately.
 *
 * <p>moto reports fixed figures (1.0 per call, 0.5 for GetItem) whatever the item sizes, so the
 * arithmetic is checked on the reference backend only; every backend must report the figures'
 * shape.
 */
class CapacityContractTest {

  /** Keyed by {@code pk}; a KEYS_ONLY index on {@code g} that only items with {@code g} enter. */
  private static String table(Tables tables) {
    return tables.shared(
        "indexed",
        b ->
            b.attributeDefinitions(
                    attribute("pk", ScalarAttributeType.S),
                    attribute("sk", ScalarAttributeType.S),
                    attribute("g", ScalarAttributeType.S))
                .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE))
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .globalSecondaryIndexes(
                    GlobalSecondaryIndex.builder()
                        .indexName("by-g")
                        .keySchema(key("g", KeyType.HASH))
                        .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY))
                        .build()));
  }

  private static String partition() {
    return "cap-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** An item of roughly {@code bytes} bytes, outside the index. */
  private static Map<String, AttributeValue> sized(String pk, String sk, int bytes) {
    return item("pk", s(pk), "sk", s(sk), "data", s(filler(bytes)));
  }

  @BackendTest
  void putItem_withTotal_reportsTableNameAndUnits(Backend backend, Tables tables) {
    String table = table(tables);

    ConsumedCapacity capacity =
        await(
                backend
                    .client()
                    .putItem(
                        b ->
                            b.tableName(table)
                                .item(sized(partition(), "a", 100))
                                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)))
            .consumedCapacity();

    assertThat(capacity.tableName()).isEqualTo(table);
    assertThat(capacity.capacityUnits()).isPositive();
  }

  @BackendTest
  void putItem_withTotal_reportsOnlyTableNameAndCapacityUnits(Backend backend, Tables tables) {
    String table = table(tables);

    ConsumedCapacity capacity =
        await(
                backend
                    .client()
                    .putItem(
                        b ->
                            b.tableName(table)
                                .item(sized(partition(), "a", 100))
                                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)))
            .consumedCapacity();

    assertThat(capacity.toBuilder().capacityUnits(null).tableName(null).build())
        .isEqualTo(ConsumedCapacity.builder().build());
  }

  @BackendTest
  @ReferenceOnly("moto reports INDEXES without the write-unit split and the table breakdown")
  void putItem_withIndexes_reportsWriteUnitsAndTheTableAndIndexBreakdown(
      Backend backend, Tables tables) {
    String table = table(tables);

    ConsumedCapacity capacity =
        await(
                backend
                    .client()
                    .putItem(
                        b ->
                            b.tableName(table)
                                .item(item("pk", s(partition()), "sk", s("a"), "g", s("x")))
                                .returnConsumedCapacity(ReturnConsumedCapacity.INDEXES)))
            .consumedCapacity();

    assertThat(capacity.capacityUnits()).isEqualTo(2.0);
    assertThat(capacity.writeCapacityUnits()).isEqualTo(2.0);
    assertThat(capacity.readCapacityUnits()).isNull();
    assertThat(capacity.table().capacityUnits()).isEqualTo(1.0);
    assertThat(capacity.table().writeCapacityUnits()).isEqualTo(1.0);
    assertThat(capacity.globalSecondaryIndexes().get("by-g").writeCapacityUnits()).isEqualTo(1.0);
  }

  @BackendTest
  void putItem_withoutReturnConsumedCapacity_reportsNone(Backend backend, Tables tables) {
    String table = table(tables);

    ConsumedCapacity capacity =
        await(backend.client().putItem(b -> b.tableName(table).item(sized(partition(), "a", 100))))
            .consumedCapacity();

    assertThat(capacity).isNull();
  }

  @BackendTest
  @ReferenceOnly("moto reports 1.0 write unit for any PutItem")
  void putItem_withIndexes_chargesEveryStartedKilobyteAndEachIndexWrite(
      Backend backend, Tables tables) {
    String table = table(tables);
    Map<String, AttributeValue> item = sized(partition(), "a", 1_500);
    item = new java.util.LinkedHashMap<>(item);
    item.put("g", s("indexed"));
    Map<String, AttributeValue> written = item;

    ConsumedCapacity capacity =
        await(
                backend
                    .client()
                    .putItem(
                        b ->
                            b.tableName(table)
                                .item(written)
                                .returnConsumedCapacity(ReturnConsumedCapacity.INDEXES)))
            .consumedCapacity();

    // ~1.5 KB rounds up to 2 units; the small KEYS_ONLY index entry costs 1 more.
    assertThat(capacity.capacityUnits()).isEqualTo(3.0);
    assertThat(capacity.table().capacityUnits()).isEqualTo(2.0);
    assertThat(capacity.globalSecondaryIndexes()).containsOnlyKeys("by-g");
    assertThat(capacity.globalSecondaryIndexes().get("by-g").capacityUnits()).isEqualTo(1.0);
  }

  @BackendTest
  @ReferenceOnly("moto reports 1.0 write unit for any PutItem")
  void putItem_whenReplacingLargerItem_chargesTheLargerOfOldAndNew(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    String pk = partition();
    await(client.putItem(b -> b.tableName(table).item(sized(pk, "a", 2_500))));

    ConsumedCapacity capacity =
        await(
                client.putItem(
                    b ->
                        b.tableName(table)
                            .item(sized(pk, "a", 10))
                            .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)))
            .consumedCapacity();

    assertThat(capacity.capacityUnits()).isEqualTo(3.0);
  }

  @BackendTest
  @ReferenceOnly("moto reports 0.5 read unit for any GetItem")
  void getItem_chargesPerStartedFourKilobytesAndHalvesEventualReads(
      Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    String pk = partition();
    await(client.putItem(b -> b.tableName(table).item(sized(pk, "a", 5_000))));

    double strong = readUnits(client, table, item("pk", s(pk), "sk", s("a")), true);
    double eventual = readUnits(client, table, item("pk", s(pk), "sk", s("a")), false);
    double missing = readUnits(client, table, item("pk", s(pk), "sk", s("none")), false);

    assertThat(strong).isEqualTo(2.0);
    assertThat(eventual).isEqualTo(1.0);
    assertThat(missing).isEqualTo(0.5);
  }

  private static double readUnits(
      DynamoDbAsyncClient client, String table, Map<String, AttributeValue> key, boolean strong) {
    return await(
            client.getItem(
                b ->
                    b.tableName(table)
                        .key(key)
                        .consistentRead(strong)
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)))
        .consumedCapacity()
        .capacityUnits();
  }

  @BackendTest
  @ReferenceOnly("moto reports 1.0 read unit for any Query")
  void query_sumsItemSizesBeforeRoundingToFourKilobytes(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    String pk = partition();
    // Ten items of ~1,000 bytes: ~10,000 bytes, three started 4 KB blocks.
    putAll(client, table, IntStream.range(0, 10).mapToObj(i -> sized(pk, "s" + i, 980)).toList());

    double strong = queryUnits(client, table, pk, true);
    double eventual = queryUnits(client, table, pk, false);

    assertThat(strong).isEqualTo(3.0);
    assertThat(eventual).isEqualTo(1.5);
  }

  private static double queryUnits(
      DynamoDbAsyncClient client, String table, String pk, boolean strong) {
    return await(
            client.query(
                b ->
                    b.tableName(table)
                        .keyConditionExpression("pk = :p")
                        .expressionAttributeValues(Map.of(":p", s(pk)))
                        .consistentRead(strong)
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)))
        .consumedCapacity()
        .capacityUnits();
  }

  @BackendTest
  @ReferenceOnly("moto charges a Query on an index to the table, 1.0 unit whatever it reads")
  void query_onGlobalIndex_withIndexes_chargesTheIndex(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    String g = partition();
    Map<String, AttributeValue> indexed =
        new java.util.LinkedHashMap<>(sized(partition(), "a", 10));
    indexed.put("g", s(g));
    putAll(client, table, List.of(indexed));

    ConsumedCapacity capacity =
        await(
                client.query(
                    b ->
                        b.tableName(table)
                            .indexName("by-g")
                            .keyConditionExpression("g = :g")
                            .expressionAttributeValues(Map.of(":g", s(g)))
                            .returnConsumedCapacity(ReturnConsumedCapacity.INDEXES)))
            .consumedCapacity();

    // Global indexes only serve eventually consistent reads: half a unit for one small entry.
    assertThat(capacity.capacityUnits()).isEqualTo(0.5);
    assertThat(capacity.globalSecondaryIndexes()).containsOnlyKeys("by-g");
    assertThat(capacity.globalSecondaryIndexes().get("by-g").capacityUnits()).isEqualTo(0.5);
  }

  @BackendTest
  void batchWriteItem_withTotal_reportsOneEntryPerTable(Backend backend, Tables tables) {
    String table = table(tables);
    String pk = partition();

    List<ConsumedCapacity> capacity =
        await(
                backend
                    .client()
                    .batchWriteItem(
                        b ->
                            b.requestItems(
                                    Map.of(
                                        table,
                                        List.of(put(sized(pk, "a", 10)), put(sized(pk, "b", 10)))))
                                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)))
            .consumedCapacity();

    assertThat(capacity).extracting(ConsumedCapacity::tableName).containsExactly(table);
    assertThat(capacity.get(0).capacityUnits()).isPositive();
  }

  @BackendTest
  @ReferenceOnly("moto reports 1.0 write unit per table for any BatchWriteItem")
  void batchWriteItem_chargesEachItemRoundedUpSeparately(Backend backend, Tables tables) {
    String table = table(tables);
    String pk = partition();

    List<ConsumedCapacity> capacity =
        await(
                backend
                    .client()
                    .batchWriteItem(
                        b ->
                            b.requestItems(
                                    Map.of(
                                        table,
                                        List.of(
                                            put(sized(pk, "a", 1_500)),
                                            put(sized(pk, "b", 1_500)),
                                            put(sized(pk, "c", 1_500)))))
                                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)))
            .consumedCapacity();

    assertThat(capacity).hasSize(1);
    assertThat(capacity.get(0).capacityUnits()).isEqualTo(6.0);
  }

  private static WriteRequest put(Map<String, AttributeValue> item) {
    return WriteRequest.builder().putRequest(p -> p.item(item)).build();
  }

  @BackendTest
  @ReferenceOnly("moto reports no consumed capacity for TransactWriteItems")
  void transactWriteItems_chargesDoubleWriteUnits(Backend backend, Tables tables) {
    String table = table(tables);
    String pk = partition();

    List<ConsumedCapacity> capacity =
        await(
                backend
                    .client()
                    .transactWriteItems(
                        b ->
                            b.transactItems(
                                    TransactWriteItem.builder()
                                        .put(p -> p.tableName(table).item(sized(pk, "a", 500)))
                                        .build(),
                                    TransactWriteItem.builder()
                                        .put(p -> p.tableName(table).item(sized(pk, "b", 500)))
                                        .build())
                                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)))
            .consumedCapacity();

    assertThat(capacity).extracting(ConsumedCapacity::tableName).containsExactly(table);
    assertThat(capacity.get(0).capacityUnits()).isEqualTo(4.0);
  }

  @BackendTest
  @ReferenceOnly("moto reports 2.0 read units per TransactGetItems action whatever the item size")
  void transactGetItems_chargesDoubleStronglyConsistentReadUnits(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = table(tables);
    String pk = partition();
    putAll(client, table, List.of(sized(pk, "a", 5_000), sized(pk, "b", 100)));

    List<ConsumedCapacity> capacity =
        await(
                client.transactGetItems(
                    b ->
                        b.transactItems(
                                TransactGetItem.builder()
                                    .get(
                                        g ->
                                            g.tableName(table).key(item("pk", s(pk), "sk", s("a"))))
                                    .build(),
                                TransactGetItem.builder()
                                    .get(
                                        g ->
                                            g.tableName(table).key(item("pk", s(pk), "sk", s("b"))))
                                    .build())
                            .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)))
            .consumedCapacity();

    // 5 KB needs 2 strongly consistent units and 100 bytes 1; transactions double both.
    assertThat(capacity).hasSize(1);
    assertThat(capacity.get(0).capacityUnits()).isEqualTo(6.0);
  }
}
