package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import pitr.TestHttp;
import pitr.local.EngineConfig;
import pitr.local.LocalEngine;
import pitr.local.http.LocalServer;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The embedded engine over loopback HTTP with no restore lag, an SDK client, and helpers for
 * rollback and migration tests: a table {@code orders} keyed by {@code pk} with string attribute
 * {@code v}, and the {@code cars} table of the example migration 0001 with its fixture.
 */
final class RollbackTestEngine implements AutoCloseable {
  final LocalEngine engine;
  final LocalServer server;
  final String endpoint;
  final DynamoDbAsyncClient client;

  RollbackTestEngine() {
    this(EngineConfig.defaults().withRestoreLag(Duration.ZERO));
  }

  RollbackTestEngine(EngineConfig config) {
    engine = LocalEngine.create(config);
    server = LocalServer.start(engine, "127.0.0.1", 0);
    endpoint = server.endpoint().toString();
    client = TestHttp.dynamo(server.endpoint()).build();
  }

  void createOrders() {
    createTable("orders");
    enablePitr("orders");
  }

  /** Creates empty on-demand table {@code name} keyed by string {@code pk}. */
  void createTable(String name) {
    client
        .createTable(
            r ->
                r.tableName(name)
                    .billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType("S"))
                    .keySchema(k -> k.attributeName("pk").keyType("HASH")))
        .join();
  }

  /**
   * The ledger's lock item as run {@code holder} of {@code migration} leaves it, by {@code
   * operator} on {@code host}, taken at {@code acquired} and held until {@code expires}, fence 7.
   */
  static Map<String, AttributeValue> lockItem(
      String holder,
      String migration,
      String operator,
      String host,
      Instant acquired,
      Instant heartbeat,
      Instant expires) {
    Map<String, AttributeValue> lock = new HashMap<>();
    lock.put("pk", AttributeValue.fromS("lock"));
    lock.put("sk", AttributeValue.fromS("lock"));
    lock.put("holder", AttributeValue.fromS(holder));
    lock.put("migration", AttributeValue.fromS(migration));
    lock.put("operator", AttributeValue.fromS(operator));
    lock.put("host", AttributeValue.fromS(host));
    lock.put("acquiredAt", AttributeValue.fromS(acquired.toString()));
    lock.put("heartbeatAt", AttributeValue.fromS(heartbeat.toString()));
    lock.put("expiresAt", AttributeValue.fromS(expires.toString()));
    lock.put("expiresAtMs", AttributeValue.fromN(Long.toString(expires.toEpochMilli())));
    lock.put("fence", AttributeValue.fromN("7"));
    return lock;
  }

  /** Creates an empty table {@code name} with the ledger's key (pk, sk), as a first run would. */
  static void createLedger(DynamoDbAsyncClient client, String name) {
    client
        .createTable(
            r ->
                r.tableName(name)
                    .billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(
                        a -> a.attributeName("pk").attributeType("S"),
                        a -> a.attributeName("sk").attributeType("S"))
                    .keySchema(
                        k -> k.attributeName("pk").keyType("HASH"),
                        k -> k.attributeName("sk").keyType("RANGE")))
        .join();
  }

  /** Turns point-in-time recovery on for {@code table}. */
  void enablePitr(String table) {
    client
        .updateContinuousBackups(
            r ->
                r.tableName(table)
                    .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)))
        .join();
  }

  void put(String pk, String v) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("pk", AttributeValue.fromS(pk));
    item.put("v", AttributeValue.fromS(v));
    client.putItem(r -> r.tableName("orders").item(item)).join();
  }

  void delete(String pk) {
    client
        .deleteItem(r -> r.tableName("orders").key(Map.of("pk", AttributeValue.fromS(pk))))
        .join();
  }

  /** pk to v of every item. */
  Map<String, String> orders() {
    return byPk(client, "orders", i -> i.get("v").s());
  }

  /**
   * pk to {@code value} of every item of {@code table}, read with {@code client} by consistent
   * scans, page after page.
   */
  static <T> Map<String, T> byPk(
      DynamoDbAsyncClient client, String table, Function<Map<String, AttributeValue>, T> value) {
    Map<String, T> out = new TreeMap<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      var page =
          client.scan(r -> r.tableName(table).consistentRead(true).exclusiveStartKey(from)).join();
      page.items().forEach(i -> out.put(i.get("pk").s(), value.apply(i)));
      start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
    } while (start != null && !start.isEmpty());
    return out;
  }

  /**
   * The incident most rollback tests undo, on a new orders table: a, b and c written as v1; T0; a
   * and b set to bad and c deleted; T1. Returns {T0, T1}.
   */
  Instant[] incident() {
    createOrders();
    put("a", "v1");
    put("b", "v1");
    put("c", "v1");
    Instant t0 = mark();
    put("a", "bad");
    put("b", "bad");
    delete("c");
    Instant t1 = mark();
    return new Instant[] {t0, t1};
  }

  /**
   * The instant now, to the millisecond, with the clock moved on before and after it, so that
   * writes before it are strictly earlier and writes after it strictly later, even at the
   * millisecond precision instants are sent to DynamoDB with.
   */
  static Instant mark() {
    pause(2);
    Instant at = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    pause(5);
    return at;
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Items {@code o000} ... with value {@code v}, numbered from 0. */
  void putMany(int n, String v) {
    for (int i = 0; i < n; i++) {
      put(String.format("o%03d", i), v);
    }
  }

  /** Names of every table other than {@code orders}. */
  java.util.List<String> recoveryTables() {
    return client.listTables().join().tableNames().stream()
        .filter(t -> !t.equals("orders"))
        .sorted()
        .toList();
  }

  /** Copies the example migration 0001 (cars get a price) into {@code dir/migrations}. */
  static Path carsMigration(Path dir) throws IOException {
    Path m = dir.resolve("migrations");
    Files.createDirectories(m);
    Files.copy(
        Path.of("migrations", "0001_cars_get_a_price.java"),
        m.resolve("0001_cars_get_a_price.java"));
    return m;
  }

  /**
   * Loads the cars fixture with a dry run of 0001 from {@code migrations} (which writes nothing
   * else) and turns PITR on for cars.
   */
  void seedCarsWithPitr(Path migrations) {
    CliRun seed = new CliRun();
    assertThat(
            seed.execute(
                "migrate",
                "dev",
                "0001",
                "--dry-run",
                "--migrations-dir",
                migrations.toString(),
                "--endpoint-url",
                endpoint,
                "--seed",
                Path.of("migrations", "fixtures", "cars.jsonl").toAbsolutePath().toString()))
        .as(seed.err())
        .isZero();
    enablePitr("cars");
  }

  /** pk to item of every car. */
  Map<String, Map<String, AttributeValue>> cars() {
    return byPk(client, "cars", i -> i);
  }

  boolean tableExists(String name) {
    return client.listTables().join().tableNames().contains(name);
  }

  @Override
  public void close() {
    client.close();
    server.close();
    engine.close();
  }
}
