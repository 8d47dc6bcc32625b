package pitr.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DescribeTimeToLiveRequest;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * TTL expiry through the real SDK client over HTTP, with the engine's clock moved by hand. Engine
 * only by nature: no other backend lets a test move its clock, and DynamoDB itself takes up to
 * days.
 */
class TtlExpiryTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private final AdjustableClock clock = AdjustableClock.startingAt(START);
  private EngineOverHttp local =
      new EngineOverHttp(
          EngineConfig.defaults()
              .withClock(clock)
              .withLifecycle(EngineConfig.Lifecycle.DEFAULTS.withTtlSweepInterval(Duration.ZERO)));
  private DynamoDbAsyncClient client = local.client;

  @AfterEach
  void stop() {
    local.close();
  }

  private static long seconds(Instant at) {
    return at.getEpochSecond();
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

  private void enableTtl(String table) {
    client
        .updateTimeToLive(
            r ->
                r.tableName(table)
                    .timeToLiveSpecification(s -> s.enabled(true).attributeName("expires")))
        .join();
  }

  private void put(String table, String pk, AttributeValue expires) {
    Map<String, AttributeValue> item =
        expires == null
            ? Map.of("pk", AttributeValue.fromS(pk))
            : Map.of("pk", AttributeValue.fromS(pk), "expires", expires);
    client.putItem(r -> r.tableName(table).item(item)).join();
  }

  private Set<String> keys(String table) {
    return client.scan(r -> r.tableName(table).consistentRead(true)).join().items().stream()
        .map(i -> i.get("pk").s())
        .collect(Collectors.toSet());
  }

  private TimeToLiveStatus ttlStatus(String table) {
    return client
        .describeTimeToLive(DescribeTimeToLiveRequest.builder().tableName(table).build())
        .join()
        .timeToLiveDescription()
        .timeToLiveStatus();
  }

  @Test
  void sweep_deletesOnlyItemsWhoseTtlIsANumberOfPastEpochSeconds() {
    createTable("sessions");
    enableTtl("sessions");
    Instant expiry = START.plus(Duration.ofMinutes(10));
    put("sessions", "expiring", AttributeValue.fromN(Long.toString(seconds(expiry))));
    put("sessions", "fraction", AttributeValue.fromN(seconds(expiry) + ".5"));
    put("sessions", "later", AttributeValue.fromN(Long.toString(seconds(expiry) + 3600)));
    put("sessions", "string", AttributeValue.fromS(Long.toString(seconds(START))));
    put("sessions", "set", AttributeValue.fromNs(java.util.List.of(Long.toString(seconds(START)))));
    put("sessions", "absent", null);
    put(
        "sessions",
        "six-years-old",
        AttributeValue.fromN(Long.toString(seconds(START.minus(Duration.ofDays(6 * 365))))));
    put("sessions", "milliseconds", AttributeValue.fromN(Long.toString(START.toEpochMilli())));

    assertThat(local.engine.sweepExpiredItems()).isZero();
    clock.advance(Duration.ofMinutes(10).plusSeconds(1));
    long deleted = local.engine.sweepExpiredItems();

    assertThat(deleted).isEqualTo(2);
    assertThat(keys("sessions"))
        .containsExactlyInAnyOrder(
            "later", "string", "set", "absent", "six-years-old", "milliseconds");
  }

  @Test
  void sweep_ofAnItemRewrittenWithALaterExpiry_keepsIt() {
    createTable("sessions");
    enableTtl("sessions");
    put("sessions", "a", AttributeValue.fromN(Long.toString(seconds(START) + 60)));
    clock.advance(Duration.ofMinutes(2));
    put("sessions", "a", AttributeValue.fromN(Long.toString(seconds(START) + 3600)));

    assertThat(local.engine.sweepExpiredItems()).isZero();
    assertThat(keys("sessions")).containsExactly("a");
  }

  @Test
  void sweep_whileTtlIsOff_deletesNothing() {
    createTable("sessions");
    put("sessions", "a", AttributeValue.fromN(Long.toString(seconds(START) - 60)));

    assertThat(local.engine.sweepExpiredItems()).isZero();
    assertThat(keys("sessions")).containsExactly("a");
  }

  @Test
  void sweep_deletionIsKeptInHistory_soARestoreToBeforeExpiryHasTheItemButNoTtl() {
    createTable("sessions");
    client
        .updateContinuousBackups(
            r ->
                r.tableName("sessions")
                    .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)))
        .join();
    enableTtl("sessions");
    put("sessions", "a", AttributeValue.fromN(Long.toString(seconds(START) + 60)));
    clock.advance(Duration.ofSeconds(30));
    Instant beforeExpiry = clock.instant();
    clock.advance(Duration.ofMinutes(2));
    assertThat(local.engine.sweepExpiredItems()).isEqualTo(1);
    assertThat(keys("sessions")).isEmpty();
    clock.advance(Duration.ofMinutes(1));

    client
        .restoreTableToPointInTime(
            r ->
                r.sourceTableName("sessions")
                    .targetTableName("sessions-restored")
                    .restoreDateTime(beforeExpiry))
        .join();

    assertThat(keys("sessions-restored")).containsExactly("a");
    assertThat(ttlStatus("sessions-restored")).isEqualTo(TimeToLiveStatus.DISABLED);
    clock.advance(Duration.ofDays(1));
    assertThat(local.engine.sweepExpiredItems()).isZero();
    assertThat(keys("sessions-restored")).containsExactly("a");
  }

  @Test
  void restoreFromBackup_ofATableWithTtl_leavesTtlOff() {
    createTable("sessions");
    enableTtl("sessions");
    String arn =
        client
            .createBackup(r -> r.tableName("sessions").backupName("before-ttl"))
            .join()
            .backupDetails()
            .backupArn();

    client
        .restoreTableFromBackup(r -> r.backupArn(arn).targetTableName("sessions-from-backup"))
        .join();

    assertThat(ttlStatus("sessions")).isEqualTo(TimeToLiveStatus.ENABLED);
    assertThat(ttlStatus("sessions-from-backup")).isEqualTo(TimeToLiveStatus.DISABLED);
  }

  @Test
  void updateTimeToLive_withATransition_isEnablingThenEnabled_andSweepsOnlyOnceEnabled() {
    local.close();
    local =
        new EngineOverHttp(
            EngineConfig.defaults()
                .withClock(clock)
                .withLifecycle(
                    EngineConfig.Lifecycle.DEFAULTS
                        .withTtlSweepInterval(Duration.ZERO)
                        .withTtlTransition(Duration.ofMinutes(5))));
    client = local.client;
    createTable("sessions");
    put("sessions", "a", AttributeValue.fromN(Long.toString(seconds(START) - 60)));
    enableTtl("sessions");

    assertThat(ttlStatus("sessions")).isEqualTo(TimeToLiveStatus.ENABLING);
    assertThat(local.engine.sweepExpiredItems()).isZero();
    clock.advance(Duration.ofMinutes(5));
    assertThat(ttlStatus("sessions")).isEqualTo(TimeToLiveStatus.ENABLED);
    assertThat(local.engine.sweepExpiredItems()).isEqualTo(1);
  }

  @Test
  void updateTimeToLive_anHourAfterEnabling_disables() {
    createTable("sessions");
    enableTtl("sessions");
    clock.advance(Duration.ofHours(1));

    client
        .updateTimeToLive(
            r ->
                r.tableName("sessions")
                    .timeToLiveSpecification(s -> s.enabled(false).attributeName("expires")))
        .join();

    assertThat(ttlStatus("sessions")).isEqualTo(TimeToLiveStatus.DISABLED);
    assertThat(
            client
                .describeTimeToLive(r -> r.tableName("sessions"))
                .join()
                .timeToLiveDescription()
                .attributeName())
        .isNull();
  }

  @Test
  void ttlSetting_ofADurableEngine_survivesARestart(@TempDir Path dir) {
    EngineConfig config =
        EngineConfig.defaults()
            .withClock(clock)
            .withLifecycle(EngineConfig.Lifecycle.DEFAULTS.withTtlSweepInterval(Duration.ZERO));
    try (LocalEngine engine = LocalEngine.open(config, dir);
        DynamoDbAsyncClient c = LocalDynamoDbAsyncClient.create(engine)) {
      c.createTable(
              r ->
                  r.tableName("sessions")
                      .billingMode(BillingMode.PAY_PER_REQUEST)
                      .attributeDefinitions(
                          a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
                      .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH)))
          .join();
      c.updateTimeToLive(
              r ->
                  r.tableName("sessions")
                      .timeToLiveSpecification(s -> s.enabled(true).attributeName("expires")))
          .join();
    }

    try (LocalEngine engine = LocalEngine.open(config, dir);
        DynamoDbAsyncClient c = LocalDynamoDbAsyncClient.create(engine)) {
      var ttl = c.describeTimeToLive(r -> r.tableName("sessions")).join().timeToLiveDescription();
      assertThat(ttl.timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
      assertThat(ttl.attributeName()).isEqualTo("expires");
    }
  }
}
