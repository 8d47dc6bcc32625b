package pitr.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.local.http.LocalServer;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Versions of an item share their unchanged attributes (see {@link Version}); through the real SDK
 * over HTTP, a table changed by random puts, single-attribute updates, removals, deletes and
 * re-creates restores at every instant of its window exactly as a model keeping full copies says,
 * after history older than the window is pruned from the middle of the chains, and after the engine
 * is reopened from its data directory.
 */
class VersionHistoryTest {
  private static final String TABLE = "orders";
  private static final List<String> KEYS = List.of("a", "b", "c");

  @TempDir Path dir;

  private final AdjustableClock clock =
      AdjustableClock.startingAt(Instant.parse("2026-01-01T00:00:00Z"));

  private EngineConfig config() {
    return EngineConfig.defaults().withClock(clock).withRestoreLag(Duration.ZERO);
  }

  /** An engine, its server and a client, closed together. */
  private record Served(LocalEngine engine, LocalServer server, DynamoDbAsyncClient client)
      implements AutoCloseable {
    static Served of(LocalEngine engine) {
      LocalServer server = LocalServer.start(engine, "127.0.0.1", 0);
      return new Served(
          engine, server, EngineOverHttp.client(server.endpoint(), RetryMode.STANDARD));
    }

    @Override
    public void close() {
      client.close();
      server.close();
      engine.close();
    }
  }

  /** What the table holds after each change, in full: the model restores are checked against. */
  private final List<Instant> instants = new ArrayList<>();

  private final List<Map<String, Map<String, AttributeValue>>> states = new ArrayList<>();

  private void createTable(DynamoDbAsyncClient client) {
    client
        .createTable(
            r ->
                r.tableName(TABLE)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                        a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
                    .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH)))
        .join();
    client
        .updateContinuousBackups(
            r ->
                r.tableName(TABLE)
                    .pointInTimeRecoverySpecification(
                        p -> p.pointInTimeRecoveryEnabled(true).recoveryPeriodInDays(1)))
        .join();
  }

  /** Makes {@code changes} random changes an hour apart, recording the table after each. */
  private void change(DynamoDbAsyncClient client, Random random, int changes) {
    Map<String, Map<String, AttributeValue>> model =
        states.isEmpty() ? new HashMap<>() : new HashMap<>(states.get(states.size() - 1));
    for (int i = 0; i < changes; i++) {
      clock.advance(Duration.ofHours(1));
      String pk = KEYS.get(random.nextInt(KEYS.size()));
      Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS(pk));
      Map<String, AttributeValue> current = model.get(pk);
      int op = random.nextInt(10);
      if (current == null || op == 0) {
        Map<String, AttributeValue> item = new LinkedHashMap<>(key);
        item.put("payload", AttributeValue.fromS("p".repeat(100 + random.nextInt(50))));
        item.put("n", AttributeValue.fromN(Integer.toString(random.nextInt(100))));
        client.putItem(r -> r.tableName(TABLE).item(item)).join();
        model.put(pk, item);
      } else if (op == 1) {
        client.deleteItem(r -> r.tableName(TABLE).key(key)).join();
        model.remove(pk);
      } else if (op == 2 && current.containsKey("extra")) {
        client.updateItem(r -> r.tableName(TABLE).key(key).updateExpression("REMOVE extra")).join();
        Map<String, AttributeValue> next = new HashMap<>(current);
        next.remove("extra");
        model.put(pk, next);
      } else {
        String name = op < 6 ? "n" : "extra";
        AttributeValue value = AttributeValue.fromN(Integer.toString(random.nextInt(1000)));
        client
            .updateItem(
                r ->
                    r.tableName(TABLE)
                        .key(key)
                        .updateExpression("SET #a = :v")
                        .expressionAttributeNames(Map.of("#a", name))
                        .expressionAttributeValues(Map.of(":v", value)))
            .join();
        Map<String, AttributeValue> next = new HashMap<>(current);
        next.put(name, value);
        model.put(pk, next);
      }
      instants.add(clock.instant());
      states.add(new HashMap<>(model));
    }
  }

  private Map<String, Map<String, AttributeValue>> restoredAt(
      DynamoDbAsyncClient client, Instant at, String target) {
    client
        .restoreTableToPointInTime(
            r -> r.sourceTableName(TABLE).targetTableName(target).restoreDateTime(at))
        .join();
    Map<String, Map<String, AttributeValue>> out = new HashMap<>();
    for (Map<String, AttributeValue> item : client.scan(r -> r.tableName(target)).join().items()) {
      out.put(item.get("pk").s(), item);
    }
    client.deleteTable(r -> r.tableName(target)).join();
    return out;
  }

  /** Restores every recorded instant still in the window and compares it with the model. */
  private int restoreEveryInstant(Served s) {
    long earliest =
        s.client
            .describeContinuousBackups(r -> r.tableName(TABLE))
            .join()
            .continuousBackupsDescription()
            .pointInTimeRecoveryDescription()
            .earliestRestorableDateTime()
            .toEpochMilli();
    int checked = 0;
    for (int i = 0; i < instants.size(); i++) {
      Instant at = instants.get(i);
      if (at.toEpochMilli() < earliest) {
        continue;
      }
      assertThat(restoredAt(s.client, at, "orders-at-" + i))
          .as("at change " + i)
          .isEqualTo(states.get(i));
      checked++;
    }
    return checked;
  }

  @Test
  void restore_atEveryInstantOfRandomChanges_equalsTheFullCopyModel_afterPruningMidChain() {
    try (Served s = Served.of(LocalEngine.create(config()))) {
      createTable(s.client);
      change(s.client, new Random(7), 40);

      long dropped = s.engine.pruneHistory();

      assertThat(dropped).isPositive();
      // 40 changes an hour apart, a window of a day: the last 25 changes are restorable (from 16 h
      // on).
      assertThat(restoreEveryInstant(s)).isEqualTo(25);
      change(s.client, new Random(8), 10);
      assertThat(restoreEveryInstant(s)).isEqualTo(25);
    }
  }

  @Test
  void restore_atEveryInstant_afterReopeningTheDataDirectory_equalsTheFullCopyModel() {
    try (Served s = Served.of(LocalEngine.open(config(), dir))) {
      createTable(s.client);
      change(s.client, new Random(11), 20);
    }

    try (Served s = Served.of(LocalEngine.open(config(), dir))) {
      assertThat(restoreEveryInstant(s)).isEqualTo(20);
      change(s.client, new Random(12), 3);
      assertThat(restoreEveryInstant(s)).isEqualTo(23);
    }
  }
}
