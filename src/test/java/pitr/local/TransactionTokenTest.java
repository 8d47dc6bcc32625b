package pitr.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.IdempotentParameterMismatchException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * TransactWriteItems' ClientRequestToken, as DynamoDB keeps it: a retry within ten minutes is
 * answered without writing again, the token reused for another transaction is refused, and only an
 * applied transaction records it. Also what the stored item makes invalid: a cancellation reason.
 */
class TransactionTokenTest {
  private final AdjustableClock clock =
      AdjustableClock.startingAt(Instant.parse("2026-03-01T10:00:00Z"));
  private EngineOverHttp local;

  @BeforeEach
  void start() {
    local = new EngineOverHttp(EngineConfig.defaults().withClock(clock));
    local
        .client
        .createTable(
            r ->
                r.tableName("counters")
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                        a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
                    .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH)))
        .join();
  }

  @AfterEach
  void stop() {
    local.close();
  }

  private static TransactWriteItemsRequest add(String token, int amount) {
    return TransactWriteItemsRequest.builder()
        .clientRequestToken(token)
        .returnConsumedCapacity(ReturnConsumedCapacity.INDEXES)
        .transactItems(
            TransactWriteItem.builder()
                .update(
                    u ->
                        u.tableName("counters")
                            .key(Map.of("pk", AttributeValue.fromS("c")))
                            .updateExpression("ADD n :a")
                            .expressionAttributeValues(
                                Map.of(":a", AttributeValue.fromN(Integer.toString(amount)))))
                .build())
        .build();
  }

  private String counter() {
    Map<String, AttributeValue> item =
        local
            .client
            .getItem(r -> r.tableName("counters").key(Map.of("pk", AttributeValue.fromS("c"))))
            .join()
            .item();
    return item.isEmpty() ? null : item.get("n").n();
  }

  private TransactWriteItemsResponse send(TransactWriteItemsRequest r) {
    return local.client.transactWriteItems(r).join();
  }

  private <T extends Throwable> T failure(Class<T> type, TransactWriteItemsRequest r) {
    CompletionException e = catchThrowableOfType(() -> send(r), CompletionException.class);
    assertThat(e).as("the call fails").isNotNull();
    assertThat(e.getCause()).isInstanceOf(type);
    return type.cast(e.getCause());
  }

  @Test
  void aRetryWithTheSameToken_isAnsweredWithoutWritingAgain_andReportsReadCapacity() {
    ConsumedCapacity first = send(add("t-1", 1)).consumedCapacity().get(0);
    ConsumedCapacity retry = send(add("t-1", 1)).consumedCapacity().get(0);

    assertThat(counter()).isEqualTo("1");
    assertThat(first.writeCapacityUnits()).isEqualTo(2.0);
    assertThat(retry.readCapacityUnits()).isEqualTo(2.0);
    assertThat(retry.writeCapacityUnits()).isNull();
  }

  @Test
  void theTokenReusedWithOtherParameters_isRefused_andChangesNothing() {
    send(add("t-1", 1));

    IdempotentParameterMismatchException e =
        failure(IdempotentParameterMismatchException.class, add("t-1", 5));

    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("IdempotentParameterMismatchException");
    assertThat(e.awsErrorDetails().errorMessage())
        .contains("ClientRequestToken t-1")
        .contains("use a new token");
    assertThat(counter()).isEqualTo("1");
  }

  @Test
  void afterTenMinutes_theSameTokenIsANewTransaction() {
    send(add("t-1", 1));
    clock.advance(Duration.ofMinutes(9));
    send(add("t-1", 1));
    assertThat(counter()).isEqualTo("1");

    clock.advance(Duration.ofMinutes(1).plusMillis(1));
    send(add("t-1", 5));

    assertThat(counter()).isEqualTo("6");
  }

  @Test
  void withoutATokenOrWithNewOnes_everyCallWrites() {
    send(add(null, 1));
    send(add(null, 1));
    send(add("t-1", 1));
    send(add("t-2", 1));

    assertThat(counter()).isEqualTo("4");
  }

  @Test
  void aCancelledTransaction_recordsNoToken_soItsRetryIsEvaluatedAgain() {
    TransactWriteItemsRequest guarded =
        add("t-1", 1).toBuilder()
            .transactItems(
                add("t-1", 1).transactItems().get(0).toBuilder()
                    .update(
                        add("t-1", 1).transactItems().get(0).update().toBuilder()
                            .conditionExpression("attribute_exists(ready)")
                            .build())
                    .build())
            .build();
    failure(TransactionCanceledException.class, guarded);

    local
        .client
        .putItem(
            r ->
                r.tableName("counters")
                    .item(
                        Map.of(
                            "pk",
                            AttributeValue.fromS("c"),
                            "ready",
                            AttributeValue.fromBool(true))))
        .join();
    send(guarded);

    assertThat(counter()).isEqualTo("1");
  }

  @Test
  void anUpdateTheStoredItemMakesInvalid_cancelsWithAValidationErrorReason_andWritesNothing() {
    local
        .client
        .putItem(
            r ->
                r.tableName("counters")
                    .item(Map.of("pk", AttributeValue.fromS("a"), "s", AttributeValue.fromS("x"))))
        .join();
    TransactWriteItemsRequest r =
        TransactWriteItemsRequest.builder()
            .transactItems(
                TransactWriteItem.builder()
                    .put(p -> p.tableName("counters").item(Map.of("pk", AttributeValue.fromS("b"))))
                    .build(),
                TransactWriteItem.builder()
                    .update(
                        u ->
                            u.tableName("counters")
                                .key(Map.of("pk", AttributeValue.fromS("a")))
                                .updateExpression("SET n = s + :one")
                                .expressionAttributeValues(
                                    Map.of(":one", AttributeValue.fromN("1"))))
                    .build(),
                TransactWriteItem.builder()
                    .update(
                        u ->
                            u.tableName("counters")
                                .key(Map.of("pk", AttributeValue.fromS("c")))
                                .updateExpression("SET n = absent + :one")
                                .expressionAttributeValues(
                                    Map.of(":one", AttributeValue.fromN("1"))))
                    .build())
            .build();

    TransactionCanceledException e = failure(TransactionCanceledException.class, r);

    assertThat(e.awsErrorDetails().errorMessage())
        .endsWith("[None, ValidationError, ValidationError]");
    List<CancellationReason> reasons = e.cancellationReasons();
    assertThat(reasons.get(1).message())
        .isEqualTo("An operand in the update expression has an incorrect data type");
    assertThat(reasons.get(2).message())
        .isEqualTo(
            "The provided expression refers to an attribute that does not exist in the item");
    assertThat(
            local
                .client
                .getItem(q -> q.tableName("counters").key(Map.of("pk", AttributeValue.fromS("b"))))
                .join()
                .hasItem())
        .isFalse();
  }
}
