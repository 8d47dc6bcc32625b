package pitr.dynamo;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import pitr.TestHttp;
import pitr.local.EngineConfig;
import pitr.local.LocalEngine;
import pitr.local.http.LocalServer;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Test fixture: an embedded engine served on loopback HTTP with a real SDK client pointed at it,
 * and helpers to create and fill tables. Shared by the tests of most packages.
 */
public final class LocalTarget implements AutoCloseable {
  public final LocalEngine engine;
  public final LocalServer server;
  public final DynamoDbAsyncClient client;

  public LocalTarget(EngineConfig config) {
    engine = LocalEngine.create(config);
    server = LocalServer.start(engine, "127.0.0.1", 0);
    client = client(server.endpoint());
  }

  public LocalTarget() {
    this(EngineConfig.defaults());
  }

  public static DynamoDbAsyncClient client(URI endpoint) {
    return TestHttp.dynamo(endpoint).httpClientBuilder(TestHttp.netty().maxConcurrency(64)).build();
  }

  /**
   * A new client to this engine without the SDK's own retries, whose backoff would take real time:
   * for tests where the gateway's retries, on virtual time, are all there are. The caller closes
   * it.
   */
  public DynamoDbAsyncClient clientWithoutSdkRetries() {
    return TestHttp.dynamo(server.endpoint())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  /** A loopback port that was free a moment ago: nothing listens on it until someone binds it. */
  public static int freePort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public String endpoint() {
    return server.endpoint().toString();
  }

  public DynamoDbGateway gateway() {
    return DynamoDbGateway.create(client, endpoint());
  }

  /** Creates an on-demand table keyed by string {@code pk}. */
  public void createTable(String name) {
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

  /** Creates a provisioned table keyed by string {@code pk}. */
  public void createProvisioned(String name, long rcu, long wcu) {
    client
        .createTable(
            r ->
                r.tableName(name)
                    .billingMode(BillingMode.PROVISIONED)
                    .provisionedThroughput(p -> p.readCapacityUnits(rcu).writeCapacityUnits(wcu))
                    .attributeDefinitions(
                        a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
                    .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH)))
        .join();
  }

  public void enablePitr(String table) {
    client
        .updateContinuousBackups(
            r ->
                r.tableName(table)
                    .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)))
        .join();
  }

  /** The item numbered {@code i}: pk {@code k<i>}, a number, and a payload of {@code bytes}. */
  public static Map<String, AttributeValue> item(int i, String version, int bytes) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("pk", AttributeValue.fromS("k" + i));
    item.put("n", AttributeValue.fromN(Integer.toString(i)));
    item.put("v", AttributeValue.fromS(version));
    if (bytes > 0) {
      item.put("payload", AttributeValue.fromS("x".repeat(bytes)));
    }
    return item;
  }

  /** Writes items {@code from} to {@code to - 1} (see {@link #item}) with batch writes. */
  public void fill(String table, int from, int to, String version, int bytes) {
    List<WriteRequest> batch = new ArrayList<>();
    for (int i : IntStream.range(from, to).toArray()) {
      batch.add(
          WriteRequest.builder()
              .putRequest(PutRequest.builder().item(item(i, version, bytes)).build())
              .build());
      if (batch.size() == 25 || i == to - 1) {
        List<WriteRequest> send = batch;
        batch = new ArrayList<>();
        var left = Map.of(table, send);
        while (!left.isEmpty()) {
          var resp = client.batchWriteItem(r -> r.requestItems(left)).join();
          if (resp.unprocessedItems().isEmpty()) {
            break;
          }
          throw new IllegalStateException("fixture write was throttled; use an on-demand table");
        }
      }
    }
  }

  /** Every item of {@code table}, keyed by pk. */
  public Map<String, Map<String, AttributeValue>> contents(String table) {
    Map<String, Map<String, AttributeValue>> out = new HashMap<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      var page =
          client
              .scan(
                  r -> {
                    r.tableName(table);
                    if (from != null) {
                      r.exclusiveStartKey(from);
                    }
                  })
              .join();
      page.items().forEach(i -> out.put(i.get("pk").s(), i));
      start =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? page.lastEvaluatedKey()
              : null;
    } while (start != null);
    return out;
  }

  /**
   * Tags {@code table} as pitr tags a recovery table restored from {@code source} as of {@code
   * restorePoint}.
   */
  public void tagAsRecovery(String table, String source, String restorePoint) {
    String arn = client.describeTable(r -> r.tableName(table)).join().table().tableArn();
    client
        .tagResource(
            r ->
                r.resourceArn(arn)
                    .tags(
                        t -> t.key("pitr:recovery-of").value(source),
                        t -> t.key("pitr:restore-point").value(restorePoint)))
        .join();
  }

  /** Deletes every table, so one engine can serve many tests in turn. */
  public void deleteAllTables() {
    for (String name : client.listTables().join().tableNames()) {
      client.deleteTable(r -> r.tableName(name)).join();
    }
  }

  /** The number of items in {@code table}, by a scan that counts. */
  public long count(String table) {
    return count(table, null, null, null);
  }

  /**
   * The number of items in parallel-scan {@code segment} of {@code totalSegments} (both null for
   * the whole table) after the key {@code after} (null from the start), by a scan that counts.
   */
  public long count(
      String table, Integer segment, Integer totalSegments, Map<String, AttributeValue> after) {
    long n = 0;
    Map<String, AttributeValue> start = after;
    do {
      Map<String, AttributeValue> from = start;
      var page =
          client
              .scan(
                  r -> {
                    r.tableName(table)
                        .select("COUNT")
                        .segment(segment)
                        .totalSegments(totalSegments);
                    if (from != null) {
                      r.exclusiveStartKey(from);
                    }
                  })
              .join();
      n += page.count();
      start =
          page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
              ? page.lastEvaluatedKey()
              : null;
    } while (start != null);
    return n;
  }

  @Override
  public void close() {
    client.close();
    server.close();
    engine.close();
  }
}
