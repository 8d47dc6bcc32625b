package pitr.rollback;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.LocalTarget;
import pitr.local.AdjustableClock;
import pitr.local.EngineConfig;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Test fixture: the table {@code orders} (key {@code pk}, value {@code v}) on an embedded engine
 * whose clock moves only when told, with one item in each state a rollback must tell apart. Items
 * {@code k0}-{@code k5} are "good" at T0 (12:05); the bad change (12:06) sets k1, k2, k4, k5 and
 * new items n1-n3 to "bad" and deletes k3; by T1 (12:11) it is over; afterwards (12:12) other
 * writers set k2 and n3 to "customer", delete k4 and n2, put k5 back to "good" and create a1. Now
 * is 12:17.
 */
final class IncidentTimeline implements AutoCloseable {
  static final Instant START = Instant.parse("2026-11-30T12:00:00Z");

  final AdjustableClock clock = AdjustableClock.startingAt(START);
  final LocalTarget local;
  final Tables tables;
  final Instant t0;
  final Instant t1;

  IncidentTimeline() {
    this(EngineConfig.Exports.DEFAULTS);
  }

  /** The timeline on an engine that writes exports as {@code exports} says. */
  IncidentTimeline(EngineConfig.Exports exports) {
    local =
        new LocalTarget(
            EngineConfig.defaults()
                .withClock(clock)
                .withRestoreLag(Duration.ZERO)
                .withExports(exports));
    tables = new Tables(DynamoDbGateway.create(local.client, local.endpoint()));
    local.createTable("orders");
    local.enablePitr("orders");
    for (int i = 0; i <= 5; i++) {
      put("k" + i, "good");
    }
    clock.advance(Duration.ofMinutes(5));
    t0 = clock.instant();
    clock.advance(Duration.ofMinutes(1));
    put("k1", "bad");
    put("k2", "bad");
    delete("k3");
    put("k4", "bad");
    put("k5", "bad");
    put("n1", "bad");
    put("n2", "bad");
    put("n3", "bad");
    clock.advance(Duration.ofMinutes(5));
    t1 = clock.instant();
    clock.advance(Duration.ofMinutes(1));
    put("k2", "customer");
    delete("k4");
    put("k5", "good");
    delete("n2");
    put("n3", "customer");
    put("a1", "customer");
    clock.advance(Duration.ofMinutes(5));
  }

  static Map<String, AttributeValue> key(String pk) {
    return Map.of("pk", AttributeValue.fromS(pk));
  }

  static Map<String, AttributeValue> item(String pk, String v) {
    Map<String, AttributeValue> item = new HashMap<>(key(pk));
    item.put("v", AttributeValue.fromS(v));
    return item;
  }

  void put(String pk, String v) {
    local.client.putItem(r -> r.tableName("orders").item(item(pk, v))).join();
  }

  void delete(String pk) {
    local.client.deleteItem(r -> r.tableName("orders").key(key(pk))).join();
  }

  /** Restores {@code orders} as of {@code at} into {@code target}, as a recovery table. */
  void restore(String target, Instant at) {
    local
        .client
        .restoreTableToPointInTime(
            r -> r.sourceTableName("orders").targetTableName(target).restoreDateTime(at))
        .join();
  }

  /**
   * The plan of a three-way rollback of {@code orders} to {@code t0}, with the incident ending at
   * {@code t1} (both restored as {@code orders-t0}, {@code orders-t1}), written under {@code
   * planDir}.
   */
  RollbackPlan threeWayPlan(Path planDir) {
    restore("orders-t0", t0);
    restore("orders-t1", t1);
    return new RollbackPlanner(tables, clock, 50_000)
        .planTable("orders", t0, "orders-t0", t1, "orders-t1", false, false, List.of(), planDir)
        .block(Duration.ofSeconds(60));
  }

  /** pk to v of every live item. */
  Map<String, String> live() {
    Map<String, String> out = new TreeMap<>();
    local.contents("orders").forEach((pk, item) -> out.put(pk, item.get("v").s()));
    return out;
  }

  @Override
  public void close() {
    local.close();
  }
}
