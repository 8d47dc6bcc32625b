package pitr.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoverySpecification;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The direct table of a hash-only table's items that point reads use ({@link DirectTable}), seen
 * through the SDK client over HTTP: a table that is only written has none, its first point read
 * builds it, and reads are right before, during and after the build.
 */
class PointReadTableTest {
  private final AdjustableClock clock =
      AdjustableClock.startingAt(Instant.parse("2026-03-01T00:00:00Z"));
  private final EngineOverHttp http = new EngineOverHttp(EngineConfig.defaults().withClock(clock));
  private final DynamoDbAsyncClient client = http.client;

  @AfterEach
  void close() {
    http.close();
  }

  private void createTable(String name, boolean composite) {
    client
        .createTable(
            r -> {
              r.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST);
              if (composite) {
                r.attributeDefinitions(
                        a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("sk").attributeType(ScalarAttributeType.N))
                    .keySchema(
                        k -> k.attributeName("pk").keyType(KeyType.HASH),
                        k -> k.attributeName("sk").keyType(KeyType.RANGE));
              } else {
                r.attributeDefinitions(
                        a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
                    .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH));
              }
            })
        .join();
  }

  private static Map<String, AttributeValue> item(String pk, int serial) {
    return Map.of(
        "pk", AttributeValue.fromS(pk), "serial", AttributeValue.fromN(Integer.toString(serial)));
  }

  private static Map<String, AttributeValue> key(String pk) {
    return Map.of("pk", AttributeValue.fromS(pk));
  }

  private void batchWrite(DynamoDbAsyncClient c, String table, int from, int to, int serial) {
    for (int start = from; start < to; start += 25) {
      List<WriteRequest> writes = new ArrayList<>();
      for (int i = start; i < Math.min(to, start + 25); i++) {
        writes.add(
            WriteRequest.builder()
                .putRequest(PutRequest.builder().item(item("k" + i, serial)).build())
                .build());
      }
      assertThat(
              c.batchWriteItem(r -> r.requestItems(Map.of(table, writes)))
                  .join()
                  .unprocessedItems())
          .isEmpty();
    }
  }

  private Map<String, AttributeValue> get(String table, String pk) {
    var response = client.getItem(r -> r.tableName(table).key(key(pk))).join();
    return response.hasItem() ? response.item() : null;
  }

  private boolean hasDirectTable(String table) {
    return http.engine.table(table).items.hasDirectTable();
  }

  @Test
  void aTableOnlyWritten_hasNoDirectTable_andItsFirstGetItemBuildsOneThatLaterWritesKeep() {
    createTable("written", false);
    batchWrite(client, "written", 0, 1_000, 1);
    client.deleteItem(r -> r.tableName("written").key(key("k7"))).join();
    assertThat(hasDirectTable("written")).isFalse();

    assertThat(get("written", "k3")).isEqualTo(item("k3", 1));
    assertThat(hasDirectTable("written")).isTrue();
    assertThat(get("written", "k7")).isNull();

    client.putItem(r -> r.tableName("written").item(item("k3", 2))).join();
    client
        .updateItem(
            r ->
                r.tableName("written")
                    .key(key("k4"))
                    .updateExpression("SET serial = :s")
                    .expressionAttributeValues(Map.of(":s", AttributeValue.fromN("3"))))
        .join();
    client.deleteItem(r -> r.tableName("written").key(key("k5"))).join();
    client.putItem(r -> r.tableName("written").item(item("k7", 4))).join();
    batchWrite(client, "written", 1_000, 1_200, 5);

    assertThat(get("written", "k3")).isEqualTo(item("k3", 2));
    assertThat(get("written", "k4")).isEqualTo(item("k4", 3));
    assertThat(get("written", "k5")).isNull();
    assertThat(get("written", "k7")).isEqualTo(item("k7", 4));
    assertThat(get("written", "k1100")).isEqualTo(item("k1100", 5));
    List<Map<String, AttributeValue>> found =
        client
            .batchGetItem(
                r ->
                    r.requestItems(
                        Map.of(
                            "written",
                            KeysAndAttributes.builder()
                                .keys(key("k3"), key("k5"), key("k999"), key("k1199"))
                                .build())))
            .join()
            .responses()
            .get("written");
    assertThat(found).containsExactlyInAnyOrder(item("k3", 2), item("k999", 1), item("k1199", 5));
  }

  @Test
  void batchGetItem_asTheFirstRead_buildsTheDirectTable() {
    createTable("batched", false);
    batchWrite(client, "batched", 0, 100, 1);
    client
        .batchGetItem(
            r ->
                r.requestItems(
                    Map.of("batched", KeysAndAttributes.builder().keys(key("k1")).build())))
        .join();
    assertThat(hasDirectTable("batched")).isTrue();
  }

  @Test
  void aTableWithASortKey_neverHasADirectTable() {
    createTable("sorted", true);
    client
        .putItem(
            r ->
                r.tableName("sorted")
                    .item(Map.of("pk", AttributeValue.fromS("a"), "sk", AttributeValue.fromN("1"))))
        .join();
    client
        .getItem(
            r ->
                r.tableName("sorted")
                    .key(Map.of("pk", AttributeValue.fromS("a"), "sk", AttributeValue.fromN("1"))))
        .join();
    assertThat(http.engine.table("sorted").items.wantsDirectTable()).isFalse();
    assertThat(hasDirectTable("sorted")).isFalse();
  }

  @Test
  void aRestoredTable_hasNoDirectTableUntilRead_thenReadsTheItemsOfTheRestorePoint() {
    createTable("live", false);
    client
        .updateContinuousBackups(
            r ->
                r.tableName("live")
                    .pointInTimeRecoverySpecification(
                        PointInTimeRecoverySpecification.builder()
                            .pointInTimeRecoveryEnabled(true)
                            .build()))
        .join();
    batchWrite(client, "live", 0, 300, 1);
    assertThat(get("live", "k0")).isEqualTo(item("k0", 1));
    clock.advance(java.time.Duration.ofMinutes(1));
    Instant restorePoint = clock.instant();
    clock.advance(java.time.Duration.ofMinutes(1));
    batchWrite(client, "live", 0, 100, 2);
    client.deleteItem(r -> r.tableName("live").key(key("k200"))).join();

    client
        .restoreTableToPointInTime(
            r ->
                r.sourceTableName("live").targetTableName("restored").restoreDateTime(restorePoint))
        .join();
    assertThat(hasDirectTable("live")).isTrue();
    assertThat(hasDirectTable("restored")).isFalse();

    assertThat(get("restored", "k50")).isEqualTo(item("k50", 1));
    assertThat(hasDirectTable("restored")).isTrue();
    assertThat(get("restored", "k200")).isEqualTo(item("k200", 1));
    assertThat(get("live", "k50")).isEqualTo(item("k50", 2));
    assertThat(get("live", "k200")).isNull();
  }

  @Test
  void getItem_whileWritersAddItems_findsEveryItemWrittenBeforeItAsked() throws Exception {
    createTable("busy", false);
    int stable = 2_000;
    batchWrite(client, "busy", 0, stable, 1);
    int writers = 2;
    int perWriter = 3_000;
    // Writer w adds keys from stable + w * perWriter up, in order; written[w] is the first key it
    // has not had acknowledged yet.
    AtomicIntegerArray written = new AtomicIntegerArray(writers);
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      int first = stable + w * perWriter;
      written.set(w, first);
      threads.add(
          new Thread(
              () -> {
                for (int i = first; i < first + perWriter; i += 25) {
                  batchWrite(client, "busy", i, i + 25, 1);
                  written.set(writer, i + 25);
                }
              }));
    }
    AtomicReference<String> failure = new AtomicReference<>();
    AtomicInteger reads = new AtomicInteger();
    Thread reader =
        new Thread(
            () -> {
              SplittableRandom random = new SplittableRandom(7);
              while (failure.get() == null && threads.stream().anyMatch(Thread::isAlive)) {
                int w = random.nextInt(writers + 1);
                int from = w == writers ? 0 : stable + w * perWriter;
                int to = w == writers ? stable : written.get(w);
                if (to == from) {
                  continue;
                }
                String pk = "k" + (from + random.nextInt(to - from));
                Map<String, AttributeValue> got = get("busy", pk);
                if (!item(pk, 1).equals(got)) {
                  failure.set(pk + " read as " + got);
                }
                reads.incrementAndGet();
              }
            });
    threads.forEach(Thread::start);
    reader.start();
    for (Thread t : threads) {
      t.join();
    }
    reader.join();
    assertThat(failure.get()).isNull();
    assertThat(reads.get()).isPositive();
    assertThat(hasDirectTable("busy")).isTrue();
    for (int i = 0; i < stable + writers * perWriter; i += 97) {
      assertThat(get("busy", "k" + i)).isEqualTo(item("k" + i, 1));
    }
  }
}
