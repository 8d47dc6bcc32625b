package pitr.local.ops;

import java.time.Instant;
import pitr.local.EngineConfig;
import pitr.local.Errors;
import pitr.local.Table;
import pitr.local.capacity.Throughput;
import pitr.local.store.Catalog;
import pitr.local.store.DeletedTable;
import pitr.local.store.HistoryPruner;
import pitr.local.store.ItemWriter;
import software.amazon.awssdk.services.dynamodb.model.ContinuousBackupsDescription;
import software.amazon.awssdk.services.dynamodb.model.ContinuousBackupsStatus;
import software.amazon.awssdk.services.dynamodb.model.DescribeContinuousBackupsRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeContinuousBackupsResponse;
import software.amazon.awssdk.services.dynamodb.model.InvalidRestoreTimeException;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryDescription;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoverySpecification;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryStatus;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryUnavailableException;
import software.amazon.awssdk.services.dynamodb.model.RestoreSummary;
import software.amazon.awssdk.services.dynamodb.model.RestoreTableToPointInTimeRequest;
import software.amazon.awssdk.services.dynamodb.model.RestoreTableToPointInTimeResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateContinuousBackupsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateContinuousBackupsResponse;

/**
 * Point-in-time recovery: UpdateContinuousBackups, DescribeContinuousBackups and
 * RestoreTableToPointInTime, which builds a new table from each item's version as of the restore
 * instant, from a live table or one deleted while PITR was on.
 */
public final class RecoveryOps extends OperationFamily {
  public RecoveryOps(
      EngineConfig config, Catalog catalog, ItemWriter writer, Throughput throughput) {
    super(config, catalog, writer, throughput);
  }

  /** UpdateContinuousBackups: turns PITR on or off and sets the recovery period. */
  public UpdateContinuousBackupsResponse updateContinuousBackups(UpdateContinuousBackupsRequest r) {
    return Requests.guard(
        () -> {
          PointInTimeRecoverySpecification spec = r.pointInTimeRecoverySpecification();
          Integer days = spec.recoveryPeriodInDays();
          if (days != null && !spec.pointInTimeRecoveryEnabled()) {
            // Refused, not applied: turning PITR off drops the table's history.
            throw Errors.validation(
                "Cannot specify RecoveryPeriodInDays when disabling point-in-time recovery.");
          }
          writer.lock();
          try {
            Table t = catalog.find(r.tableName());
            if (t == null) {
              throw Catalog.tableNotFoundForBackup(r.tableName());
            }
            boolean enable = spec.pointInTimeRecoveryEnabled();
            if (enable && !t.pitrEnabled) {
              t.pitrEnabledAt = clock.millis();
            }
            boolean disabling = !enable && t.pitrEnabled;
            t.pitrEnabled = enable;
            if (days != null) {
              t.recoveryPeriodDays = days;
            }
            // Store the setting before dropping history: a crash part-way then leaves PITR off
            // with some history no restore can reach, never PITR on with history missing.
            writer.persistTable(t);
            if (disabling) {
              HistoryPruner.dropHistory(t);
              writer.ifDurable(d -> d.rewriteItems(t));
            }
            return UpdateContinuousBackupsResponse.builder()
                .continuousBackupsDescription(continuousBackups(t))
                .build();
          } finally {
            writer.unlock();
          }
        });
  }

  /** DescribeContinuousBackups. */
  public DescribeContinuousBackupsResponse describeContinuousBackups(
      DescribeContinuousBackupsRequest r) {
    return Requests.guard(
        () -> {
          Table t = catalog.find(r.tableName());
          if (t == null) {
            throw Catalog.tableNotFoundForBackup(r.tableName());
          }
          return DescribeContinuousBackupsResponse.builder()
              .continuousBackupsDescription(continuousBackups(t))
              .build();
        });
  }

  /**
   * RestoreTableToPointInTime: a new table holding exactly the items as they were at the restore
   * instant, with the source's keys, indexes and capacity but none of its tags, TTL, streams or
   * PITR setting, as on AWS.
   */
  public RestoreTableToPointInTimeResponse restoreTableToPointInTime(
      RestoreTableToPointInTimeRequest r) {
    return Requests.guard(
        () -> {
          if (Boolean.TRUE.equals(r.useLatestRestorableTime()) && r.restoreDateTime() != null) {
            throw Errors.validation(
                "Invalid Request: Either one of RestoreDateTime or UseLatestRestorableTime must be"
                    + " specified, but not both");
          }
          writer.lock();
          try {
            long now = clock.millis();
            Table source;
            long latest;
            if (r.sourceTableArn() != null) {
              source = catalog.byArnIncludingDeleted(r.sourceTableArn());
              DeletedTable gone = catalog.deletedTables().get(r.sourceTableArn());
              latest =
                  gone != null
                      ? Math.min(gone.deletedAt(), latestRestorable(source, now))
                      : latestRestorable(source, now);
            } else {
              if (r.sourceTableName() == null) {
                throw Errors.validation(
                    "Either SourceTableName or SourceTableArn must be specified in the request");
              }
              source = catalog.tables().get(r.sourceTableName());
              if (source == null) {
                throw Catalog.tableNotFoundForBackup(r.sourceTableName());
              }
              latest = latestRestorable(source, now);
            }
            if (!source.pitrEnabled) {
              throw (PointInTimeRecoveryUnavailableException)
                  Errors.build(
                      PointInTimeRecoveryUnavailableException.builder(),
                      "PointInTimeRecoveryUnavailableException",
                      "Point in time recovery is not enabled for table '" + source.name + "'",
                      400);
            }
            catalog.checkTargetFree(r.targetTableName());
            long earliest = source.earliestRestorable(now);
            long at;
            if (Boolean.TRUE.equals(r.useLatestRestorableTime())) {
              at = latest;
            } else if (r.restoreDateTime() != null) {
              at = r.restoreDateTime().toEpochMilli();
            } else {
              throw Errors.validation(
                  "Either RestoreDateTime or UseLatestRestorableTime must be specified in the"
                      + " request");
            }
            if (at < earliest || at > latest) {
              throw (InvalidRestoreTimeException)
                  Errors.build(
                      InvalidRestoreTimeException.builder(),
                      "InvalidRestoreTimeException",
                      "Restore time "
                          + Instant.ofEpochMilli(at)
                          + " is outside the restorable window ["
                          + Instant.ofEpochMilli(earliest)
                          + ", "
                          + Instant.ofEpochMilli(latest)
                          + "] of table "
                          + source.name,
                      400);
            }
            Table target =
                restoredTable(
                    source,
                    r.targetTableName(),
                    r.billingModeOverride(),
                    r.provisionedThroughputOverride(),
                    r.hasGlobalSecondaryIndexOverride() ? r.globalSecondaryIndexOverride() : null,
                    r.hasLocalSecondaryIndexOverride() ? r.localSecondaryIndexOverride() : null,
                    r.sseSpecificationOverride(),
                    now);
            target.restoreSummary =
                RestoreSummary.builder()
                    .sourceTableArn(source.arn)
                    .restoreDateTime(Instant.ofEpochMilli(at))
                    .restoreInProgress(target.activeAt > now)
                    .build();
            ItemWriter.loadAsOf(target, source, at, now);
            throughput.configure(target);
            catalog.tables().put(target.name, target);
            writer.ifDurable(d -> d.saveNewTable(target));
            return RestoreTableToPointInTimeResponse.builder()
                .tableDescription(describe(target))
                .build();
          } finally {
            writer.unlock();
          }
        });
  }

  private ContinuousBackupsDescription continuousBackups(Table t) {
    PointInTimeRecoveryDescription.Builder p =
        PointInTimeRecoveryDescription.builder()
            .pointInTimeRecoveryStatus(
                t.pitrEnabled
                    ? PointInTimeRecoveryStatus.ENABLED
                    : PointInTimeRecoveryStatus.DISABLED);
    if (t.pitrEnabled) {
      long now = clock.millis();
      p.recoveryPeriodInDays(t.recoveryPeriodDays)
          .earliestRestorableDateTime(Instant.ofEpochMilli(t.earliestRestorable(now)))
          .latestRestorableDateTime(Instant.ofEpochMilli(latestRestorable(t, now)));
    }
    return ContinuousBackupsDescription.builder()
        .continuousBackupsStatus(ContinuousBackupsStatus.ENABLED)
        .pointInTimeRecoveryDescription(p.build())
        .build();
  }

  private long latestRestorable(Table t, long now) {
    return Math.max(t.earliestRestorable(now), now - config.restoreLag().toMillis());
  }
}
