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
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.Select;

/**
 * A local-secondary-index query that asks for attributes the index does not hold: DynamoDB reads
 * the index entries (charged to the index) and fetches each whole item from the table (charged to
 * the table, each item rounded up to 4 KB on its own).
 */
class IndexFetchCapacityContractTest {

  @BackendTest
  @ReferenceOnly("moto reports 1.0 read unit for any Query")
  void query_onLocalIndex_withAllAttributes_chargesIndexReadAndTableFetches(
      Backend backend, Tables tables) {
    String table =
        tables.create(
            b ->
                b.attributeDefinitions(
                        attribute("pk", ScalarAttributeType.S),
                        attribute("sk", ScalarAttributeType.S),
                        attribute("lsk", ScalarAttributeType.S))
                    .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE))
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .localSecondaryIndexes(
                        LocalSecondaryIndex.builder()
                            .indexName("by-lsk")
                            .keySchema(key("pk", KeyType.HASH), key("lsk", KeyType.RANGE))
                            .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY))
                            .build()));
    // Two items of about 5 KB: each fetch costs two 4 KB units; the two small entries one unit.
    putAll(
        backend.client(),
        table,
        List.of(
            item("pk", s("p"), "sk", s("a"), "lsk", s("1"), "payload", s(filler(5000))),
            item("pk", s("p"), "sk", s("b"), "lsk", s("2"), "payload", s(filler(5000)))));

    QueryResponse response =
        await(
            backend
                .client()
                .query(
                    b ->
                        b.tableName(table)
                            .indexName("by-lsk")
                            .keyConditionExpression("pk = :p")
                            .expressionAttributeValues(Map.of(":p", s("p")))
                            .select(Select.ALL_ATTRIBUTES)
                            .consistentRead(true)
                            .returnConsumedCapacity(ReturnConsumedCapacity.INDEXES)));
    ConsumedCapacity capacity = response.consumedCapacity();

    assertThat(response.items()).allSatisfy(i -> assertThat(i).containsKey("payload"));
    assertThat(capacity.capacityUnits()).isEqualTo(5.0);
    assertThat(capacity.table().capacityUnits()).isEqualTo(4.0);
    assertThat(capacity.localSecondaryIndexes().get("by-lsk").capacityUnits()).isEqualTo(1.0);
  }
}
