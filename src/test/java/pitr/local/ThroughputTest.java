package pitr.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import pitr.TestHttp;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Provisioned-capacity throttling through the real SDK client over HTTP, with SDK retries off so
 * each throttle is seen as AWS sends it. Time is a hand-moved clock, so buckets refill exactly.
 */
class ThroughputTest {
  private static final AdjustableClock clock =
      AdjustableClock.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
  private static EngineOverHttp local;
  private static DynamoDbAsyncClient client;

  @BeforeAll
  static void start() {
    local = new EngineOverHttp(EngineConfig.defaults().withClock(clock).withBurstSeconds(1));
    client = noRetryClient();
  }

  private static DynamoDbAsyncClient noRetryClient() {
    return TestHttp.dynamo(local.server.endpoint())
        .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1)))
        .build();
  }

  @AfterAll
  static void stop() {
    client.close();
    local.close();
  }

  private static void createProvisioned(String name, long wcu) {
    client
        .createTable(
            r ->
                r.tableName(name)
                    .billingMode(BillingMode.PROVISIONED)
                    .provisionedThroughput(p -> p.readCapacityUnits(100L).writeCapacityUnits(wcu))
                    .attributeDefinitions(
                        a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
                    .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH)))
        .join();
  }

  private static List<WriteRequest> batch(int from, int kb) {
    List<WriteRequest> out = new ArrayList<>();
    for (int i = from; i < from + 25; i++) {
      out.add(
          WriteRequest.builder()
              .putRequest(
                  PutRequest.builder()
                      .item(
                          Map.of(
                              "pk", AttributeValue.fromS("k" + i),
                              "payload", AttributeValue.fromS("x".repeat(kb * 1024 - 20))))
                      .build())
              .build());
    }
    return out;
  }

  @Test
  void batchWrite_overProvisionedCapacity_returnsUnprocessedItemsThenRecoversWithTime() {
    createProvisioned("slow-orders", 100);
    // 25 items of 1 KB cost 25 WCU; the 100-WCU bucket (1 s of burst) takes four such batches.
    int written = 0;
    int unprocessed = 0;
    for (int b = 0; b < 6; b++) {
      List<WriteRequest> reqs = batch(b * 25, 1);
      BatchWriteItemResponse resp;
      try {
        resp = client.batchWriteItem(r -> r.requestItems(Map.of("slow-orders", reqs))).join();
      } catch (java.util.concurrent.CompletionException e) {
        assertThat(e.getCause()).isInstanceOf(ProvisionedThroughputExceededException.class);
        unprocessed += 25;
        continue;
      }
      int left = resp.unprocessedItems().getOrDefault("slow-orders", List.of()).size();
      unprocessed += left;
      written += 25 - left;
    }
    assertThat(written).isEqualTo(100);
    assertThat(unprocessed).isEqualTo(50);

    clock.advance(Duration.ofSeconds(1));
    BatchWriteItemResponse after =
        client.batchWriteItem(r -> r.requestItems(Map.of("slow-orders", batch(200, 1)))).join();
    assertThat(after.unprocessedItems()).isEmpty();
  }

  @Test
  void batchWrite_partlyOverBudget_returnsTheRestAsUnprocessedItems() {
    createProvisioned("half-orders", 60);
    BatchWriteItemResponse first =
        client.batchWriteItem(r -> r.requestItems(Map.of("half-orders", batch(0, 2)))).join();
    // 2 KB items cost 2 WCU each: 30 of them fit in 60 WCU, so 25 pass now and 5 of the next 25.
    BatchWriteItemResponse second =
        client.batchWriteItem(r -> r.requestItems(Map.of("half-orders", batch(25, 2)))).join();

    assertThat(first.unprocessedItems()).isEmpty();
    assertThat(second.unprocessedItems().get("half-orders")).hasSize(20);
  }

  @Test
  void putItem_whenBucketEmpty_throwsProvisionedThroughputExceeded() {
    createProvisioned("tiny-orders", 1);
    client
        .putItem(r -> r.tableName("tiny-orders").item(Map.of("pk", AttributeValue.fromS("a"))))
        .join();

    assertThatThrownBy(
            () ->
                client
                    .putItem(
                        r ->
                            r.tableName("tiny-orders")
                                .item(Map.of("pk", AttributeValue.fromS("b"))))
                    .join())
        .cause()
        .isInstanceOf(ProvisionedThroughputExceededException.class);
    clock.advance(Duration.ofSeconds(1));
    client
        .putItem(r -> r.tableName("tiny-orders").item(Map.of("pk", AttributeValue.fromS("b"))))
        .join();
  }
}
