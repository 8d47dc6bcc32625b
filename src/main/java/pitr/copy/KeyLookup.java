package pitr.copy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import pitr.ErrorCode;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.KeySchema;
import pitr.metrics.CopyMeters;
import pitr.metrics.Meter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * Reads items by key with the gateway's BatchGetItem loop, which resubmits UnprocessedKeys with the
 * shared retries; keys it could not read fail the lookup rather than pass for missing items.
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

  /**
   * The items of {@code keys} (at most 100) that {@code table} has, in no particular order. Keys
   * still unread when the gateway's retries run out fail the lookup ({@link ErrorCode#FAILED},
   * naming the table and how many): an unread key must not pass for a missing item.
   */
  Mono<List<Map<String, AttributeValue>>> fetch(
      String table,
      List<Map<String, AttributeValue>> keys,
      Map<String, String> names,
      String projection) {
    KeysAndAttributes.Builder ka = KeysAndAttributes.builder().keys(keys);
    if (projection != null) {
      ka.projectionExpression(projection).expressionAttributeNames(names);
    }
    return gateway
        .batchGetUntilDone(table, ka.build())
        .flatMap(
            r -> {
              meters.add(Meter.RCU_CONSUMED, r.consumedUnits());
              return r.complete()
                  ? Mono.just(r.items())
                  : Mono.error(r.unreadFailure(table, "nothing was written or deleted for them"));
            });
  }
}
