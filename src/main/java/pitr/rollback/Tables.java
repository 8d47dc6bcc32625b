package pitr.rollback;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.KeySchema;
import pitr.dynamo.Throttling;
import pitr.migrate.ItemHash;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.retry.Retry;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * The DynamoDB reads a rollback makes, each retried with the shared spec for throttling and server
 * errors: key schemas and strongly consistent batch reads. Restores and drops go through {@code
 * pitr.restore}, writes through {@code pitr.copy}.
 */
final class Tables {
  private static final int BATCH_GET = 100;

  private final DynamoDbAsyncClient client;
  private final DynamoDbGateway gateway;
  private final Scheduler scheduler;

  Tables(DynamoDbAsyncClient client, DynamoDbGateway gateway, Scheduler scheduler) {
    this.client = client;
    this.gateway = gateway;
    this.scheduler = scheduler;
  }

  DynamoDbGateway gateway() {
    return gateway;
  }

  /** The shared retry spec ({@link Throttling#retry}): 10 tries, 50 ms doubling to 5 s. */
  Retry retry() {
    return Throttling.retry(10, Duration.ofMillis(50), Duration.ofSeconds(5), scheduler);
  }

  <T> Mono<T> call(java.util.function.Supplier<java.util.concurrent.CompletableFuture<T>> call) {
    return Mono.fromFuture(call).retryWhen(retry());
  }

  /** The key of {@code table}; a missing table is a usage error naming it. */
  Mono<KeySchema> keySchema(String table) {
    return gateway.describeTable(table).map(KeySchema::of);
  }

  /** The items of {@code keys} that exist, by {@link #keyId}; strongly consistent. */
  Mono<Map<String, Map<String, AttributeValue>>> get(
      String table, List<Map<String, AttributeValue>> keys) {
    return Flux.fromIterable(keys)
        .distinct(Tables::keyId)
        .buffer(BATCH_GET)
        .concatMap(batch -> getBatch(table, batch), 2)
        .collectMap(i -> i.getKey(), i -> i.getValue(), HashMap::new);
  }

  private Flux<Map.Entry<String, Map<String, AttributeValue>>> getBatch(
      String table, List<Map<String, AttributeValue>> keys) {
    if (keys.isEmpty()) {
      return Flux.empty();
    }
    List<String> names = new ArrayList<>(keys.get(0).keySet());
    return call(() ->
            client.batchGetItem(
                r ->
                    r.requestItems(
                        Map.of(
                            table,
                            KeysAndAttributes.builder().keys(keys).consistentRead(true).build()))))
        .flatMapMany(
            r -> {
              Flux<Map.Entry<String, Map<String, AttributeValue>>> found =
                  Flux.fromIterable(r.responses().getOrDefault(table, List.of()))
                      .map(i -> Map.entry(keyId(key(i, names)), i));
              List<Map<String, AttributeValue>> again = unprocessed(r, table);
              return again.isEmpty()
                  ? found
                  : found.concatWith(
                      Mono.delay(Duration.ofMillis(50), scheduler)
                          .thenMany(Flux.defer(() -> getBatch(table, again))));
            });
  }

  private static List<Map<String, AttributeValue>> unprocessed(
      BatchGetItemResponse r, String table) {
    if (!r.hasUnprocessedKeys() || !r.unprocessedKeys().containsKey(table)) {
      return List.of();
    }
    return r.unprocessedKeys().get(table).keys();
  }

  static Map<String, AttributeValue> key(Map<String, AttributeValue> item, List<String> names) {
    Map<String, AttributeValue> key = new LinkedHashMap<>();
    names.forEach(n -> key.put(n, item.get(n)));
    return key;
  }

  /** A stable text id of a key. */
  static String keyId(Map<String, AttributeValue> key) {
    return ItemHash.canonical(key);
  }

  /** Whether two images (null for absent) are the same item. */
  static boolean same(Map<String, AttributeValue> a, Map<String, AttributeValue> b) {
    if (a == null || b == null) {
      return a == b;
    }
    return ItemHash.of(a).equals(ItemHash.of(b));
  }
}
