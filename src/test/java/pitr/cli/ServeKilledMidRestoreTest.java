package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.TestHttp;
import pitr.local.EngineConfig;
import pitr.local.LocalEngine;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateBackupRequest;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ListTablesRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateContinuousBackupsRequest;

/**
 * {@code pitr local serve --data-dir} killed with SIGKILL while a restore it never acknowledged is
 * being stored: after a restart the target table is either absent or holds exactly the restore's
 * items, and the source table is intact. The kill delays come from a printed seed; rerun with
 * {@code -Dpitr.test.seed=N} to replay a failure.
 */
class ServeKilledMidRestoreTest {
  private static final int ITEMS = 12_000;
  private static final int TRIALS = 3;
  private static final String STORE_FILE = "pitr-engine.mv.db";
  private static final Pattern LISTENING =
      Pattern.compile("pitr local engine listening on (http://\\S+)");

  @TempDir Path dir;

  @Test
  void restore_killedMidway_leavesTheTargetAbsentOrComplete_andTheSourceIntact() throws Exception {
    long seed = Long.getLong("pitr.test.seed", System.nanoTime());
    System.out.println(
        "ServeKilledMidRestoreTest seed=" + seed + " (replay with -Dpitr.test.seed=" + seed + ")");
    Random random = new Random(seed);
    Path data = dir.resolve("data");
    Seeded seeded = seed(data);

    for (int trial = 0; trial < TRIALS; trial++) {
      String target = "orders-restored-" + trial;
      boolean fromBackup = trial % 2 == 1;
      long killAfterMillis = random.nextInt(150);
      Path output = dir.resolve("child-" + trial + ".out");
      Process child = serve(data, output);
      boolean answered;
      try (DynamoDbAsyncClient client = client(endpointOf(child, output))) {
        long before = Files.size(data.resolve(STORE_FILE));
        CompletableFuture<?> restore =
            fromBackup
                ? client.restoreTableFromBackup(
                    r -> r.backupArn(seeded.backupArn).targetTableName(target))
                : client.restoreTableToPointInTime(
                    r ->
                        r.sourceTableName("orders")
                            .targetTableName(target)
                            .restoreDateTime(seeded.at));
        // Kill once the restore has begun writing to disk, and a seeded while later.
        Poll.until(
            Duration.ofSeconds(60),
            "restore writing to " + data,
            () -> restore.isDone() || Files.size(data.resolve(STORE_FILE)) > before);
        Thread.sleep(killAfterMillis);
        answered = restore.isDone();
      } finally {
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }

      try (LocalEngine engine = LocalEngine.open(EngineConfig.defaults(), data)) {
        assertThat(differences(scan(engine, "orders"), seeded.items))
            .as("source items changed by trial %d (seed %d)", trial, seed)
            .isZero();
        boolean present =
            engine.listTables(ListTablesRequest.builder().build()).tableNames().contains(target);
        System.out.printf(
            "trial %d (%s): killed %d ms after the restore began writing, %s, target %s%n",
            trial,
            fromBackup ? "from backup" : "to point in time",
            killAfterMillis,
            answered ? "answered" : "unanswered",
            present ? "present" : "absent");
        assertThat(present || !answered)
            .as("%s, whose restore was acknowledged, is present (seed %d)", target, seed)
            .isTrue();
        if (present) {
          Map<String, String> restored = scan(engine, target);
          assertThat(restored.size())
              .as(
                  "items of %s, killed %d ms into the restore (seed %d)",
                  target, killAfterMillis, seed)
              .isEqualTo(ITEMS);
          assertThat(differences(restored, seeded.items))
              .as("items of %s that differ from the source's (seed %d)", target, seed)
              .isZero();
        }
      }
    }
  }

  private record Seeded(Map<String, String> items, Instant at, String backupArn) {}

  private static Seeded seed(Path data) throws Exception {
    Map<String, String> items = new HashMap<>();
    String backupArn;
    try (LocalEngine engine = LocalEngine.open(EngineConfig.defaults(), data)) {
      engine.createTable(
          CreateTableRequest.builder()
              .tableName("orders")
              .billingMode(BillingMode.PAY_PER_REQUEST)
              .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
              .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH))
              .build());
      engine.updateContinuousBackups(
          UpdateContinuousBackupsRequest.builder()
              .tableName("orders")
              .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true))
              .build());
      String padding = "x".repeat(1_000);
      List<TransactWriteItem> batch = new ArrayList<>();
      for (int i = 0; i < ITEMS; i++) {
        String pk = String.format("k%05d", i);
        String v = "v" + i + padding;
        items.put(pk, v);
        batch.add(
            TransactWriteItem.builder()
                .put(
                    p ->
                        p.tableName("orders")
                            .item(
                                Map.of(
                                    "pk", AttributeValue.fromS(pk), "v", AttributeValue.fromS(v))))
                .build());
        if (batch.size() == 100) {
          engine.transactWriteItems(
              TransactWriteItemsRequest.builder().transactItems(batch).build());
          batch = new ArrayList<>();
        }
      }
      backupArn =
          engine
              .createBackup(
                  CreateBackupRequest.builder().tableName("orders").backupName("seeded").build())
              .backupDetails()
              .backupArn();
    }
    Instant at = Instant.now();
    return new Seeded(items, at, backupArn);
  }

  /** How many keys are missing from, added to, or changed in {@code actual}. */
  private static long differences(Map<String, String> actual, Map<String, String> expected) {
    long missingOrChanged =
        expected.entrySet().stream()
            .filter(e -> !e.getValue().equals(actual.get(e.getKey())))
            .count();
    long added = actual.keySet().stream().filter(k -> !expected.containsKey(k)).count();
    return missingOrChanged + added;
  }

  private static Map<String, String> scan(LocalEngine engine, String table) {
    Map<String, String> out = new HashMap<>();
    Map<String, AttributeValue> start = null;
    do {
      ScanResponse page =
          engine.scan(ScanRequest.builder().tableName(table).exclusiveStartKey(start).build());
      page.items().forEach(i -> out.put(i.get("pk").s(), i.get("v").s()));
      start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
    } while (start != null && !start.isEmpty());
    return out;
  }

  private static Process serve(Path data, Path output) throws Exception {
    return new ProcessBuilder(
            ChildJvm.pitr(
                "local",
                "serve",
                "--port",
                "0",
                "--restore-lag",
                "0s",
                "--data-dir",
                data.toString()))
        .redirectErrorStream(true)
        .redirectOutput(output.toFile())
        .start();
  }

  private static URI endpointOf(Process child, Path output) throws Exception {
    URI[] endpoint = {null};
    Poll.until(
        Duration.ofSeconds(60),
        "endpoint printed by the served engine in " + output,
        () -> {
          Matcher m = LISTENING.matcher(Files.readString(output));
          assertThat(child.isAlive()).as(Files.readString(output)).isTrue();
          endpoint[0] = m.find() ? URI.create(m.group(1)) : null;
          return endpoint[0] != null;
        });
    return endpoint[0];
  }

  private static DynamoDbAsyncClient client(URI endpoint) {
    return TestHttp.dynamo(endpoint).build();
  }
}
