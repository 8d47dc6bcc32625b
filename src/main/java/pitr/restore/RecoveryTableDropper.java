package pitr.restore;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.DynamoDbGateway;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * Deletes a recovery table, and only that: a table tagged {@code pitr:recovery-of}, not the source
 * of any recovery table, and not the source of an unfinished copy-back run. An untagged table is
 * dropped only when the caller has forced it (the CLI asks for the name to be typed again).
 */
public final class RecoveryTableDropper {
  /** A copy-back run that reads a table, as the drop check needs to know it. */
  public record CopyRun(String runId, String source, boolean live, boolean finished) {}

  private final DynamoDbGateway gateway;

  private RecoveryTableDropper(DynamoDbGateway gateway, Clock clock) {
    this.gateway = gateway;
  }

  public static RecoveryTableDropper create(DynamoDbGateway gateway, Clock clock) {
    return new RecoveryTableDropper(gateway, clock);
  }

  /**
   * Checks that {@code table} may be dropped; emits its description and tags.
   *
   * @param runs copy-back runs known to the checkpoint store
   * @param force accept a table without the recovery tag
   */
  public Mono<TableDescription> check(String table, Flux<CopyRun> runs, boolean force) {
    return gateway
        .describeTable(table)
        .flatMap(
            d ->
                Mono.zip(
                        gateway.tags(d.tableArn()),
                        StatusReader.recoveryTablesOf(gateway, table).collectList(),
                        runs.filter(r -> r.source().equals(table) && !r.finished()).collectList())
                    .map(t -> refuseOrPass(d, t.getT1(), t.getT2(), t.getT3(), force)));
  }

  private static TableDescription refuseOrPass(
      TableDescription d,
      Map<String, String> tags,
      List<PitrStatus.RecoveryTable> recoveries,
      List<CopyRun> runs,
      boolean force) {
    String table = d.tableName();
    if (!recoveries.isEmpty()) {
      throw new PitrException(
          ErrorCode.REFUSED,
          "Table "
              + table
              + " is the source of recovery table "
              + recoveries.get(0).name()
              + "; pitr never drops a source table");
    }
    String of = tags.get(RecoveryTags.RECOVERY_OF);
    if (of != null && of.equals(table)) {
      throw new PitrException(
          ErrorCode.REFUSED,
          "Table " + table + " is tagged as a recovery of itself; pitr will not drop it");
    }
    if (of == null && !force) {
      throw new PitrException(
          ErrorCode.REFUSED,
          "Table "
              + table
              + " has no "
              + RecoveryTags.RECOVERY_OF
              + " tag, so it is not a recovery table pitr made; pass --force and type its name to"
              + " drop it anyway");
    }
    for (CopyRun run : runs) {
      throw new PitrException(
          ErrorCode.REFUSED,
          "Table "
              + table
              + " is being copied back by run "
              + run.runId()
              + (run.live()
                  ? ", which is in progress; wait for it to finish"
                  : ", which stopped unfinished; resume it with pitr copy-back --resume "
                      + run.runId()
                      + " first"));
    }
    return d;
  }

  /** Deletes the table (after {@link #check}). */
  public Mono<TableDescription> drop(String table) {
    return gateway.deleteTable(table);
  }
}
