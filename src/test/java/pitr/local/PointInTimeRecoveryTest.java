package pitr.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ContinuousBackupsDescription;
import software.amazon.awssdk.services.dynamodb.model.InvalidRestoreTimeException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryStatus;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryUnavailableException;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableAlreadyExistsException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * Point-in-time recovery through the real SDK client over HTTP. These cases run against the
 * embedded engine only: moto's restore copies the table as it is now, so it cannot tell a restore
 * to an earlier instant from a copy.
 */
class PointInTimeRecoveryTest {
  private final AdjustableClock clock =
      AdjustableClock.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
  private final EngineOverHttp local =
      new EngineOverHttp(
          EngineConfig.defaults().withClock(clock).withRestoreLag(Duration.ofSeconds(1)));
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
                        a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("g").attributeType(ScalarAttributeType.S))
                    .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH))
                    .globalSecondaryIndexes(
                        g ->
                            g.indexName("by-g")
                                .keySchema(k -> k.attributeName("g").keyType(KeyType.HASH))
                                .projection(p -> p.projectionType(ProjectionType.ALL)))
                    .tags(t -> t.key("team").value("payments"))
                    .streamSpecification(
                        s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_IMAGE)))
        .join();
  }

  private void enablePitr(String table) {
    client
        .updateContinuousBackups(
            r ->
                r.tableName(table)
                    .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)))
        .join();
  }

  private void put(String table, String pk, String a) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("pk", AttributeValue.fromS(pk));
    item.put("a", AttributeValue.fromS(a));
    item.put("g", AttributeValue.fromS("group"));
    client.putItem(r -> r.tableName(table).item(item)).join();
  }

  private Map<String, String> contents(String table) {
    Map<String, String> out = new HashMap<>();
    for (Map<String, AttributeValue> item : client.scan(r -> r.tableName(table)).join().items()) {
      out.put(item.get("pk").s(), item.get("a").s());
    }
    return out;
  }

  private TableDescription restore(String source, String target, Instant at) {
    return client
        .restoreTableToPointInTime(
            r -> r.sourceTableName(source).targetTableName(target).restoreDateTime(at))
        .join()
        .tableDescription();
  }

  @Test
  void restore_toInstantBetweenWrites_holdsOnlyTheEarlierState() {
    createTable("orders");
    enablePitr("orders");
    clock.advance(Duration.ofSeconds(10));
    put("orders", "a", "1");
    Instant between = clock.instant();
    clock.advance(Duration.ofMillis(1));
    put("orders", "a", "2");
    put("orders", "b", "1");
    clock.advance(Duration.ofSeconds(10));

    restore("orders", "orders-recovery", between);

    assertThat(contents("orders-recovery")).containsExactly(Map.entry("a", "1"));
    assertThat(contents("orders")).containsOnly(Map.entry("a", "2"), Map.entry("b", "1"));
  }

  @Test
  void restore_excludesWritesOneMillisecondAfterTheRestorePoint() {
    createTable("orders");
    enablePitr("orders");
    clock.advance(Duration.ofSeconds(5));
    Instant at = clock.instant();
    clock.advance(Duration.ofMillis(1));
    put("orders", "late", "x");
    clock.advance(Duration.ofSeconds(5));

    restore("orders", "orders-recovery", at);

    assertThat(contents("orders-recovery")).isEmpty();
  }

  @Test
  void restore_seesDeletesAndKeepsIndexesButNotTagsStreamsOrPitr() {
    createTable("orders");
    enablePitr("orders");
    clock.advance(Duration.ofSeconds(1));
    put("orders", "a", "1");
    put("orders", "b", "1");
    clock.advance(Duration.ofSeconds(1));
    Instant before = clock.instant();
    clock.advance(Duration.ofSeconds(1));
    client
        .deleteItem(r -> r.tableName("orders").key(Map.of("pk", AttributeValue.fromS("a"))))
        .join();
    clock.advance(Duration.ofSeconds(5));

    TableDescription d = restore("orders", "orders-recovery", before);

    assertThat(contents("orders-recovery")).containsOnlyKeys("a", "b");
    assertThat(contents("orders")).containsOnlyKeys("b");
    assertThat(d.globalSecondaryIndexes()).extracting(g -> g.indexName()).containsExactly("by-g");
    assertThat(d.restoreSummary().sourceTableArn()).endsWith(":table/orders");
    assertThat(d.restoreSummary().restoreDateTime()).isEqualTo(before);
    assertThat(d.streamSpecification()).isNull();
    String arn = d.tableArn();
    assertThat(client.listTagsOfResource(r -> r.resourceArn(arn)).join().tags()).isEmpty();
    assertThat(
            client
                .describeContinuousBackups(r -> r.tableName("orders-recovery"))
                .join()
                .continuousBackupsDescription()
                .pointInTimeRecoveryDescription()
                .pointInTimeRecoveryStatus())
        .isEqualTo(PointInTimeRecoveryStatus.DISABLED);
    assertThat(
            client
                .query(
                    r ->
                        r.tableName("orders-recovery")
                            .indexName("by-g")
                            .keyConditionExpression("g = :g")
                            .expressionAttributeValues(Map.of(":g", AttributeValue.fromS("group"))))
                .join()
                .count())
        .isEqualTo(2);
  }

  @Test
  void restore_withLatestRestorableTime_takesStateOneLagBehindNow() {
    createTable("orders");
    enablePitr("orders");
    clock.advance(Duration.ofSeconds(10));
    put("orders", "a", "1");
    clock.advance(Duration.ofSeconds(2));
    put("orders", "b", "1");
    clock.advance(Duration.ofMillis(500));

    client
        .restoreTableToPointInTime(
            r ->
                r.sourceTableName("orders")
                    .targetTableName("orders-latest")
                    .useLatestRestorableTime(true))
        .join();

    assertThat(contents("orders-latest")).containsOnlyKeys("a");
  }

  @Test
  void restore_ofDeletedTableByArn_returnsItsLastState() {
    createTable("orders");
    enablePitr("orders");
    String arn = client.describeTable(r -> r.tableName("orders")).join().table().tableArn();
    clock.advance(Duration.ofSeconds(1));
    put("orders", "a", "1");
    clock.advance(Duration.ofSeconds(5));
    Instant beforeDrop = clock.instant();
    clock.advance(Duration.ofSeconds(1));
    client.deleteTable(r -> r.tableName("orders")).join();
    clock.advance(Duration.ofSeconds(5));

    client
        .restoreTableToPointInTime(
            r -> r.sourceTableArn(arn).targetTableName("orders-back").restoreDateTime(beforeDrop))
        .join();

    assertThat(contents("orders-back")).containsOnlyKeys("a");
  }

  @Test
  void restore_whenPitrOff_throwsPointInTimeRecoveryUnavailable() {
    createTable("orders");
    assertThatThrownBy(() -> restore("orders", "orders-recovery", clock.instant()))
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(PointInTimeRecoveryUnavailableException.class)
        .hasMessageStartingWith("Point in time recovery is not enabled for table 'orders'");
  }

  @Test
  void restore_outsideWindow_throwsInvalidRestoreTimeAndCreatesNothing() {
    createTable("orders");
    clock.advance(Duration.ofSeconds(5));
    enablePitr("orders");
    Instant beforeEnable = clock.instant().minusSeconds(2);
    clock.advance(Duration.ofSeconds(10));

    assertThatThrownBy(() -> restore("orders", "orders-recovery", beforeEnable))
        .cause()
        .isInstanceOf(InvalidRestoreTimeException.class)
        .hasMessageContaining("outside the restorable window");
    assertThatThrownBy(() -> restore("orders", "orders-recovery", clock.instant()))
        .cause()
        .isInstanceOf(InvalidRestoreTimeException.class);
    assertThat(client.listTables().join().tableNames()).containsExactly("orders");
  }

  @Test
  void restore_intoExistingTable_throwsTableAlreadyExists() {
    createTable("orders");
    createTable("taken");
    enablePitr("orders");
    clock.advance(Duration.ofSeconds(5));
    assertThatThrownBy(() -> restore("orders", "taken", clock.instant().minusSeconds(2)))
        .cause()
        .isInstanceOf(TableAlreadyExistsException.class)
        .hasMessageStartingWith("Table already exists: taken");
  }

  @Test
  void restore_withBothAnInstantAndTheLatestTime_isRefused_andCreatesNothing() {
    createTable("orders");
    enablePitr("orders");
    clock.advance(Duration.ofSeconds(5));

    assertThatThrownBy(
            () ->
                client
                    .restoreTableToPointInTime(
                        r ->
                            r.sourceTableName("orders")
                                .targetTableName("orders-recovery")
                                .restoreDateTime(clock.instant().minusSeconds(2))
                                .useLatestRestorableTime(true))
                    .join())
        .cause()
        .hasMessageStartingWith(
            "Invalid Request: Either one of RestoreDateTime or UseLatestRestorableTime must be"
                + " specified, but not both");
    assertThat(client.listTables().join().tableNames()).containsExactly("orders");
  }

  @Test
  void disablingPitrWithARecoveryPeriod_isRefused_andKeepsPitrAndItsHistory() {
    createTable("orders");
    enablePitr("orders");
    clock.advance(Duration.ofSeconds(2));
    put("orders", "a", "1");
    Instant written = clock.instant();
    clock.advance(Duration.ofSeconds(5));

    assertThatThrownBy(
            () ->
                client
                    .updateContinuousBackups(
                        r ->
                            r.tableName("orders")
                                .pointInTimeRecoverySpecification(
                                    p ->
                                        p.pointInTimeRecoveryEnabled(false)
                                            .recoveryPeriodInDays(7)))
                    .join())
        .cause()
        .hasMessageStartingWith(
            "Cannot specify RecoveryPeriodInDays when disabling point-in-time recovery.");
    put("orders", "a", "2");
    clock.advance(Duration.ofSeconds(5));

    restore("orders", "orders-recovery", written);
    assertThat(contents("orders-recovery")).containsEntry("a", "1");
  }

  @Test
  void restore_ofMissingTable_throwsTableNotFound() {
    assertThatThrownBy(() -> restore("ghost", "ghost-recovery", clock.instant()))
        .cause()
        .isInstanceOf(TableNotFoundException.class)
        .hasMessageStartingWith("Table not found: ghost");
  }

  @Test
  void continuousBackups_turnedOffAndOn_resetsEarliestRestorableTime() {
    createTable("orders");
    enablePitr("orders");
    Instant first = clock.instant();
    clock.advance(Duration.ofMinutes(10));
    client
        .updateContinuousBackups(
            r ->
                r.tableName("orders")
                    .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(false)))
        .join();
    clock.advance(Duration.ofMinutes(1));
    enablePitr("orders");
    Instant second = clock.instant();
    clock.advance(Duration.ofMinutes(1));

    ContinuousBackupsDescription d =
        client
            .describeContinuousBackups(r -> r.tableName("orders"))
            .join()
            .continuousBackupsDescription();

    assertThat(second).isAfter(first);
    assertThat(d.pointInTimeRecoveryDescription().earliestRestorableDateTime()).isEqualTo(second);
    assertThat(d.pointInTimeRecoveryDescription().latestRestorableDateTime())
        .isEqualTo(clock.instant().minusSeconds(1));
    assertThat(d.pointInTimeRecoveryDescription().recoveryPeriodInDays()).isEqualTo(35);
  }

  @Test
  void history_olderThanRecoveryPeriod_isPrunedAndWindowMoves() {
    createTable("orders");
    client
        .updateContinuousBackups(
            r ->
                r.tableName("orders")
                    .pointInTimeRecoverySpecification(
                        p -> p.pointInTimeRecoveryEnabled(true).recoveryPeriodInDays(1)))
        .join();
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofHours(1));
      put("orders", "a", "v" + i);
    }
    assertThat(local.engine.historyStats().versions()).isEqualTo(4);

    clock.advance(Duration.ofHours(22).plusMinutes(30));
    long dropped = local.engine.pruneHistory();

    // The window now starts at 3.5 h: v2 (written at 3 h) is the state there, v0 and v1 go.
    // Tables dropped by earlier tests in this class may lose history in the same sweep.
    assertThat(dropped).isGreaterThanOrEqualTo(2);
    assertThat(local.engine.historyStats().versions()).isEqualTo(2);
    Instant earliest =
        client
            .describeContinuousBackups(r -> r.tableName("orders"))
            .join()
            .continuousBackupsDescription()
            .pointInTimeRecoveryDescription()
            .earliestRestorableDateTime();
    assertThat(earliest).isEqualTo(clock.instant().minus(Duration.ofDays(1)));
    restore("orders", "orders-day-ago", earliest);
    assertThat(contents("orders-day-ago")).containsExactly(Map.entry("a", "v2"));
  }

  @Test
  void restoredTable_staysCreatingForTheSimulatedDuration() {
    try (EngineOverHttp slow =
        new EngineOverHttp(
            EngineConfig.defaults().withClock(clock).withRestoreDuration(Duration.ofMinutes(20)))) {
      DynamoDbAsyncClient c = slow.client;
      c.createTable(
              r ->
                  r.tableName("orders")
                      .billingMode(BillingMode.PAY_PER_REQUEST)
                      .attributeDefinitions(
                          a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
                      .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH)))
          .join();
      c.updateContinuousBackups(
              r ->
                  r.tableName("orders")
                      .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)))
          .join();
      clock.advance(Duration.ofMinutes(1));
      c.restoreTableToPointInTime(
              r ->
                  r.sourceTableName("orders")
                      .targetTableName("restored-1")
                      .useLatestRestorableTime(true))
          .join();

      TableDescription during = c.describeTable(r -> r.tableName("restored-1")).join().table();
      clock.advance(Duration.ofMinutes(20));
      TableDescription after = c.describeTable(r -> r.tableName("restored-1")).join().table();

      assertThat(during.tableStatus()).isEqualTo(TableStatus.CREATING);
      assertThat(during.restoreSummary().restoreInProgress()).isTrue();
      assertThat(after.tableStatus()).isEqualTo(TableStatus.ACTIVE);
      assertThat(after.restoreSummary().restoreInProgress()).isFalse();
      assertThat(List.of(during.tableName(), after.tableName())).containsOnly("restored-1");
    }
  }
}
