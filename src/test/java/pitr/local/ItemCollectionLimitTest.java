package pitr.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ItemCollectionSizeLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Item collections of tables with local secondary indexes are capped (10 GB on DynamoDB; lowered
 * here) and a write past the cap fails with ItemCollectionSizeLimitExceededException.
 */
class ItemCollectionLimitTest {
  private static EngineOverHttp local;
  private static DynamoDbAsyncClient client;

  @BeforeAll
  static void start() {
    local = new EngineOverHttp(EngineConfig.defaults());
    local.engine.setItemCollectionLimit(2_000);
    client = local.client;
    client
        .createTable(
            r ->
                r.tableName("events")
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                        a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("sk").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("at").attributeType(ScalarAttributeType.S))
                    .keySchema(
                        k -> k.attributeName("pk").keyType(KeyType.HASH),
                        k -> k.attributeName("sk").keyType(KeyType.RANGE))
                    .localSecondaryIndexes(
                        l ->
                            l.indexName("by-at")
                                .keySchema(
                                    k -> k.attributeName("pk").keyType(KeyType.HASH),
                                    k -> k.attributeName("at").keyType(KeyType.RANGE))
                                .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY))))
        .join();
  }

  @AfterAll
  static void stop() {
    local.close();
  }

  private static void put(String pk, String sk) {
    client
        .putItem(
            r ->
                r.tableName("events")
                    .item(
                        Map.of(
                            "pk", AttributeValue.fromS(pk),
                            "sk", AttributeValue.fromS(sk),
                            "at", AttributeValue.fromS("2026"),
                            "body", AttributeValue.fromS("x".repeat(580)))))
        .join();
  }

  @Test
  void write_pastTheCollectionLimit_isRefusedAndOtherCollectionsAreNot() {
    put("user-1", "a");
    put("user-1", "b");
    put("user-1", "c");

    assertThatThrownBy(() -> put("user-1", "d"))
        .cause()
        .isInstanceOf(ItemCollectionSizeLimitExceededException.class);
    put("user-2", "a");
    client
        .deleteItem(
            r ->
                r.tableName("events")
                    .key(
                        Map.of(
                            "pk", AttributeValue.fromS("user-1"), "sk", AttributeValue.fromS("a"))))
        .join();
    put("user-1", "d");
    assertThat(client.scan(r -> r.tableName("events")).join().count()).isEqualTo(4);
  }
}
