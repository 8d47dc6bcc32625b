package pitr.runbook;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import pitr.dynamo.Retries;
import pitr.migrate.ItemHash;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The {@code traffic} step: writes as an application (or a bad bulk job) would, inserting new
 * items, or updating or deleting every n-th item. With an id, it remembers every item it wrote (its
 * image after the write, or null when deleted) for {@code assert-unchanged} and {@code
 * assert-conflicts}.
 */
final class TrafficSteps {
  private final DrillContext drill;
  private final DrillTables tables;

  TrafficSteps(DrillContext drill, DrillTables tables) {
    this.drill = drill;
    this.tables = tables;
  }

  Mono<String> traffic(Step.Traffic s) {
    String action = s.action() == null ? "update" : s.action();
    Map<String, Map<String, AttributeValue>> written = new LinkedHashMap<>();
    if (s.id() != null) {
      drill.traffic.put(s.id(), written);
    }
    Map<String, AttributeValue> set = new HashMap<>();
    if (s.set() != null) {
      s.set().forEach((k, v) -> set.put(k, AttributeValue.fromS(v)));
    }
    if (action.equals("insert")) {
      return insert(s, set, written);
    }
    int every = s.every();
    int offset = s.offset() == null ? 0 : s.offset();
    return tables
        .keySchema(s.table())
        .flatMap(
            schema ->
                tables
                    .load(s.table())
                    .flatMap(
                        items -> {
                          List<Map<String, AttributeValue>> chosen = new ArrayList<>();
                          int i = 0;
                          for (Map<String, AttributeValue> item : items.values()) {
                            if (i++ % every == offset) {
                              chosen.add(schema.keyOf(item));
                            }
                          }
                          return Flux.fromIterable(chosen)
                              .flatMap(
                                  key ->
                                      action.equals("delete")
                                          ? delete(s.table(), key)
                                              .then(
                                                  Mono.fromRunnable(
                                                      () -> record(written, key, null)))
                                          : update(s.table(), key, set)
                                              .doOnNext(after -> record(written, key, after)),
                                  8)
                              .then(
                                  Mono.fromSupplier(
                                      () ->
                                          String.format(
                                              "%s %,d of %,d items in %s",
                                              action.equals("delete") ? "deleted" : "updated",
                                              chosen.size(),
                                              items.size(),
                                              s.table())));
                        }));
  }

  private Mono<String> insert(
      Step.Traffic s,
      Map<String, AttributeValue> set,
      Map<String, Map<String, AttributeValue>> written) {
    long n = drill.scaled(s.count());
    return Flux.range(1, (int) n)
        .map(
            i -> {
              Map<String, AttributeValue> item = new HashMap<>(set);
              item.put("pk", AttributeValue.fromS(String.format("new#%07d", i)));
              return item;
            })
        .concatMap(
            item ->
                drill
                    .gateway
                    .putItem(
                        PutItemRequest.builder().tableName(s.table()).item(item).build(),
                        Retries.SHARED)
                    .then(
                        Mono.fromRunnable(
                            () ->
                                written.put(
                                    ItemHash.canonical(Map.of("pk", item.get("pk"))), item))),
            1)
        .then(
            Mono.fromSupplier(() -> String.format("inserted %,d new items into %s", n, s.table())));
  }

  private static synchronized void record(
      Map<String, Map<String, AttributeValue>> written,
      Map<String, AttributeValue> key,
      Map<String, AttributeValue> after) {
    written.put(ItemHash.canonical(key), after);
  }

  private Mono<Void> delete(String table, Map<String, AttributeValue> key) {
    return drill
        .gateway
        .deleteItem(DeleteItemRequest.builder().tableName(table).key(key).build(), Retries.SHARED)
        .then();
  }

  private Mono<Map<String, AttributeValue>> update(
      String table, Map<String, AttributeValue> key, Map<String, AttributeValue> set) {
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    List<String> parts = new ArrayList<>();
    int n = 0;
    for (Map.Entry<String, AttributeValue> e : set.entrySet()) {
      names.put("#a" + n, e.getKey());
      values.put(":v" + n, e.getValue());
      parts.add("#a" + n + " = :v" + n);
      n++;
    }
    return drill
        .gateway
        .updateItem(
            UpdateItemRequest.builder()
                .tableName(table)
                .key(key)
                .updateExpression("SET " + String.join(", ", parts))
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .returnValues(ReturnValue.ALL_NEW)
                .build(),
            Retries.SHARED)
        .map(r -> r.attributes());
  }
}
