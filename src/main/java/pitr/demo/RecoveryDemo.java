package pitr.demo;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import pitr.dynamo.BatchWriteResult;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.ScanPage;
import pitr.dynamo.ScanSpec;
import pitr.local.EngineConfig;
import pitr.local.LocalDynamoDbAsyncClient;
import pitr.local.LocalEngine;
import pitr.local.expr.AttributeValues;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.RestoreTableToPointInTimeRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Runs a bad migration against a table on the embedded engine, restores the instant before it into
 * a recovery table, copies the damaged items back, verifies the table and drops the recovery table,
 * printing each step. Every call goes through the toolkit's gateway and the AWS SDK client, as it
 * would against AWS.
 */
public final class RecoveryDemo {
  private static final String TABLE = "cars";
  private final PrintWriter out;

  public RecoveryDemo(PrintWriter out) {
    this.out = out;
  }

  /** Runs the walk-through on a fresh in-process engine; returns true when the table verified. */
  public boolean run(int items) {
    EngineConfig config = EngineConfig.defaults().withRestoreLag(Duration.ofMillis(50));
    try (DynamoDbAsyncClient client = LocalDynamoDbAsyncClient.owning(LocalEngine.create(config))) {
      return run(client, items);
    }
  }

  private boolean run(DynamoDbAsyncClient client, int items) {
    DynamoDbGateway db = DynamoDbGateway.create(client, "the embedded engine");
    step("1. Create table '" + TABLE + "' and turn on point-in-time recovery");
    db.createTable(
            CreateTableRequest.builder()
                .tableName(TABLE)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                    a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH))
                .build())
        .block();
    db.enablePointInTimeRecovery(TABLE).block();

    step(String.format(Locale.ROOT, "2. Seed %,d cars with a price", items));
    List<WriteRequest> puts = new ArrayList<>();
    for (int i = 0; i < items; i++) {
      Map<String, AttributeValue> car = new HashMap<>();
      car.put("pk", AttributeValue.fromS(String.format("car#%06d", i)));
      car.put("model", AttributeValue.fromS("model-" + (i % 40)));
      car.put("price", AttributeValue.fromN(Integer.toString(10_000 + (i * 37) % 50_000)));
      puts.add(WriteRequest.builder().putRequest(PutRequest.builder().item(car).build()).build());
    }
    write(db, puts);
    Map<String, Map<String, AttributeValue>> before = snapshot(db, TABLE);
    pause();
    Instant restorePoint = Instant.now();
    pause();

    step("3. A bad migration zeroes a third of the prices and deletes 5% of the cars");
    List<WriteRequest> damage = new ArrayList<>();
    int zeroed = 0;
    int deleted = 0;
    for (Map<String, AttributeValue> car : before.values()) {
      int n = Integer.parseInt(car.get("pk").s().substring(4));
      if (n % 20 == 7) {
        damage.add(
            WriteRequest.builder()
                .deleteRequest(DeleteRequest.builder().key(Map.of("pk", car.get("pk"))).build())
                .build());
        deleted++;
      } else if (n % 3 == 0) {
        Map<String, AttributeValue> broken = new HashMap<>(car);
        broken.put("price", AttributeValue.fromN("0"));
        damage.add(
            WriteRequest.builder().putRequest(PutRequest.builder().item(broken).build()).build());
        zeroed++;
      }
    }
    write(db, damage);
    out.printf(Locale.ROOT, "   %,d prices zeroed, %,d cars deleted%n", zeroed, deleted);
    pause();

    long recoveryStart = System.nanoTime();
    String recovery = TABLE + "-recovery-demo";
    step("4. Restore " + restorePoint + " (just before the migration) into '" + recovery + "'");
    db.restoreToPointInTime(
            RestoreTableToPointInTimeRequest.builder()
                .sourceTableName(TABLE)
                .targetTableName(recovery)
                .restoreDateTime(restorePoint)
                .build())
        .block();

    step("5. Compare the recovery table with the live table");
    Map<String, Map<String, AttributeValue>> recovered = snapshot(db, recovery);
    Map<String, Map<String, AttributeValue>> live = snapshot(db, TABLE);
    List<WriteRequest> repairs = new ArrayList<>();
    for (Map.Entry<String, Map<String, AttributeValue>> e : recovered.entrySet()) {
      Map<String, AttributeValue> now = live.get(e.getKey());
      if (now == null || !AttributeValues.mapEqual(now, e.getValue())) {
        repairs.add(
            WriteRequest.builder()
                .putRequest(PutRequest.builder().item(e.getValue()).build())
                .build());
      }
    }
    out.printf(Locale.ROOT, "   %,d items differ; copying them back%n", repairs.size());

    step("6. Copy the damaged items back and verify");
    write(db, repairs);
    Map<String, Map<String, AttributeValue>> after = snapshot(db, TABLE);
    long lost = 0;
    for (Map.Entry<String, Map<String, AttributeValue>> e : before.entrySet()) {
      Map<String, AttributeValue> now = after.get(e.getKey());
      if (now == null || !AttributeValues.mapEqual(now, e.getValue())) {
        lost++;
      }
    }
    double seconds = (System.nanoTime() - recoveryStart) / 1e9;

    step("7. Drop the recovery table");
    db.deleteTable(recovery).block();

    out.println();
    out.printf(
        Locale.ROOT,
        "Recovered %,d items in %.2f s; items still wrong or missing: %d%n",
        repairs.size(),
        seconds,
        lost);
    out.println(
        lost == 0
            ? "RESULT: table verified identical to its state before the migration"
            : "RESULT: FAILED");
    out.flush();
    return lost == 0;
  }

  private void step(String text) {
    out.println(text);
    out.flush();
  }

  private static void pause() {
    try {
      Thread.sleep(60);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Writes {@code requests} 25 a call; the gateway resubmits what a call leaves unprocessed. */
  private static void write(DynamoDbGateway db, List<WriteRequest> requests) {
    for (int i = 0; i < requests.size(); i += 25) {
      List<WriteRequest> chunk = requests.subList(i, Math.min(requests.size(), i + 25));
      BatchWriteResult r = db.batchWriteUntilDone(TABLE, chunk).block();
      if (!r.complete()) {
        throw new IllegalStateException(
            r.unwritten().size() + " items of " + TABLE + " were not written: " + r.reason());
      }
    }
  }

  private static Map<String, Map<String, AttributeValue>> snapshot(
      DynamoDbGateway db, String table) {
    Map<String, Map<String, AttributeValue>> out = new HashMap<>();
    db.scanSegment(ScanSpec.of(table, 1), 0, null)
        .flatMapIterable(ScanPage::items)
        .doOnNext(i -> out.put(i.get("pk").s(), i))
        .blockLast();
    return out;
  }
}
