package pitr.local.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static pitr.local.contract.Ddb.assertFailsWith;
import static pitr.local.contract.Ddb.await;
import static pitr.local.contract.Ddb.hashOnly;
import static pitr.local.contract.Ddb.item;
import static pitr.local.contract.Ddb.s;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BackupDetails;
import software.amazon.awssdk.services.dynamodb.model.BackupNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.BackupStatus;
import software.amazon.awssdk.services.dynamodb.model.TableAlreadyExistsException;

/**
 * On-demand backups. These run on moto too, whose backups are honest snapshots; point-in-time
 * restores are not (moto copies the table as it is now), so those cases live in the engine's own
 * PointInTimeRecoveryTest.
 */
class BackupContractTest {

  private static Set<String> keys(DynamoDbAsyncClient client, String table) {
    Set<String> out = new HashSet<>();
    for (Map<String, AttributeValue> i : await(client.scan(r -> r.tableName(table))).items()) {
      out.add(i.get("pk").s());
    }
    return out;
  }

  @BackendTest
  void backup_thenRestore_holdsTheSnapshotNotLaterWrites(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = tables.create(hashOnly());
    tables.awaitActive(table);
    await(client.putItem(r -> r.tableName(table).item(item("pk", s("a")))));
    await(client.putItem(r -> r.tableName(table).item(item("pk", s("b")))));

    BackupDetails backup =
        await(client.createBackup(r -> r.tableName(table).backupName(table + "-bk")))
            .backupDetails();
    await(client.putItem(r -> r.tableName(table).item(item("pk", s("c")))));
    String restored = tables.register(table + "-restored");
    await(
        client.restoreTableFromBackup(
            r -> r.backupArn(backup.backupArn()).targetTableName(restored)));
    tables.awaitActive(restored);

    assertThat(backup.backupStatus()).isIn(BackupStatus.AVAILABLE, BackupStatus.CREATING);
    assertThat(keys(client, restored)).containsExactlyInAnyOrder("a", "b");
    assertThat(keys(client, table)).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(
            await(client.describeBackup(r -> r.backupArn(backup.backupArn())))
                .backupDescription()
                .sourceTableDetails()
                .tableName())
        .isEqualTo(table);
    assertThat(await(client.listBackups(r -> r.tableName(table))).backupSummaries())
        .extracting(b -> b.backupArn())
        .contains(backup.backupArn());
  }

  @BackendTest
  void restoreFromBackup_intoExistingTable_throwsTableAlreadyExists(
      Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = tables.create(hashOnly());
    tables.awaitActive(table);
    String arn =
        await(client.createBackup(r -> r.tableName(table).backupName(table + "-bk")))
            .backupDetails()
            .backupArn();

    assertFailsWith(
        TableAlreadyExistsException.class,
        () -> await(client.restoreTableFromBackup(r -> r.backupArn(arn).targetTableName(table))));
  }

  @BackendTest
  void deleteBackup_thenDescribe_throwsBackupNotFound(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String table = tables.create(hashOnly());
    tables.awaitActive(table);
    String arn =
        await(client.createBackup(r -> r.tableName(table).backupName(table + "-bk")))
            .backupDetails()
            .backupArn();

    await(client.deleteBackup(r -> r.backupArn(arn)));

    assertFailsWith(
        BackupNotFoundException.class, () -> await(client.describeBackup(r -> r.backupArn(arn))));
  }
}
