package pitr.migrate;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import pitr.TestHttp;
import pitr.local.EngineConfig;
import pitr.local.LocalEngine;
import pitr.local.http.LocalServer;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Test fixture for the migration tests: the embedded engine served over loopback HTTP on a given
 * clock, a real SDK client pointed at it, and a migration environment over that client. (The
 * general-purpose fixture, with table helpers, is {@link pitr.dynamo.LocalTarget}.)
 */
final class MigrationTestTarget implements AutoCloseable {
  final LocalEngine engine;
  final LocalServer server;
  final DynamoDbAsyncClient client;

  MigrationTestTarget(Clock clock) {
    engine = LocalEngine.create(EngineConfig.defaults().withClock(clock));
    server = LocalServer.start(engine, "127.0.0.1", 0);
    client = TestHttp.dynamo(server.endpoint()).build();
  }

  MigrationEnvironment environment(Clock clock) {
    return environment(client, clock);
  }

  static MigrationEnvironment environment(DynamoDbAsyncClient client, Clock clock) {
    return MigrationEnvironment.create(
        client, clock, Schedulers.parallel(), MigrationEnvironment.Settings.defaults("test"));
  }

  static MigrationRunner runner(MigrationEnvironment env, Path dir) {
    return env.runner(dir, new SimpleMeterRegistry());
  }

  void createTable(String name, String... keys) {
    client
        .createTable(
            r -> {
              r.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST);
              r.attributeDefinitions(
                  java.util.Arrays.stream(keys)
                      .map(
                          k ->
                              software.amazon.awssdk.services.dynamodb.model.AttributeDefinition
                                  .builder()
                                  .attributeName(k)
                                  .attributeType(ScalarAttributeType.S)
                                  .build())
                      .toList());
              List<software.amazon.awssdk.services.dynamodb.model.KeySchemaElement> schema =
                  new java.util.ArrayList<>();
              for (int i = 0; i < keys.length; i++) {
                schema.add(
                    software.amazon.awssdk.services.dynamodb.model.KeySchemaElement.builder()
                        .attributeName(keys[i])
                        .keyType(i == 0 ? KeyType.HASH : KeyType.RANGE)
                        .build());
              }
              r.keySchema(schema);
            })
        .join();
  }

  void enablePitr(String table) {
    client
        .updateContinuousBackups(
            r ->
                r.tableName(table)
                    .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)))
        .join();
  }

  void put(String table, Map<String, AttributeValue> item) {
    client.putItem(r -> r.tableName(table).item(item)).join();
  }

  /** Every item of {@code table}, by its partition (and sort) key joined with '|'. */
  Map<String, Map<String, AttributeValue>> items(String table, String... keys) {
    Map<String, Map<String, AttributeValue>> out = new TreeMap<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      var page =
          client
              .scan(
                  r -> {
                    r.tableName(table).consistentRead(true);
                    if (from != null) {
                      r.exclusiveStartKey(from);
                    }
                  })
              .join();
      for (Map<String, AttributeValue> i : page.items()) {
        StringBuilder k = new StringBuilder();
        for (String key : keys) {
          k.append(k.length() == 0 ? "" : "|").append(i.get(key).s());
        }
        out.put(k.toString(), new HashMap<>(i));
      }
      start =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? page.lastEvaluatedKey()
              : null;
    } while (start != null);
    return out;
  }

  boolean tableExists(String table) {
    return client.listTables().join().tableNames().contains(table);
  }

  @Override
  public void close() {
    client.close();
    server.close();
    engine.close();
  }
}
