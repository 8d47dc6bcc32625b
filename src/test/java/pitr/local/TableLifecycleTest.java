package pitr.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * Table states over time (CREATING, UPDATING, DELETING, a backfilling index) through the real SDK
 * client over HTTP, with the engine's clock moved by hand: engine only, since no other backend lets
 * a test move its clock.
 */
class TableLifecycleTest {
  private final AdjustableClock clock =
      AdjustableClock.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
  private final EngineOverHttp local =
      new EngineOverHttp(
          EngineConfig.defaults()
              .withClock(clock)
              .withTableActivationDelay(Duration.ofSeconds(30))
              .withLifecycle(
                  EngineConfig.Lifecycle.DEFAULTS
                      .withUpdateDuration(Duration.ofMinutes(1))
                      .withDeleteDuration(Duration.ofSeconds(20))
                      .withTtlSweepInterval(Duration.ZERO)));
  private final DynamoDbAsyncClient client = local.client;

  @AfterEach
  void stop() {
    local.close();
  }

  private void createTable(String name) {
    client
        .createTable(
            r ->
                r.tableName(name)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                        a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
                    .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH)))
        .join();
  }

  private TableStatus status(String name) {
    return client.describeTable(r -> r.tableName(name)).join().table().tableStatus();
  }

  private void put(String table) {
    client.putItem(r -> r.tableName(table).item(Map.of("pk", AttributeValue.fromS("a")))).join();
  }

  private static <T extends DynamoDbException> T fails(Class<T> type, Supplier<?> call) {
    Throwable thrown = catchThrowable(call::get);
    assertThat(thrown).isInstanceOf(CompletionException.class);
    assertThat(thrown.getCause()).isExactlyInstanceOf(type);
    return type.cast(thrown.getCause());
  }

  private static String message(DynamoDbException e) {
    return e.awsErrorDetails().errorMessage();
  }

  @Test
  void createTable_isCreatingUntilItsDurationPasses_refusingWritesAndChanges() {
    createTable("orders");

    assertThat(status("orders")).isEqualTo(TableStatus.CREATING);
    fails(
        ResourceNotFoundException.class,
        () ->
            client
                .putItem(r -> r.tableName("orders").item(Map.of("pk", AttributeValue.fromS("a"))))
                .join());
    assertThat(
            message(
                fails(
                    ResourceInUseException.class,
                    () -> client.deleteTable(r -> r.tableName("orders")).join())))
        .isEqualTo(
            "Attempt to change a resource which is still in use: Table is being created: orders");
    assertThat(
            message(
                fails(
                    ResourceInUseException.class,
                    () ->
                        client
                            .updateTable(r -> r.tableName("orders").deletionProtectionEnabled(true))
                            .join())))
        .isEqualTo(
            "Attempt to change a resource which is still in use: Table is being created: orders");

    clock.advance(Duration.ofSeconds(30));
    assertThat(status("orders")).isEqualTo(TableStatus.ACTIVE);
    put("orders");
  }

  private String ttlRefusal(String table) {
    return message(
        fails(
            ResourceInUseException.class,
            () ->
                client
                    .updateTimeToLive(
                        r ->
                            r.tableName(table)
                                .timeToLiveSpecification(t -> t.attributeName("exp").enabled(true)))
                    .join()));
  }

  @Test
  void updateTimeToLive_whileTheTableIsNotActive_isRefusedAsInUse() {
    createTable("orders");
    assertThat(ttlRefusal("orders"))
        .isEqualTo(
            "Attempt to change a resource which is still in use: Table is being created: orders");

    clock.advance(Duration.ofSeconds(30));
    client.updateTable(r -> r.tableName("orders").deletionProtectionEnabled(false)).join();
    assertThat(ttlRefusal("orders"))
        .isEqualTo(
            "Attempt to change a resource which is still in use: Table is being updated: orders");

    clock.advance(Duration.ofMinutes(1));
    client.deleteTable(r -> r.tableName("orders")).join();
    assertThat(ttlRefusal("orders"))
        .isEqualTo(
            "Attempt to change a resource which is still in use: Table is being deleted: orders");
  }

  @Test
  void updateTimeToLive_onceTheTableIsActive_isAccepted() {
    createTable("orders");
    clock.advance(Duration.ofSeconds(30));

    client
        .updateTimeToLive(
            r ->
                r.tableName("orders")
                    .timeToLiveSpecification(t -> t.attributeName("exp").enabled(true)))
        .join();

    assertThat(
            client
                .describeTimeToLive(r -> r.tableName("orders"))
                .join()
                .timeToLiveDescription()
                .attributeName())
        .isEqualTo("exp");
  }

  @Test
  void updateTable_isUpdatingForItsDuration_takingWritesButRefusingChanges() {
    createTable("orders");
    clock.advance(Duration.ofSeconds(30));

    client.updateTable(r -> r.tableName("orders").deletionProtectionEnabled(false)).join();

    assertThat(status("orders")).isEqualTo(TableStatus.UPDATING);
    put("orders");
    assertThat(
            message(
                fails(
                    ResourceInUseException.class,
                    () -> client.deleteTable(r -> r.tableName("orders")).join())))
        .isEqualTo(
            "Attempt to change a resource which is still in use: Table is being updated: orders");
    fails(
        ResourceInUseException.class,
        () ->
            client
                .updateTable(r -> r.tableName("orders").billingMode(BillingMode.PAY_PER_REQUEST))
                .join());
    clock.advance(Duration.ofMinutes(1));
    assertThat(status("orders")).isEqualTo(TableStatus.ACTIVE);
  }

  @Test
  void updateTable_addingAGlobalIndex_backfillsItUntilTheDurationPasses() {
    createTable("orders");
    clock.advance(Duration.ofSeconds(30));

    client
        .updateTable(
            r ->
                r.tableName("orders")
                    .attributeDefinitions(
                        a -> a.attributeName("g").attributeType(ScalarAttributeType.S))
                    .globalSecondaryIndexUpdates(
                        u ->
                            u.create(
                                c ->
                                    c.indexName("by-g")
                                        .keySchema(k -> k.attributeName("g").keyType(KeyType.HASH))
                                        .projection(p -> p.projectionType(ProjectionType.ALL)))))
        .join();

    GlobalSecondaryIndexDescription building =
        client
            .describeTable(r -> r.tableName("orders"))
            .join()
            .table()
            .globalSecondaryIndexes()
            .get(0);
    assertThat(building.indexStatus()).isEqualTo(IndexStatus.CREATING);
    assertThat(building.backfilling()).isTrue();
    Supplier<?> queryIndex =
        () ->
            client
                .query(
                    r ->
                        r.tableName("orders")
                            .indexName("by-g")
                            .keyConditionExpression("g = :g")
                            .expressionAttributeValues(Map.of(":g", AttributeValue.fromS("x"))))
                .join();
    assertThat(message(fails(DynamoDbException.class, queryIndex)))
        .isEqualTo("Cannot read from backfilling global secondary index: by-g");
    assertThat(
            message(
                fails(
                    DynamoDbException.class,
                    () -> client.scan(r -> r.tableName("orders").indexName("by-g")).join())))
        .isEqualTo("Cannot read from backfilling global secondary index: by-g");
    clock.advance(Duration.ofMinutes(1));
    queryIndex.get();
    GlobalSecondaryIndexDescription built =
        client
            .describeTable(r -> r.tableName("orders"))
            .join()
            .table()
            .globalSecondaryIndexes()
            .get(0);
    assertThat(built.indexStatus()).isEqualTo(IndexStatus.ACTIVE);
    assertThat(built.backfilling()).isNull();
  }

  @Test
  void deleteTable_isDeletingForItsDuration_thenGone() {
    createTable("orders");
    clock.advance(Duration.ofSeconds(30));

    assertThat(
            client.deleteTable(r -> r.tableName("orders")).join().tableDescription().tableStatus())
        .isEqualTo(TableStatus.DELETING);

    assertThat(status("orders")).isEqualTo(TableStatus.DELETING);
    assertThat(client.listTables().join().tableNames()).containsExactly("orders");
    fails(
        ResourceNotFoundException.class,
        () ->
            client
                .putItem(r -> r.tableName("orders").item(Map.of("pk", AttributeValue.fromS("a"))))
                .join());
    assertThat(
            message(
                fails(
                    ResourceInUseException.class,
                    () -> client.deleteTable(r -> r.tableName("orders")).join())))
        .isEqualTo(
            "Attempt to change a resource which is still in use: Table is being deleted: orders");
    assertThat(
            message(
                fails(
                    ResourceInUseException.class,
                    () -> {
                      createTable("orders");
                      return null;
                    })))
        .isEqualTo("Table already exists: orders");

    clock.advance(Duration.ofSeconds(20));
    fails(
        ResourceNotFoundException.class,
        () -> client.describeTable(r -> r.tableName("orders")).join());
    assertThat(client.listTables().join().tableNames()).isEmpty();
    createTable("orders");
  }
}
