package pitr.local.ops;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;
import pitr.local.DurableStore;
import pitr.local.EngineConfig;
import pitr.local.StoreKey;
import pitr.local.Table;
import pitr.local.Version;
import pitr.local.capacity.Throughput;
import pitr.local.store.Backup;
import pitr.local.store.Catalog;
import pitr.local.store.ItemWriter;
import software.amazon.awssdk.services.dynamodb.model.BackupDescription;
import software.amazon.awssdk.services.dynamodb.model.BackupDetails;
import software.amazon.awssdk.services.dynamodb.model.BackupStatus;
import software.amazon.awssdk.services.dynamodb.model.BackupSummary;
import software.amazon.awssdk.services.dynamodb.model.BackupType;
import software.amazon.awssdk.services.dynamodb.model.CreateBackupRequest;
import software.amazon.awssdk.services.dynamodb.model.CreateBackupResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteBackupRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteBackupResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeBackupRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeBackupResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ListBackupsRequest;
import software.amazon.awssdk.services.dynamodb.model.ListBackupsResponse;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.RestoreSummary;
import software.amazon.awssdk.services.dynamodb.model.RestoreTableFromBackupRequest;
import software.amazon.awssdk.services.dynamodb.model.RestoreTableFromBackupResponse;
import software.amazon.awssdk.services.dynamodb.model.SourceTableDetails;
import software.amazon.awssdk.services.dynamodb.model.SourceTableFeatureDetails;

/**
 * On-demand backups: CreateBackup, DescribeBackup, DeleteBackup, ListBackups and
 * RestoreTableFromBackup.
 */
public final class BackupOps extends OperationFamily {
  public BackupOps(EngineConfig config, Catalog catalog, ItemWriter writer, Throughput throughput) {
    super(config, catalog, writer, throughput);
  }

  /** CreateBackup: an on-demand snapshot of the table's live items. */
  public CreateBackupResponse createBackup(CreateBackupRequest r) {
    return Requests.guard(
        () -> {
          writer.lock();
          try {
            Table t = catalog.find(r.tableName());
            if (t == null) {
              throw Catalog.tableNotFoundForBackup(r.tableName());
            }
            long now = clock.millis();
            NavigableMap<StoreKey, Version> snapshot = new TreeMap<>(StoreKey.ORDER);
            for (Map.Entry<StoreKey, Version> e : t.items.entrySet()) {
              if (e.getValue().exists()) {
                snapshot.put(e.getKey(), e.getValue().alone(now));
              }
            }
            String arn = t.arn + "/backup/" + String.format("%013d", now) + "-" + shortId();
            Backup b = new Backup(arn, r.backupName(), t, now, snapshot, t.sizeBytes, t.itemCount);
            catalog.backups().put(arn, b);
            writer.ifDurable(
                d ->
                    d.saveBackup(
                        new DurableStore.BackupMeta(
                            arn,
                            b.name(),
                            DurableStore.meta(t, null),
                            now,
                            b.sizeBytes(),
                            b.itemCount()),
                        snapshot));
            return CreateBackupResponse.builder()
                .backupDetails(details(b, BackupStatus.AVAILABLE))
                .build();
          } finally {
            writer.unlock();
          }
        });
  }

  /** DescribeBackup. */
  public DescribeBackupResponse describeBackup(DescribeBackupRequest r) {
    return Requests.guard(
        () ->
            DescribeBackupResponse.builder()
                .backupDescription(
                    backupDescription(catalog.backup(r.backupArn()), BackupStatus.AVAILABLE))
                .build());
  }

  /** DeleteBackup. */
  public DeleteBackupResponse deleteBackup(DeleteBackupRequest r) {
    return Requests.guard(
        () -> {
          writer.lock();
          try {
            Backup b = catalog.backup(r.backupArn());
            catalog.backups().remove(b.arn());
            writer.ifDurable(d -> d.deleteBackup(b.arn()));
            return DeleteBackupResponse.builder()
                .backupDescription(backupDescription(b, BackupStatus.DELETED))
                .build();
          } finally {
            writer.unlock();
          }
        });
  }

  /** ListBackups, optionally for one table and a creation-time range, paginated by ARN. */
  public ListBackupsResponse listBackups(ListBackupsRequest r) {
    return Requests.guard(
        () -> {
          int limit = r.limit() == null ? 100 : r.limit();
          List<BackupSummary> out = new ArrayList<>();
          String last = null;
          boolean started = r.exclusiveStartBackupArn() == null;
          List<Backup> all;
          writer.lock();
          try {
            all = new ArrayList<>(catalog.backups().values());
          } finally {
            writer.unlock();
          }
          all.sort(java.util.Comparator.comparing(Backup::arn));
          boolean more = false;
          for (Backup b : all) {
            if (!started) {
              started = b.arn().equals(r.exclusiveStartBackupArn());
              continue;
            }
            if (r.tableName() != null && !b.source().name.equals(Catalog.nameOf(r.tableName()))) {
              continue;
            }
            Instant created = Instant.ofEpochMilli(b.createdAt());
            if (r.timeRangeLowerBound() != null && created.isBefore(r.timeRangeLowerBound())) {
              continue;
            }
            if (r.timeRangeUpperBound() != null && !created.isBefore(r.timeRangeUpperBound())) {
              continue;
            }
            if (out.size() == limit) {
              more = true;
              break;
            }
            out.add(
                BackupSummary.builder()
                    .tableName(b.source().name)
                    .tableArn(b.source().arn)
                    .tableId(b.source().id)
                    .backupArn(b.arn())
                    .backupName(b.name())
                    .backupCreationDateTime(created)
                    .backupStatus(BackupStatus.AVAILABLE)
                    .backupType(BackupType.USER)
                    .backupSizeBytes(b.sizeBytes())
                    .build());
            last = b.arn();
          }
          ListBackupsResponse.Builder resp = ListBackupsResponse.builder().backupSummaries(out);
          if (more) {
            resp.lastEvaluatedBackupArn(last);
          }
          return resp.build();
        });
  }

  /** RestoreTableFromBackup: a new table holding the backup's items. */
  public RestoreTableFromBackupResponse restoreTableFromBackup(RestoreTableFromBackupRequest r) {
    return Requests.guard(
        () -> {
          writer.lock();
          try {
            Backup b = catalog.backup(r.backupArn());
            catalog.checkTargetFree(r.targetTableName());
            long now = clock.millis();
            Table target =
                restoredTable(
                    b.source(),
                    r.targetTableName(),
                    r.billingModeOverride(),
                    r.provisionedThroughputOverride(),
                    r.hasGlobalSecondaryIndexOverride() ? r.globalSecondaryIndexOverride() : null,
                    r.hasLocalSecondaryIndexOverride() ? r.localSecondaryIndexOverride() : null,
                    r.sseSpecificationOverride(),
                    now);
            target.restoreSummary =
                RestoreSummary.builder()
                    .sourceBackupArn(b.arn())
                    .sourceTableArn(b.source().arn)
                    .restoreDateTime(Instant.ofEpochMilli(b.createdAt()))
                    .restoreInProgress(target.activeAt > now)
                    .build();
            b.items().forEach((k, v) -> ItemWriter.load(target, k, v, now));
            throughput.configure(target);
            catalog.tables().put(target.name, target);
            writer.ifDurable(d -> d.saveNewTable(target));
            return RestoreTableFromBackupResponse.builder()
                .tableDescription(describe(target))
                .build();
          } finally {
            writer.unlock();
          }
        });
  }

  private static String shortId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  private static BackupDetails details(Backup b, BackupStatus status) {
    return BackupDetails.builder()
        .backupArn(b.arn())
        .backupName(b.name())
        .backupSizeBytes(b.sizeBytes())
        .backupStatus(status)
        .backupType(BackupType.USER)
        .backupCreationDateTime(Instant.ofEpochMilli(b.createdAt()))
        .build();
  }

  private BackupDescription backupDescription(Backup b, BackupStatus status) {
    Table s = b.source();
    List<KeySchemaElement> ks = new ArrayList<>();
    ks.add(KeySchemaElement.builder().attributeName(s.partitionKey).keyType(KeyType.HASH).build());
    if (s.sortKey != null) {
      ks.add(KeySchemaElement.builder().attributeName(s.sortKey).keyType(KeyType.RANGE).build());
    }
    return BackupDescription.builder()
        .backupDetails(details(b, status))
        .sourceTableDetails(
            SourceTableDetails.builder()
                .tableName(s.name)
                .tableArn(s.arn)
                .tableId(s.id)
                .keySchema(ks)
                .tableCreationDateTime(Instant.ofEpochMilli(s.createdAt))
                .itemCount(b.itemCount())
                .tableSizeBytes(b.sizeBytes())
                .billingMode(s.billingMode)
                .provisionedThroughput(
                    ProvisionedThroughput.builder()
                        .readCapacityUnits(Math.max(s.readCapacity, 0))
                        .writeCapacityUnits(Math.max(s.writeCapacity, 0))
                        .build())
                .build())
        .sourceTableFeatureDetails(SourceTableFeatureDetails.builder().build())
        .build();
  }
}
