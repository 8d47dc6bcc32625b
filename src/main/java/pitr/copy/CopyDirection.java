package pitr.copy;

import java.util.Map;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.DynamoDbGateway;
import pitr.restore.RecoveryTags;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * Which way a copy goes, from the tables' recovery tags ({@link RecoveryTags}): copy-back is meant
 * to copy a recovery table into its source, the table its {@code pitr:recovery-of} tag names.
 *
 * <p>Writing into a recovery table would leave its {@code pitr:restore-point} tag describing items
 * it no longer holds, and is what swapped {@code --from}/{@code --to} do: it is refused with {@link
 * ErrorCode#REFUSED} unless the request overrides it. {@code --delete-extra} deletes only where the
 * copy goes from a recovery table into its source, unless forced: between any other two tables,
 * nothing shows that the items deleted are extra rather than new.
 *
 * @param source the table copied from, or null for a replay
 * @param target the table copied into
 * @param sourceTags the tags of {@code source}; empty for a replay
 * @param targetTags the tags of {@code target}
 */
public record CopyDirection(
    String source, String target, Map<String, String> sourceTags, Map<String, String> targetTags) {

  /** Reads the tags of both tables ({@code from} null for a replay). */
  static Mono<CopyDirection> read(
      DynamoDbGateway gateway, TableDescription from, TableDescription to) {
    Mono<Map<String, String>> fromTags =
        from == null ? Mono.just(Map.of()) : gateway.tags(from.tableArn());
    return fromTags
        .zipWith(gateway.tags(to.tableArn()))
        .map(
            t ->
                new CopyDirection(
                    from == null ? null : from.tableName(), to.tableName(), t.getT1(), t.getT2()));
  }

  /** True when {@code source} is a recovery table of {@code target}: the expected direction. */
  public boolean intoItsSource() {
    return target.equals(sourceTags.get(RecoveryTags.RECOVERY_OF));
  }

  /**
   * What a copy from a recovery table into its source overwrites, for the operator: every item it
   * writes replaces what the source holds now, a write made since the restore point included; null
   * for any other copy. {@code pitr rollback} is the way to keep writes made after the incident.
   */
  public String overwriteNote() {
    if (source == null || !intoItsSource()) {
      return null;
    }
    String at = sourceTags.get(RecoveryTags.RESTORE_POINT);
    return "each item copied replaces what "
        + target
        + " holds for its key now with the item as it was at "
        + (at == null ? "its restore point" : at)
        + ", writes made since included; to keep writes made after the incident, roll back"
        + " instead: pitr rollback "
        + target
        + " --to "
        + (at == null ? "T0" : at)
        + " --incident-end T1 --dry-run";
  }

  /** The direction for the operator, e.g. "recovery table orders-rec → its source orders". */
  public String describe() {
    if (source == null) {
      return "→ " + target;
    }
    return intoItsSource()
        ? "recovery table " + source + " → its source " + target
        : source + " → " + target;
  }

  /**
   * Refuses a copy into a recovery table, and {@code --delete-extra} outside the expected
   * direction, unless overridden.
   *
   * @throws PitrException {@link ErrorCode#REFUSED} naming the tables, the tags and the override
   */
  void check(CopyRequest r) {
    String recoveryOf = targetTags.get(RecoveryTags.RECOVERY_OF);
    if (recoveryOf != null && !r.overrides().intoRecoveryTable()) {
      throw new PitrException(ErrorCode.REFUSED, intoRecoveryTable(recoveryOf));
    }
    if (r.deleteExtra() && source != null && !intoItsSource() && !r.overrides().force()) {
      String of = sourceTags.get(RecoveryTags.RECOVERY_OF);
      throw new PitrException(
          ErrorCode.REFUSED,
          "--delete-extra would delete the items of "
              + target
              + " that "
              + source
              + " does not have, but "
              + source
              + " is not a recovery table of "
              + target
              + " ("
              + (of == null
                  ? "it has no " + RecoveryTags.RECOVERY_OF + " tag"
                  : "its " + RecoveryTags.RECOVERY_OF + " tag names " + of)
              + "), so nothing shows those items are extra rather than new; check --from and"
              + " --to, or pass --force to delete them anyway. Nothing was written.");
    }
  }

  private String intoRecoveryTable(String recoveryOf) {
    String point = targetTags.get(RecoveryTags.RESTORE_POINT);
    String tags =
        RecoveryTags.RECOVERY_OF
            + "="
            + recoveryOf
            + (point == null ? "" : ", " + RecoveryTags.RESTORE_POINT + "=" + point);
    String swapped;
    if (source == null) {
      swapped =
          "--to looks wrong: replay into its source with --to "
              + recoveryOf
              + "; to write into the recovery table anyway, pass --into-recovery-table";
    } else if (source.equals(recoveryOf)) {
      swapped =
          "--from "
              + source
              + " --to "
              + target
              + " look swapped: to copy the recovery table back into its source, pass --from "
              + target
              + " --to "
              + source
              + "; to write into the recovery table anyway, pass --into-recovery-table";
    } else {
      swapped =
          "--from/--to look swapped: copy-back copies a recovery table into its source (here --to "
              + recoveryOf
              + "); to write into the recovery table anyway, pass --into-recovery-table";
    }
    return "--to "
        + target
        + " is a recovery table of "
        + recoveryOf
        + " (tagged "
        + tags
        + "): writing into it would leave those tags describing items it no longer holds. "
        + swapped
        + ". Nothing was written.";
  }
}
