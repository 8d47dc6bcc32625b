package pitr.rollback;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleConsumer;
import pitr.ErrorCode;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.KeySchema;
import pitr.migrate.ItemHash;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * The DynamoDB reads a rollback makes, through the gateway's shared retries: key schemas and
 * strongly consistent batch reads. Restores and drops go through {@code pitr.restore}, writes
 * through {@code pitr.copy}.
 */
final class Tables {
  private static final int BATCH_GET = 100;

  private final DynamoDbGateway gateway;

  Tables(DynamoDbGateway gateway) {
    this.gateway = gateway;
  }

  DynamoDbGateway gateway() {
    return gateway;
  }

  /** The key of {@code table}; a missing table is a usage error naming it. */
  Mono<KeySchema> keySchema(String table) {
    return gateway.describeTable(table).map(KeySchema::of);
  }

  /**
   * The items of {@code keys} that exist, by {@link #keyId}; strongly consistent. Keys still unread
   * when the gateway's retries run out fail the read ({@link ErrorCode#FAILED}, naming the table
   * and how many): an unread key must not pass for an absent item.
   */
  Mono<Map<String, Map<String, AttributeValue>>> get(
      String table, List<Map<String, AttributeValue>> keys) {
    return get(table, keys, units -> {});
  }

  /** As above, telling {@code consumed} the read units DynamoDB reported, batch by batch. */
  Mono<Map<String, Map<String, AttributeValue>>> get(
      String table, List<Map<String, AttributeValue>> keys, DoubleConsumer consumed) {
    return Flux.fromIterable(keys)
        .distinct(Tables::keyId)
        .buffer(BATCH_GET)
        .concatMap(batch -> getBatch(table, batch, consumed), 2)
        .collectMap(i -> i.getKey(), i -> i.getValue(), HashMap::new);
  }

  private Flux<Map.Entry<String, Map<String, AttributeValue>>> getBatch(
      String table, List<Map<String, AttributeValue>> keys, DoubleConsumer consumed) {
    if (keys.isEmpty()) {
      return Flux.empty();
    }
    List<String> names = new ArrayList<>(keys.get(0).keySet());
    return gateway
        .batchGetUntilDone(
            table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build())
        .doOnNext(r -> consumed.accept(r.consumedUnits()))
        .flatMapMany(
            r ->
                r.complete()
                    ? Flux.fromIterable(r.items()).map(i -> Map.entry(keyId(key(i, names)), i))
                    : Flux.error(r.unreadFailure(table, "nothing was changed for them")));
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
