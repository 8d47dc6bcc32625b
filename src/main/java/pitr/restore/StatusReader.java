package pitr.restore;

import java.util.List;
import java.util.Map;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.DynamoErrors;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ContinuousBackupsDescription;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryDescription;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryStatus;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/** Reads a table's {@link PitrStatus}; read-only, safe to run any time. */
public final class StatusReader {
  private final DynamoDbGateway gateway;

  private StatusReader(DynamoDbGateway gateway) {
    this.gateway = gateway;
  }

  public static StatusReader create(DynamoDbGateway gateway) {
    return new StatusReader(gateway);
  }

  /** The status of {@code table}; a missing table fails with a usage error naming it. */
  public Mono<PitrStatus> read(String table) {
    return gateway
        .describeTable(table)
        .flatMap(
            d ->
                Mono.zip(
                        gateway.describeContinuousBackups(table),
                        gateway
                            .listBackups(table)
                            .map(
                                b ->
                                    new PitrStatus.Backup(
                                        b.backupName(),
                                        b.backupArn(),
                                        b.backupCreationDateTime(),
                                        b.backupStatusAsString(),
                                        b.backupSizeBytes()))
                            .collectList(),
                        recoveryTablesOf(gateway, table).collectList(),
                        gateway
                            .describeTimeToLive(table)
                            .map(
                                t ->
                                    List.of(
                                        new PitrStatus.Ttl(
                                            t.timeToLiveStatusAsString(), t.attributeName())))
                            .defaultIfEmpty(List.of()))
                    .map(
                        t ->
                            status(
                                d,
                                t.getT1(),
                                t.getT2(),
                                t.getT3(),
                                t.getT4().isEmpty() ? null : t.getT4().get(0))));
  }

  static PitrStatus status(
      TableDescription d,
      ContinuousBackupsDescription c,
      List<PitrStatus.Backup> backups,
      List<PitrStatus.RecoveryTable> recoveries,
      PitrStatus.Ttl ttl) {
    PointInTimeRecoveryDescription p = c == null ? null : c.pointInTimeRecoveryDescription();
    boolean on = p != null && p.pointInTimeRecoveryStatus() == PointInTimeRecoveryStatus.ENABLED;
    boolean provisioned =
        d.billingModeSummary() == null
            || d.billingModeSummary().billingMode() == BillingMode.PROVISIONED;
    return new PitrStatus(
        d.tableName(),
        d.tableStatusAsString(),
        on,
        on ? p.recoveryPeriodInDays() : null,
        on ? p.earliestRestorableDateTime() : null,
        on ? p.latestRestorableDateTime() : null,
        backups,
        d.itemCount() == null ? 0 : d.itemCount(),
        d.tableSizeBytes() == null ? 0 : d.tableSizeBytes(),
        provisioned ? "PROVISIONED" : "PAY_PER_REQUEST",
        provisioned && d.provisionedThroughput() != null
            ? d.provisionedThroughput().readCapacityUnits()
            : null,
        provisioned && d.provisionedThroughput() != null
            ? d.provisionedThroughput().writeCapacityUnits()
            : null,
        recoveries,
        ttl);
  }

  /**
   * Tables whose {@code pitr:recovery-of} tag names {@code source}, not being deleted. A table the
   * credentials may not describe or read the tags of is passed over unless it is named as pitr
   * names the recovery tables of {@code source} (see {@link RecoveryNames}), which is what pitr's
   * policies grant those calls on: another application's table, or pitr's checkpoint table, is not
   * in them, and a least-privilege policy cannot grant every table of the account.
   */
  static Flux<PitrStatus.RecoveryTable> recoveryTablesOf(DynamoDbGateway gateway, String source) {
    return gateway
        .listTables()
        .filter(name -> !name.equals(source))
        .flatMapSequential(
            name ->
                recoveryOf(gateway, name, source)
                    .onErrorResume(
                        e -> !RecoveryNames.mayBeOf(name, source) && DynamoErrors.isAccessDenied(e),
                        e -> Mono.empty()),
            8);
  }

  /** Table {@code name}, when it is a recovery table of {@code source} not being deleted. */
  static Mono<PitrStatus.RecoveryTable> recoveryOf(
      DynamoDbGateway gateway, String name, String source) {
    return gateway
        .findTable(name)
        .filter(t -> t.tableStatus() != TableStatus.DELETING)
        .flatMap(
            t ->
                gateway
                    .tags(t.tableArn())
                    .filter(tags -> source.equals(tags.get(RecoveryTags.RECOVERY_OF)))
                    .map(tags -> recovery(t, tags)));
  }

  private static PitrStatus.RecoveryTable recovery(TableDescription t, Map<String, String> tags) {
    return new PitrStatus.RecoveryTable(
        t.tableName(),
        t.tableStatusAsString(),
        tags.get(RecoveryTags.RESTORE_POINT),
        tags.get(RecoveryTags.CREATED_BY));
  }
}
