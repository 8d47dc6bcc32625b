package pitr.restore;

import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.DynamoErrors;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The recovery tables of a source that an earlier command left behind (killed during its restore or
 * its final drop, say): tables named as pitr names the source's recovery tables ({@link
 * RecoveryNames}) and tagged as recovery of it. Only those names are described, so the look costs a
 * ListTables and a call or two per such table, within what the rollback policies grant.
 */
public final class LeftoverRecoveryTables {
  private LeftoverRecoveryTables() {}

  /** The recovery tables of {@code source} there are now, not being deleted. */
  public static Flux<PitrStatus.RecoveryTable> of(DynamoDbGateway gateway, String source) {
    return gateway
        .listTables()
        .filter(name -> RecoveryNames.mayBeOf(name, source))
        .concatMap(
            name ->
                StatusReader.recoveryOf(gateway, name, source)
                    .onErrorResume(DynamoErrors::isAccessDenied, e -> Mono.empty()));
  }

  /**
   * A note on {@code table}: it was left by an earlier command, and how to drop it once no run uses
   * it.
   */
  public static String note(PitrStatus.RecoveryTable table) {
    return "note: recovery table "
        + table.name()
        + " (restore point "
        + table.restorePoint()
        + (table.createdBy() == null ? "" : ", created by " + table.createdBy())
        + ") is left from an earlier restore; this command makes its own. If no run uses it,"
        + " drop it with: pitr drop "
        + table.name();
  }
}
