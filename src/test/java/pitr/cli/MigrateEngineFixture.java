package pitr.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import pitr.TestHttp;
import pitr.local.LocalEngine;
import pitr.local.http.LocalServer;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * The shared setup of the {@code pitr migrate} command tests: an engine served over HTTP with an
 * SDK client to it, and a copy of the project's migrations and fixtures.
 */
abstract class MigrateEngineFixture {
  @TempDir Path dir;

  final LocalEngine engine = LocalEngine.create();
  final LocalServer server = LocalServer.start(engine, "127.0.0.1", 0);
  final String endpoint = server.endpoint().toString();
  final DynamoDbAsyncClient client = TestHttp.dynamo(server.endpoint()).build();

  @AfterEach
  void stop() {
    client.close();
    server.close();
    engine.close();
  }

  Path migrations() throws Exception {
    Path m = dir.resolve("migrations");
    Files.createDirectories(m);
    for (String name : new String[] {"0001_cars_get_a_price", "0002_remove_root_url"}) {
      Files.copy(Path.of("migrations", name + ".java"), m.resolve(name + ".java"));
    }
    return m;
  }

  static Path fixture(String name) {
    return Path.of("migrations", "fixtures", name).toAbsolutePath();
  }

  boolean tableExists(String name) {
    return client.listTables().join().tableNames().contains(name);
  }

  void seedCars(Path m) {
    CliRun seed = new CliRun();
    seed.execute(
        "migrate",
        "dev",
        "0002",
        "--dry-run",
        "--migrations-dir",
        m.toString(),
        "--endpoint-url",
        endpoint,
        "--seed",
        fixture("tenants.jsonl").toString());
    createCars();
  }

  /** Creates the empty on-demand table {@code cars}, keyed by string {@code pk}. */
  void createCars() {
    client
        .createTable(
            r ->
                r.tableName("cars")
                    .billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType("S"))
                    .keySchema(k -> k.attributeName("pk").keyType("HASH")))
        .join();
  }

  /** Turns point-in-time recovery on for {@code cars}, as a prod run's preflight asks. */
  void enableCarsPitr() {
    client
        .updateContinuousBackups(
            r ->
                r.tableName("cars")
                    .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)))
        .join();
  }
}
