package pitr.runbook;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.BatchWriteResult;
import pitr.dynamo.KeySchema;
import pitr.dynamo.ScanPage;
import pitr.dynamo.ScanSpec;
import pitr.migrate.ItemHash;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The table steps of a drill ({@code create-table}, {@code enable-pitr}, {@code seed}, {@code
 * snapshot}, {@code drop}), and the reads other steps check the table with: its key, every item,
 * the item count. Every call goes through the drill's gateway, so it is retried and its errors
 * named as in every command.
 *
 * <p>Generated items are {@code pk = item#0000001 ...} with {@code n} (N), {@code category} (S:
 * books, games, music, tools in turn), {@code price} (N) and {@code status} (S).
 */
final class DrillTables {
  static final List<String> CATEGORIES = List.of("books", "games", "music", "tools");
  private static final Duration ACTIVE_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration ACTIVE_POLL = Duration.ofMillis(200);

  private final DrillContext drill;

  DrillTables(DrillContext drill) {
    this.drill = drill;
  }

  Mono<String> create(Step.CreateTable s) {
    List<AttributeDefinition> defs = new ArrayList<>();
    List<KeySchemaElement> schema = new ArrayList<>();
    s.key()
        .forEach(
            (name, type) -> {
              defs.add(
                  AttributeDefinition.builder()
                      .attributeName(name)
                      .attributeType(ScalarAttributeType.fromValue(type))
                      .build());
              schema.add(
                  KeySchemaElement.builder()
                      .attributeName(name)
                      .keyType(schema.isEmpty() ? KeyType.HASH : KeyType.RANGE)
                      .build());
            });
    boolean provisioned = "provisioned".equals(s.billing());
    CreateTableRequest.Builder r =
        CreateTableRequest.builder()
            .tableName(s.table())
            .attributeDefinitions(defs)
            .keySchema(schema);
    if (provisioned) {
      r.billingMode(BillingMode.PROVISIONED)
          .provisionedThroughput(
              p ->
                  p.readCapacityUnits(s.rcu() == null ? 100 : s.rcu())
                      .writeCapacityUnits(s.wcu() == null ? 100 : s.wcu()));
    } else {
      r.billingMode(BillingMode.PAY_PER_REQUEST);
    }
    return drill
        .gateway
        .createTable(r.build())
        .thenMany(drill.gateway.awaitActive(s.table(), ACTIVE_TIMEOUT, ACTIVE_POLL))
        .then(
            s.ttl() == null
                ? Mono.<Void>empty()
                : drill.gateway.enableTimeToLive(s.table(), s.ttl()))
        .thenReturn(
            "created "
                + s.table()
                + (provisioned ? " (provisioned, " + s.wcu() + " WCU)" : " (on-demand)")
                + (s.ttl() == null ? "" : ", TTL on " + s.ttl()));
  }

  Mono<String> enablePitr(Step.EnablePitr s) {
    return drill
        .gateway
        .enablePointInTimeRecovery(s.table())
        .thenReturn("point-in-time recovery on for " + s.table());
  }

  Mono<String> seed(Runbook runbook, Step.Seed s) {
    if (s.fixture() != null) {
      Path file = runbook.dir().resolve(s.fixture());
      return drill.environment().seeder().seed(file).map(seeded -> "seeded " + seeded.items());
    }
    long n = drill.scaled(s.items());
    return Flux.range(1, (int) n)
        .map(DrillTables::generated)
        .buffer(25)
        .flatMap(batch -> write(s.table(), batch), 4)
        .then(Mono.fromSupplier(() -> String.format("seeded %,d items into %s", n, s.table())));
  }

  static Map<String, AttributeValue> generated(int i) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("pk", AttributeValue.fromS(String.format("item#%07d", i)));
    item.put("n", AttributeValue.fromN(Integer.toString(i)));
    item.put("category", AttributeValue.fromS(CATEGORIES.get(i % CATEGORIES.size())));
    item.put("price", AttributeValue.fromN(Integer.toString(10 + i % 90)));
    item.put("status", AttributeValue.fromS("active"));
    return item;
  }

  private Mono<Void> write(String table, List<Map<String, AttributeValue>> items) {
    List<WriteRequest> requests =
        items.stream()
            .map(
                i ->
                    WriteRequest.builder().putRequest(PutRequest.builder().item(i).build()).build())
            .toList();
    return drill
        .gateway
        .batchWriteUntilDone(table, requests)
        .flatMap(
            (BatchWriteResult r) ->
                r.complete()
                    ? Mono.<Void>empty()
                    : Mono.error(
                        new PitrException(
                            ErrorCode.FAILED,
                            r.unwritten().size()
                                + " items stayed unprocessed in "
                                + table
                                + " after every retry ("
                                + r.reason()
                                + "); raise its write capacity")));
  }

  Mono<String> snapshot(Step.Snapshot s) {
    return load(s.table())
        .map(
            items -> {
              drill.snapshots.put(s.name(), items);
              return String.format(
                  "%,d items of %s remembered as %s", items.size(), s.table(), s.name());
            });
  }

  Mono<String> drop(Step.Drop s) {
    return drill
        .gateway
        .deleteTable(s.table())
        .thenReturn("dropped " + s.table())
        .onErrorResume(
            e -> PitrException.causedBy(e, ResourceNotFoundException.class),
            e -> Mono.just(s.table() + " was already gone"));
  }

  /** The key of {@code table}; a missing table fails naming it. */
  Mono<KeySchema> keySchema(String table) {
    return drill.gateway.describeTable(table).map(KeySchema::of);
  }

  /** Every item of {@code table} by canonical key, in key order; strongly consistent. */
  Mono<Map<String, Map<String, AttributeValue>>> load(String table) {
    return keySchema(table)
        .flatMap(
            key ->
                pages(ScanSpec.of(table, 1))
                    .flatMapIterable(ScanPage::items)
                    .collectMap(i -> ItemHash.canonical(key.keyOf(i)), i -> i, TreeMap::new));
  }

  /** How many items {@code table} holds, by a strongly consistent scan of their keys only. */
  Mono<Long> count(String table) {
    return keySchema(table)
        .flatMap(
            key -> {
              Map<String, String> names = new HashMap<>();
              List<String> projected = new ArrayList<>();
              for (String name : key.names()) {
                names.put("#k" + names.size(), name);
                projected.add("#k" + (names.size() - 1));
              }
              ScanSpec spec =
                  ScanSpec.of(table, 1).withProjection(String.join(", ", projected), names);
              return pages(spec).map(p -> (long) p.items().size()).reduce(0L, Long::sum);
            });
  }

  /** The pages of a single-segment scan, strongly consistent, each retried by the gateway. */
  private Flux<ScanPage> pages(ScanSpec spec) {
    ScanSpec consistent =
        new ScanSpec(
            spec.table(),
            1,
            spec.filter(),
            spec.names(),
            spec.values(),
            spec.projection(),
            true,
            spec.limit());
    return drill.gateway.scanSegment(consistent, 0, null);
  }
}
