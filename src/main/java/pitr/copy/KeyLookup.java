package pitr.copy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.KeySchema;
import pitr.metrics.CopyMeters;
import pitr.metrics.Meter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * Reads items by key with BatchGetItem, resubmitting UnprocessedKeys until every key is answered.
 */
final class KeyLookup {
  private final DynamoDbGateway gateway;
  private final CopyMeters meters;

  KeyLookup(DynamoDbGateway gateway, CopyMeters meters) {
    this.gateway = gateway;
    this.meters = meters;
  }

  /** The names of a schema's key attributes as {@code #k0, #k1} placeholders. */
  static Map<String, String> keyNames(KeySchema schema) {
    Map<String, String> names = new HashMap<>();
    List<String> keyNames = schema.names();
    for (int i = 0; i < keyNames.size(); i++) {
      names.put("#k" + i, keyNames.get(i));
    }
    return names;
  }

  /** A projection of only the key attributes, over {@link #keyNames}. */
  static String keyProjection(KeySchema schema) {
    List<String> refs = new ArrayList<>();
    for (int i = 0; i < schema.names().size(); i++) {
      refs.add("#k" + i);
    }
    return String.join(",", refs);
  }

  /** The keys among {@code keys} (at most 100) that {@code table} does not have. */
  Flux<Map<String, AttributeValue>> missingFrom(
      String table, List<Map<String, AttributeValue>> keys, KeySchema schema) {
    return fetch(table, keys, keyNames(schema), keyProjection(schema))
        .flatMapIterable(
            found -> {
              Set<Map<String, AttributeValue>> present = new HashSet<>();
              found.forEach(i -> present.add(schema.keyOf(i)));
              List<Map<String, AttributeValue>> missing = new ArrayList<>();
              for (Map<String, AttributeValue> k : keys) {
                if (!present.contains(schema.keyOf(k))) {
                  missing.add(schema.keyOf(k));
                }
              }
              return missing;
            });
  }

  /** The items of {@code keys} (at most 100) that {@code table} has, in no particular order. */
  Mono<List<Map<String, AttributeValue>>> fetch(
      String table,
      List<Map<String, AttributeValue>> keys,
      Map<String, String> names,
      String projection) {
    List<Map<String, AttributeValue>> found = new ArrayList<>();
    return Mono.just(keys)
        .expand(
            pending -> {
              if (pending.isEmpty()) {
                return Mono.empty();
              }
              KeysAndAttributes.Builder ka = KeysAndAttributes.builder().keys(pending);
              if (projection != null) {
                ka.projectionExpression(projection).expressionAttributeNames(names);
              }
              return gateway
                  .batchGet(table, ka.build())
                  .map(
                      resp -> {
                        synchronized (found) {
                          found.addAll(resp.responses().getOrDefault(table, List.of()));
                        }
                        if (resp.consumedCapacity() != null) {
                          resp.consumedCapacity()
                              .forEach(c -> meters.add(Meter.RCU_CONSUMED, c.capacityUnits()));
                        }
                        KeysAndAttributes left = resp.unprocessedKeys().get(table);
                        return left == null ? List.<Map<String, AttributeValue>>of() : left.keys();
                      })
                  .flatMap(
                      left ->
                          left.isEmpty()
                              ? Mono.just(left)
                              : Mono.delay(Duration.ofMillis(50), gateway.scheduler())
                                  .thenReturn(left));
            })
        .then(Mono.fromCallable(() -> found));
  }
}
