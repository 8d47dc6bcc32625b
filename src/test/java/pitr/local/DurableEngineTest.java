package pitr.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.BillingModeSummary;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * {@code pitr local serve --data-dir}: tables, history and backups survive a restart, including a
 * {@code kill -9} of the server process, and restores after the restart still see the history.
 */
class DurableEngineTest {

  private static void createTable(DynamoDbAsyncClient client, String name) {
    client
        .createTable(
            r ->
                r.tableName(name)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                        a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("kind").attributeType(ScalarAttributeType.S))
                    .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH))
                    .globalSecondaryIndexes(
                        g ->
                            g.indexName("by-kind")
                                .keySchema(k -> k.attributeName("kind").keyType(KeyType.HASH))
                                .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY)))
                    .tags(t -> t.key("owner").value("team-a")))
        .join();
    client
        .updateContinuousBackups(
            r ->
                r.tableName(name)
                    .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)))
        .join();
  }

  private static void put(DynamoDbAsyncClient client, String table, int i, String version) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("pk", AttributeValue.fromS("k" + i));
    item.put("kind", AttributeValue.fromS(i % 2 == 0 ? "even" : "odd"));
    item.put("version", AttributeValue.fromS(version));
    item.put("tags", AttributeValue.fromSs(List.of("a", "b")));
    item.put("nested", AttributeValue.fromM(Map.of("n", AttributeValue.fromN("1.5"))));
    client.putItem(r -> r.tableName(table).item(item)).join();
  }

  private static Map<String, String> versions(DynamoDbAsyncClient client, String table) {
    Map<String, String> out = new HashMap<>();
    client
        .scanPaginator(r -> r.tableName(table))
        .items()
        .subscribe(i -> out.put(i.get("pk").s(), i.get("version").s()))
        .join();
    return out;
  }

  @Test
  void reopenedEngine_keepsTablesItemsHistoryAndBackups(@TempDir Path dir) throws Exception {
    Instant between;
    String backupArn;
    try (LocalEngine engine = LocalEngine.open(EngineConfig.defaults(), dir);
        DynamoDbAsyncClient client = LocalDynamoDbAsyncClient.create(engine)) {
      createTable(client, "cars");
      for (int i = 0; i < 50; i++) {
        put(client, "cars", i, "v1");
      }
      Thread.sleep(5);
      between = Instant.now();
      Thread.sleep(5);
      for (int i = 0; i < 10; i++) {
        put(client, "cars", i, "v2");
      }
      client
          .deleteItem(r -> r.tableName("cars").key(Map.of("pk", AttributeValue.fromS("k49"))))
          .join();
      backupArn =
          client
              .createBackup(r -> r.tableName("cars").backupName("nightly"))
              .join()
              .backupDetails()
              .backupArn();
    }
    Thread.sleep(1100);

    try (LocalEngine engine = LocalEngine.open(EngineConfig.defaults(), dir);
        DynamoDbAsyncClient client = LocalDynamoDbAsyncClient.create(engine)) {
      Map<String, String> now = versions(client, "cars");
      assertThat(now).hasSize(49).containsEntry("k0", "v2").containsEntry("k20", "v1");
      var table = client.describeTable(r -> r.tableName("cars")).join().table();
      assertThat(table.itemCount()).isEqualTo(49);
      assertThat(
              client
                  .query(
                      r ->
                          r.tableName("cars")
                              .indexName("by-kind")
                              .keyConditionExpression("kind = :k")
                              .expressionAttributeValues(Map.of(":k", AttributeValue.fromS("odd"))))
                  .join()
                  .count())
          .isEqualTo(24);
      assertThat(client.listTagsOfResource(r -> r.resourceArn(table.tableArn())).join().tags())
          .extracting(t -> t.key() + "=" + t.value())
          .containsExactly("owner=team-a");

      client
          .restoreTableToPointInTime(
              r -> r.sourceTableName("cars").targetTableName("cars-then").restoreDateTime(between))
          .join();
      Map<String, String> then = versions(client, "cars-then");
      assertThat(then).hasSize(50).containsEntry("k0", "v1").containsEntry("k49", "v1");

      client
          .restoreTableFromBackup(r -> r.backupArn(backupArn).targetTableName("cars-backup"))
          .join();
      assertThat(versions(client, "cars-backup")).isEqualTo(now);
    }
  }

  @Test
  void reopenedEngine_keepsWhenAProvisionedTableWasLastOnDemand(@TempDir Path dir) {
    BillingModeSummary before;
    try (LocalEngine engine = LocalEngine.open(EngineConfig.defaults(), dir);
        DynamoDbAsyncClient client = LocalDynamoDbAsyncClient.create(engine)) {
      createTable(client, "cars");
      client
          .updateTable(
              r ->
                  r.tableName("cars")
                      .billingMode(BillingMode.PROVISIONED)
                      .provisionedThroughput(t -> t.readCapacityUnits(5L).writeCapacityUnits(5L)))
          .join();
      before = client.describeTable(r -> r.tableName("cars")).join().table().billingModeSummary();
    }

    try (LocalEngine engine = LocalEngine.open(EngineConfig.defaults(), dir);
        DynamoDbAsyncClient client = LocalDynamoDbAsyncClient.create(engine)) {
      BillingModeSummary after =
          client.describeTable(r -> r.tableName("cars")).join().table().billingModeSummary();
      assertThat(after).isEqualTo(before);
      assertThat(after.billingMode()).isEqualTo(BillingMode.PROVISIONED);
      assertThat(after.lastUpdateToPayPerRequestDateTime()).isNotNull();
    }
  }

  @Test
  void killedServer_losesNoAcknowledgedWrite(@TempDir Path dir) throws Exception {
    Process server = startServer(dir);
    Instant between;
    try (DynamoDbAsyncClient client =
        EngineOverHttp.client(endpointOf(server), RetryMode.STANDARD)) {
      createTable(client, "orders");
      for (int i = 0; i < 100; i++) {
        put(client, "orders", i, "v1");
      }
      Thread.sleep(5);
      between = Instant.now();
      Thread.sleep(5);
      for (int i = 0; i < 100; i += 3) {
        put(client, "orders", i, "v2");
      }
      server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    } finally {
      server.destroyForcibly();
    }
    Thread.sleep(1100);

    Process again = startServer(dir);
    try (DynamoDbAsyncClient client =
        EngineOverHttp.client(endpointOf(again), RetryMode.STANDARD)) {
      Map<String, String> now = versions(client, "orders");
      assertThat(now).hasSize(100);
      for (int i = 0; i < 100; i++) {
        assertThat(now.get("k" + i)).as("k%d", i).isEqualTo(i % 3 == 0 ? "v2" : "v1");
      }
      client
          .restoreTableToPointInTime(
              r ->
                  r.sourceTableName("orders")
                      .targetTableName("orders-then")
                      .restoreDateTime(between))
          .join();
      assertThat(versions(client, "orders-then"))
          .hasSize(100)
          .allSatisfy((k, v) -> assertThat(v).isEqualTo("v1"));
    } finally {
      again.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static Process startServer(Path dir) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            "pitr.cli.Main",
            "local",
            "serve",
            "--port",
            "0",
            "--data-dir",
            dir.toString())
        .redirectErrorStream(true)
        .start();
  }

  private static URI endpointOf(Process server) throws Exception {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String prefix = "pitr local engine listening on ";
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      if (line.startsWith(prefix)) {
        return URI.create(line.substring(prefix.length()).trim());
      }
    }
    throw new AssertionError("server exited before printing its endpoint");
  }
}
