package pitr.dynamo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.TestHttp;
import pitr.local.EngineConfig;
import pitr.local.Faults;
import reactor.test.scheduler.VirtualTimeScheduler;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BackupStatus;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/** The gateway's single-item writes, transactions and backups, through the real SDK client. */
class DynamoDbGatewayWriteTest {
  private final LocalTarget local = new LocalTarget();
  private final DynamoDbGateway gateway = local.gateway();

  @AfterEach
  void stop() {
    local.close();
  }

  private static Map<String, AttributeValue> key(String pk) {
    return Map.of("pk", AttributeValue.fromS(pk));
  }

  private UpdateItemRequest setColour(String pk, String colour, String condition) {
    UpdateItemRequest.Builder b =
        UpdateItemRequest.builder()
            .tableName("cars")
            .key(key(pk))
            .updateExpression("SET colour = :c")
            .expressionAttributeValues(Map.of(":c", AttributeValue.fromS(colour)))
            .returnValues(ReturnValue.ALL_NEW)
            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
            .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
    return condition == null ? b.build() : b.conditionExpression(condition).build();
  }

  @Test
  void updateItem_returnsTheNewImageAndTheCapacityConsumed() {
    local.createTable("cars");
    local.fill("cars", 0, 1, "v1", 0);

    var r =
        gateway.updateItem(setColour("k0", "red", "attribute_exists(pk)"), Retries.SHARED).block();

    assertThat(r.attributes())
        .containsEntry("colour", AttributeValue.fromS("red"))
        .containsEntry("v", AttributeValue.fromS("v1"));
    assertThat(r.consumedCapacity().capacityUnits()).isEqualTo(1.0);
  }

  @Test
  void updateItem_whoseConditionFails_comesBackUnchangedWithTheImageThatFailedIt() {
    local.createTable("cars");
    local.fill("cars", 0, 1, "v1", 0);

    assertThatThrownBy(
            () ->
                gateway
                    .updateItem(setColour("k0", "red", "attribute_not_exists(pk)"), Retries.SHARED)
                    .block())
        .isInstanceOfSatisfying(
            ConditionalCheckFailedException.class,
            e -> assertThat(e.item()).containsEntry("v", AttributeValue.fromS("v1")));
  }

  @Test
  void updateItem_underInjectedThrottlingAndServerErrors_isRetriedUntilItLands() {
    try (LocalTarget faulty = new LocalTarget(EngineConfig.defaults());
        DynamoDbAsyncClient once =
            TestHttp.dynamo(faulty.server.endpoint())
                // Every injected fault reaches the gateway, whose retries must absorb it.
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {
      faulty.createTable("cars");
      faulty.fill("cars", 0, 20, "v1", 0);
      faulty.engine.setFaults(Faults.parse("throttle=0.3,error=0.2,seed=11"));
      int[] retries = {0};
      // Backoffs pass in virtual time: the test waits only for the engine's answers.
      VirtualTimeScheduler vts = VirtualTimeScheduler.create();
      DynamoDbGateway g =
          DynamoDbGateway.create(once, faulty.endpoint())
              .withScheduler(vts)
              .withRetryListener(e -> retries[0]++)
              .withRetry(Throttling.retry(30, Duration.ofMillis(100), Duration.ofSeconds(2), vts));

      for (int i = 0; i < 20; i++) {
        VirtualTime.run(
            vts,
            g.updateItem(
                UpdateItemRequest.builder()
                    .tableName("cars")
                    .key(key("k" + i))
                    .updateExpression("SET colour = :c")
                    .expressionAttributeValues(Map.of(":c", AttributeValue.fromS("red")))
                    .build(),
                Retries.SHARED));
      }
      vts.dispose();

      faulty.engine.setFaults(Faults.NONE);
      assertThat(retries[0]).isGreaterThan(0);
      assertThat(faulty.contents("cars").values())
          .allSatisfy(i -> assertThat(i.get("colour").s()).isEqualTo("red"));
    }
  }

  @Test
  void putItem_andDeleteItem_reportCapacity_andPassFailedConditionsOn() {
    local.createTable("cars");
    Map<String, AttributeValue> item =
        Map.of("pk", AttributeValue.fromS("a"), "colour", AttributeValue.fromS("blue"));

    var put =
        gateway
            .putItem(
                PutItemRequest.builder()
                    .tableName("cars")
                    .item(item)
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                    .build(),
                Retries.SHARED)
            .block();
    var deleteRefused =
        gateway.deleteItem(
            DeleteItemRequest.builder()
                .tableName("cars")
                .key(key("a"))
                .conditionExpression("colour = :c")
                .expressionAttributeValues(Map.of(":c", AttributeValue.fromS("green")))
                .build(),
            Retries.SHARED);

    assertThat(put.consumedCapacity().capacityUnits()).isEqualTo(1.0);
    assertThatThrownBy(deleteRefused::block).isInstanceOf(ConditionalCheckFailedException.class);
    var deleted =
        gateway
            .deleteItem(
                DeleteItemRequest.builder()
                    .tableName("cars")
                    .key(key("a"))
                    .returnValues(ReturnValue.ALL_OLD)
                    .build(),
                Retries.SHARED)
            .block();
    assertThat(deleted.attributes()).isEqualTo(item);
    assertThat(
            gateway
                .getItem(GetItemRequest.builder().tableName("cars").key(key("a")).build())
                .blockOptional())
        .isEmpty();
  }

  @Test
  void transactWrite_whoseCheckFails_comesBackCancelledWithTheReason_andWritesNothing() {
    local.createTable("cars");
    TransactWriteItemsRequest request =
        TransactWriteItemsRequest.builder()
            .transactItems(
                TransactWriteItem.builder()
                    .conditionCheck(
                        c ->
                            c.tableName("cars")
                                .key(key("lock"))
                                .conditionExpression("attribute_exists(pk)"))
                    .build(),
                TransactWriteItem.builder().put(p -> p.tableName("cars").item(key("run"))).build())
            .build();

    assertThatThrownBy(() -> gateway.transactWrite("cars", request).block())
        .isInstanceOfSatisfying(
            TransactionCanceledException.class,
            e ->
                assertThat(e.cancellationReasons().get(0).code())
                    .isEqualTo("ConditionalCheckFailed"));
    assertThat(local.contents("cars")).isEmpty();
  }

  @Test
  void transactWrite_onAMissingTable_failsWithUsageNamingIt() {
    TransactWriteItemsRequest request =
        TransactWriteItemsRequest.builder()
            .transactItems(
                TransactWriteItem.builder().put(p -> p.tableName("ghost").item(key("a"))).build())
            .build();

    assertThatThrownBy(() -> gateway.transactWrite("ghost", request).block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessageStartingWith("Table ghost ");
  }

  @Test
  void createBackup_thenDescribeBackup_seeTheSameBackup() {
    local.createTable("cars");
    local.fill("cars", 0, 3, "v1", 0);

    var details = gateway.createBackup("cars", "before-0001").block();
    var described = gateway.describeBackup("cars", details.backupArn()).block();

    assertThat(details.backupName()).isEqualTo("before-0001");
    assertThat(described.backupDetails().backupArn()).isEqualTo(details.backupArn());
    assertThat(described.sourceTableDetails().tableName()).isEqualTo("cars");
    assertThat(described.backupDetails().backupStatus())
        .isIn(BackupStatus.CREATING, BackupStatus.AVAILABLE);
  }
}
