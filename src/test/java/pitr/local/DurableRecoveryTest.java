package pitr.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateBackupRequest;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ListBackupsRequest;
import software.amazon.awssdk.services.dynamodb.model.ListTablesRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.RestoreTableFromBackupRequest;
import software.amazon.awssdk.services.dynamodb.model.RestoreTableToPointInTimeRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateContinuousBackupsRequest;

/**
 * What opening a data directory does with a change that a crash interrupted: the store holds the
 * state such a crash leaves (written here directly into the MVStore file), and the engine opened on
 * it must show the change either whole or not at all. {@code ServeKilledMidRestoreTest} does the
 * same with a real SIGKILL.
 */
class DurableRecoveryTest {
  @TempDir Path dir;

  private LocalEngine open() {
    return LocalEngine.open(EngineConfig.defaults().withRestoreLag(Duration.ZERO), dir);
  }

  private static void createTable(LocalEngine engine, String name, boolean pitr) {
    engine.createTable(
        CreateTableRequest.builder()
            .tableName(name)
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
            .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH))
            .build());
    if (pitr) {
      engine.updateContinuousBackups(
          UpdateContinuousBackupsRequest.builder()
              .tableName(name)
              .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true))
              .build());
    }
  }

  private static void put(LocalEngine engine, String table, String pk, String v) {
    engine.putItem(
        PutItemRequest.builder()
            .tableName(table)
            .item(Map.of("pk", AttributeValue.fromS(pk), "v", AttributeValue.fromS(v)))
            .build());
  }

  private static List<String> tables(LocalEngine engine) {
    return engine.listTables(ListTablesRequest.builder().build()).tableNames();
  }

  private static List<String> values(LocalEngine engine, String table) {
    List<String> out = new ArrayList<>();
    engine
        .scan(ScanRequest.builder().tableName(table).build())
        .items()
        .forEach(i -> out.add(i.get("pk").s() + "=" + i.get("v").s()));
    out.sort(null);
    return out;
  }

  private static String tableId(LocalEngine engine, String table) {
    return engine
        .describeTable(DescribeTableRequest.builder().tableName(table).build())
        .table()
        .tableId();
  }

  /** Changes the closed store file directly, as a crashed process would have left it. */
  private void crashState(Consumer<MVStore> change) {
    MVStore store =
        new MVStore.Builder().fileName(dir.resolve(DurableStore.FILE).toString()).open();
    try {
      change.accept(store);
      store.commit();
    } finally {
      store.close();
    }
  }

  private static String arn(String table) {
    return "arn:aws:dynamodb:us-east-1:000000000000:table/" + table;
  }

  @Test
  void open_whenARestoreWasStillPending_dropsItsTable_andKeepsTheSource() {
    String targetId;
    try (LocalEngine engine = open()) {
      createTable(engine, "orders", true);
      put(engine, "orders", "a", "1");
      put(engine, "orders", "b", "2");
      engine.restoreTableToPointInTime(
          RestoreTableToPointInTimeRequest.builder()
              .sourceTableName("orders")
              .targetTableName("orders-restored")
              .useLatestRestorableTime(true)
              .build());
      targetId = tableId(engine, "orders-restored");
    }
    crashState(
        store -> {
          store
              .<String, String>openMap("pending")
              .put("table:" + targetId, "create " + arn("orders-restored"));
          MVMap<String, byte[]> items = store.openMap("items:" + targetId);
          items.remove(items.firstKey());
        });

    try (LocalEngine engine = open()) {
      assertThat(tables(engine)).containsExactly("orders");
      assertThat(values(engine, "orders")).containsExactly("a=1", "b=2");
    }
    crashState(
        store -> {
          assertThat(store.getMapNames()).doesNotContain("items:" + targetId);
          assertThat(store.<String, String>openMap("pending")).isEmpty();
        });
  }

  @Test
  void open_whenARestoreFromBackupWasStillPending_dropsItsTable() {
    String targetId;
    try (LocalEngine engine = open()) {
      createTable(engine, "orders", false);
      put(engine, "orders", "a", "1");
      String backup =
          engine
              .createBackup(
                  CreateBackupRequest.builder().tableName("orders").backupName("nightly").build())
              .backupDetails()
              .backupArn();
      engine.restoreTableFromBackup(
          RestoreTableFromBackupRequest.builder()
              .backupArn(backup)
              .targetTableName("orders-copy")
              .build());
      targetId = tableId(engine, "orders-copy");
    }
    crashState(
        store ->
            store
                .<String, String>openMap("pending")
                .put("table:" + targetId, "create " + arn("orders-copy")));

    try (LocalEngine engine = open()) {
      assertThat(tables(engine)).containsExactly("orders");
      assertThat(engine.listBackups(ListBackupsRequest.builder().build()).backupSummaries())
          .hasSize(1);
    }
  }

  @Test
  void open_whenADeletionHadBegun_completesIt() {
    String id;
    try (LocalEngine engine = open()) {
      createTable(engine, "scratch", false);
      createTable(engine, "orders", false);
      put(engine, "scratch", "a", "1");
      put(engine, "orders", "a", "1");
      id = tableId(engine, "scratch");
    }
    crashState(
        store ->
            store
                .<String, String>openMap("pending")
                .put("table:" + id, "delete " + arn("scratch")));

    try (LocalEngine engine = open()) {
      assertThat(tables(engine)).containsExactly("orders");
      assertThat(values(engine, "orders")).containsExactly("a=1");
    }
    crashState(store -> assertThat(store.getMapNames()).doesNotContain("items:" + id));
  }

  @Test
  void open_whenABackupWasStillPending_dropsIt() {
    String backup;
    try (LocalEngine engine = open()) {
      createTable(engine, "orders", false);
      put(engine, "orders", "a", "1");
      backup =
          engine
              .createBackup(
                  CreateBackupRequest.builder().tableName("orders").backupName("nightly").build())
              .backupDetails()
              .backupArn();
    }
    crashState(store -> store.<String, String>openMap("pending").put("backup:" + backup, "create"));

    try (LocalEngine engine = open()) {
      assertThat(engine.listBackups(ListBackupsRequest.builder().build()).backupSummaries())
          .isEmpty();
      assertThat(values(engine, "orders")).containsExactly("a=1");
    }
  }

  @Test
  void open_dropsItemMapsThatNoTableOwns() {
    try (LocalEngine engine = open()) {
      createTable(engine, "orders", false);
      put(engine, "orders", "a", "1");
    }
    crashState(
        store -> store.<String, byte[]>openMap("items:left-by-a-crash").put("k", new byte[1]));

    try (LocalEngine engine = open()) {
      assertThat(values(engine, "orders")).containsExactly("a=1");
    }
    crashState(store -> assertThat(store.getMapNames()).doesNotContain("items:left-by-a-crash"));
  }

  @Test
  void aTableDeletedWithPitrOn_andANewTableOfTheSameName_bothSurviveAReopen() {
    String deletedArn;
    try (LocalEngine engine = open()) {
      createTable(engine, "orders", true);
      put(engine, "orders", "a", "old");
      deletedArn =
          engine
              .describeTable(DescribeTableRequest.builder().tableName("orders").build())
              .table()
              .tableArn();
      engine.deleteTable(DeleteTableRequest.builder().tableName("orders").build());
      createTable(engine, "orders", false);
      put(engine, "orders", "a", "new");
    }

    try (LocalEngine engine = open()) {
      assertThat(values(engine, "orders")).containsExactly("a=new");
      engine.restoreTableToPointInTime(
          RestoreTableToPointInTimeRequest.builder()
              .sourceTableArn(deletedArn)
              .targetTableName("orders-before-delete")
              .useLatestRestorableTime(true)
              .build());
      assertThat(values(engine, "orders-before-delete")).containsExactly("a=old");
    }
  }
}
