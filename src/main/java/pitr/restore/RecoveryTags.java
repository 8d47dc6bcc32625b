package pitr.restore;

/**
 * The tags pitr puts on a recovery table. {@code pitr:recovery-of} is what makes a table a recovery
 * table: status lists it, drop deletes only tables that carry it.
 */
public final class RecoveryTags {
  /** Name of the table the recovery table was restored from. */
  public static final String RECOVERY_OF = "pitr:recovery-of";

  /** The instant restored, ISO-8601. */
  public static final String RESTORE_POINT = "pitr:restore-point";

  /** Who made it: {@code pitr <version> (<user>)}. */
  public static final String CREATED_BY = "pitr:created-by";

  private RecoveryTags() {}

  /** True for tags pitr sets itself, which a restore is not expected to carry over. */
  static boolean isPitrTag(String key) {
    return key.startsWith("pitr:");
  }
}
