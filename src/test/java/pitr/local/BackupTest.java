package pitr.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BackupDetails;
import software.amazon.awssdk.services.dynamodb.model.BackupNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.BackupStatus;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableAlreadyExistsException;
import software.amazon.awssdk.services.dynamodb.model.TableNotFoundException;

/** On-demand backups through the real SDK client over HTTP. */
class BackupTest {
  private static EngineOverHttp local;
  private static DynamoDbAsyncClient client;

  @BeforeAll
  static void start() {
    local = new EngineOverHttp(EngineConfig.defaults());
    client = local.client;
  }

  @AfterAll
  static void stop() {
    local.close();
  }

  private static void createTable(String name) {
    client
        .createTable(
            r ->
                r.tableName(name)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                        a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
                    .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH)))
        .join();
  }

  private static void put(String table, String pk) {
    client.putItem(r -> r.tableName(table).item(Map.of("pk", AttributeValue.fromS(pk)))).join();
  }

  private static Set<String> keys(String table) {
    Set<String> out = new HashSet<>();
    client.scan(r -> r.tableName(table)).join().items().forEach(i -> out.add(i.get("pk").s()));
    return out;
  }

  @Test
  void backup_roundTrip_restoresTheSnapshotNotLaterWrites() {
    createTable("cars");
    put("cars", "a");
    put("cars", "b");
    BackupDetails backup =
        client
            .createBackup(r -> r.tableName("cars").backupName("before-migration"))
            .join()
            .backupDetails();
    put("cars", "c");
    client.deleteItem(r -> r.tableName("cars").key(Map.of("pk", AttributeValue.fromS("a")))).join();

    client
        .restoreTableFromBackup(
            r -> r.backupArn(backup.backupArn()).targetTableName("cars-restored"))
        .join();

    assertThat(backup.backupStatus()).isEqualTo(BackupStatus.AVAILABLE);
    assertThat(keys("cars-restored")).containsExactlyInAnyOrder("a", "b");
    assertThat(keys("cars")).containsExactlyInAnyOrder("b", "c");
    var described =
        client.describeBackup(r -> r.backupArn(backup.backupArn())).join().backupDescription();
    assertThat(described.sourceTableDetails().tableName()).isEqualTo("cars");
    assertThat(described.sourceTableDetails().itemCount()).isEqualTo(2);
    assertThat(
            client
                .describeTable(r -> r.tableName("cars-restored"))
                .join()
                .table()
                .restoreSummary()
                .sourceBackupArn())
        .isEqualTo(backup.backupArn());
  }

  @Test
  void listBackups_filtersByTableAndPaginates() {
    createTable("boats");
    createTable("planes");
    for (int i = 0; i < 3; i++) {
      int n = i;
      client.createBackup(r -> r.tableName("boats").backupName("boats-" + n)).join();
    }
    client.createBackup(r -> r.tableName("planes").backupName("planes-0")).join();

    var first = client.listBackups(r -> r.tableName("boats").limit(2)).join();
    var second =
        client
            .listBackups(
                r ->
                    r.tableName("boats")
                        .limit(2)
                        .exclusiveStartBackupArn(first.lastEvaluatedBackupArn()))
            .join();

    assertThat(first.backupSummaries()).hasSize(2);
    assertThat(first.lastEvaluatedBackupArn()).isNotNull();
    assertThat(second.backupSummaries()).hasSize(1);
    assertThat(second.lastEvaluatedBackupArn()).isNull();
    assertThat(second.backupSummaries().get(0).tableName()).isEqualTo("boats");
  }

  @Test
  void deleteBackup_thenDescribe_throwsBackupNotFound() {
    createTable("vans");
    String arn =
        client
            .createBackup(r -> r.tableName("vans").backupName("vans-0"))
            .join()
            .backupDetails()
            .backupArn();

    var deleted = client.deleteBackup(r -> r.backupArn(arn)).join().backupDescription();

    assertThat(deleted.backupDetails().backupStatus()).isEqualTo(BackupStatus.DELETED);
    assertThatThrownBy(() -> client.describeBackup(r -> r.backupArn(arn)).join())
        .cause()
        .isInstanceOf(BackupNotFoundException.class)
        .hasMessageStartingWith("Backup not found: " + arn);
  }

  @Test
  void backupErrors_useAwsExceptionClasses() {
    createTable("bikes");
    String arn =
        client
            .createBackup(r -> r.tableName("bikes").backupName("bikes-0"))
            .join()
            .backupDetails()
            .backupArn();

    assertThatThrownBy(
            () -> client.createBackup(r -> r.tableName("ghost").backupName("x-0")).join())
        .cause()
        .isInstanceOf(TableNotFoundException.class);
    assertThatThrownBy(
            () ->
                client
                    .restoreTableFromBackup(r -> r.backupArn(arn).targetTableName("bikes"))
                    .join())
        .cause()
        .isInstanceOf(TableAlreadyExistsException.class);
  }
}
