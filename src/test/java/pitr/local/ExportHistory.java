package pitr.local;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The history the export tests read, written on a moved clock: table {@code orders} (pk S, sk N)
 * with PITR on from {@link #START}; before the window a, c and d are written; in [{@link #FROM},
 * {@link #TO}) a is updated twice, b inserted, c deleted, e inserted and deleted; after it a is
 * updated again and f inserted. The clock ends at {@link #END}.
 */
final class ExportHistory {
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant FROM = START.plus(Duration.ofMinutes(10));
  static final Instant TO = START.plus(Duration.ofMinutes(30));
  static final Instant END = START.plus(Duration.ofMinutes(40));

  private ExportHistory() {}

  static void write(DynamoDbAsyncClient client, AdjustableClock clock) {
    client
        .createTable(
            r ->
                r.tableName("orders")
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                        a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("sk").attributeType(ScalarAttributeType.N))
                    .keySchema(
                        k -> k.attributeName("pk").keyType(KeyType.HASH),
                        k -> k.attributeName("sk").keyType(KeyType.RANGE)))
        .join();
    client
        .updateContinuousBackups(
            r ->
                r.tableName("orders")
                    .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)))
        .join();
    at(clock, 1);
    put(client, "a", 1);
    put(client, "c", 1);
    put(client, "d", 1);
    at(clock, 11);
    put(client, "a", 2);
    at(clock, 12);
    put(client, "b", 1);
    at(clock, 13);
    delete(client, "c");
    at(clock, 14);
    put(client, "e", 1);
    at(clock, 15);
    delete(client, "e");
    at(clock, 20);
    put(client, "a", 3);
    at(clock, 31);
    put(client, "a", 4);
    at(clock, 32);
    put(client, "f", 1);
    at(clock, 40);
  }

  /** The item {@code pk} at version {@code v}, as {@link #write} puts it. */
  static Map<String, AttributeValue> item(String pk, int v) {
    return Map.of(
        "pk",
        AttributeValue.fromS(pk),
        "sk",
        AttributeValue.fromN("7"),
        "v",
        AttributeValue.fromN(Integer.toString(v)),
        "tags",
        AttributeValue.fromSs(List.of("x", "y")),
        "doc",
        AttributeValue.fromM(
            Map.of(
                "list",
                AttributeValue.fromL(
                    List.of(AttributeValue.fromBool(true), AttributeValue.fromNul(true))))));
  }

  static Map<String, AttributeValue> key(String pk) {
    return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromN("7"));
  }

  private static void at(AdjustableClock clock, int minutes) {
    Duration by = Duration.between(clock.instant(), START.plus(Duration.ofMinutes(minutes)));
    clock.advance(by);
  }

  private static void put(DynamoDbAsyncClient client, String pk, int v) {
    client.putItem(r -> r.tableName("orders").item(item(pk, v))).join();
  }

  private static void delete(DynamoDbAsyncClient client, String pk) {
    client.deleteItem(r -> r.tableName("orders").key(key(pk))).join();
  }
}
