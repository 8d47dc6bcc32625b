package pitr.rollback;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.Throttling;
import pitr.migrate.ItemHash;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.retry.Retry;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.InvalidRestoreTimeException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryUnavailableException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * The DynamoDB calls a rollback makes, each wrapped once with the shared retry for throttling and
 * server errors: key schema, full scans, batch reads, restores into recovery tables and their drop.
 */
final class Tables {
  private static final int BATCH_GET = 100;

  private final DynamoDbAsyncClient client;
  private final Scheduler scheduler;

  Tables(DynamoDbAsyncClient client, Scheduler scheduler) {
    this.client = client;
    this.scheduler = scheduler;
  }

  DynamoDbAsyncClient client() {
    return client;
  }

  /** The shared retry spec ({@link Throttling#retry}): 10 tries, 50 ms doubling to 5 s. */
  Retry retry() {
    return Throttling.retry(10, Duration.ofMillis(50), Duration.ofSeconds(5), scheduler);
  }

  <T> Mono<T> call(java.util.function.Supplier<java.util.concurrent.CompletableFuture<T>> call) {
    return Mono.fromFuture(call).retryWhen(retry());
  }

  /**
   * Like {@link #call(java.util.function.Supplier)}, telling {@code onThrottle} of each throttle.
   */
  <T> Mono<T> call(
      java.util.function.Supplier<java.util.concurrent.CompletableFuture<T>> call,
      Runnable onThrottle) {
    return Mono.fromFuture(call)
        .doOnError(Throttling::isThrottle, e -> onThrottle.run())
        .retryWhen(retry());
  }

  /** The key attribute names of {@code table}, partition key first. */
  Mono<List<String>> keySchema(String table) {
    return call(() -> client.describeTable(r -> r.tableName(table)))
        .onErrorMap(
            ResourceNotFoundException.class,
            e ->
                new PitrException(
                    ErrorCode.USAGE,
                    "Table " + table + " does not exist; check the name and the target"))
        .map(
            d -> {
              List<String> keys = new ArrayList<>();
              d.table().keySchema().stream()
                  .sorted((a, b) -> a.keyTypeAsString().compareTo(b.keyTypeAsString()))
                  .forEach(k -> keys.add(k.attributeName()));
              return keys;
            });
  }

  /** Every item of {@code table}, strongly consistent, page by page. */
  Flux<Map<String, AttributeValue>> scan(String table) {
    ScanRequest first = ScanRequest.builder().tableName(table).consistentRead(true).build();
    return call(() -> client.scan(first))
        .expand(
            r ->
                r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty()
                    ? call(
                        () ->
                            client.scan(
                                first.toBuilder().exclusiveStartKey(r.lastEvaluatedKey()).build()))
                    : Mono.empty())
        .flatMapIterable(r -> r.items());
  }

  /** Every item of {@code table} by {@link #keyId}. */
  Mono<Map<String, Map<String, AttributeValue>>> load(String table, List<String> keyNames) {
    return scan(table).collectMap(i -> keyId(key(i, keyNames)), i -> i, LinkedHashMap::new);
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
                      .map(i -> Map.entry(keyId(key(i, new ArrayList<>(keys.get(0).keySet()))), i));
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

  /** Restores {@code source} as of {@code at} into {@code target} and waits until it is ACTIVE. */
  Mono<String> restore(String source, String target, Instant at, Duration timeout) {
    return call(() ->
            client.restoreTableToPointInTime(
                r -> r.sourceTableName(source).targetTableName(target).restoreDateTime(at)))
        .onErrorMap(
            PointInTimeRecoveryUnavailableException.class,
            e ->
                new PitrException(
                    ErrorCode.REFUSED,
                    "Point-in-time recovery is off for table "
                        + source
                        + ", so "
                        + at
                        + " cannot be restored and nothing was changed; turn it on for the future"
                        + " (aws dynamodb update-continuous-backups) and recover from a backup"))
        .onErrorMap(
            InvalidRestoreTimeException.class,
            e ->
                new PitrException(
                    ErrorCode.REFUSED,
                    "Table "
                        + source
                        + " cannot be restored to "
                        + at
                        + ": "
                        + e.awsErrorDetails().errorMessage()
                        + "; nothing was changed. Pick a time inside the restore window ('aws"
                        + " dynamodb describe-continuous-backups') or wait for it"))
        .then(waitActive(target, timeout))
        .thenReturn(target);
  }

  private Mono<Void> waitActive(String table, Duration timeout) {
    return call(() -> client.describeTable(r -> r.tableName(table)))
        .flatMap(
            d ->
                d.table().tableStatus() == TableStatus.ACTIVE
                    ? Mono.just(true)
                    : Mono.delay(Duration.ofSeconds(1), scheduler).then(Mono.empty()))
        .repeatWhenEmpty(Integer.MAX_VALUE, r -> r)
        .timeout(timeout, scheduler)
        .onErrorMap(
            java.util.concurrent.TimeoutException.class,
            e ->
                new PitrException(
                    ErrorCode.FAILED,
                    "Recovery table "
                        + table
                        + " is not ACTIVE after "
                        + timeout
                        + "; check the restore in the console and rerun"))
        .then();
  }

  /** Deletes {@code table}; a table already gone is fine. */
  Mono<Void> drop(String table) {
    return call(() -> client.deleteTable(r -> r.tableName(table)))
        .then()
        .onErrorResume(ResourceNotFoundException.class, e -> Mono.empty());
  }

  static ReturnConsumedCapacity total() {
    return ReturnConsumedCapacity.TOTAL;
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
