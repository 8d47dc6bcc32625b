package pitr.restore;

import java.time.Instant;
import java.util.List;

/**
 * The safety net of one table: its point-in-time recovery window, on-demand backups, size and
 * capacity, and the recovery tables pitr made from it and has not dropped.
 *
 * @param table table name
 * @param tableStatus e.g. ACTIVE
 * @param pitrEnabled whether point-in-time recovery is on
 * @param recoveryPeriodDays days of history kept, or null when off or not reported
 * @param earliest earliest restorable instant, or null when off
 * @param latest latest restorable instant, or null when off
 * @param backups on-demand backups of the table
 * @param itemCount approximate item count (DynamoDB updates it about every six hours)
 * @param sizeBytes approximate size in bytes (likewise)
 * @param billingMode PROVISIONED or PAY_PER_REQUEST
 * @param readCapacity provisioned read units, or null when on demand
 * @param writeCapacity provisioned write units, or null when on demand
 * @param recoveryTables recovery tables of this table
 * @param ttl the table's time-to-live setting, or null when the target does not report one
 */
public record PitrStatus(
    String table,
    String tableStatus,
    boolean pitrEnabled,
    Integer recoveryPeriodDays,
    Instant earliest,
    Instant latest,
    List<Backup> backups,
    long itemCount,
    long sizeBytes,
    String billingMode,
    Long readCapacity,
    Long writeCapacity,
    List<RecoveryTable> recoveryTables,
    Ttl ttl) {

  /** An on-demand backup. */
  public record Backup(String name, String arn, Instant created, String status, Long sizeBytes) {}

  /**
   * Time to live: expired items are deleted by DynamoDB, deletions a restore to an earlier point
   * brings back, and a restored table does not inherit the setting.
   *
   * @param status ENABLED, ENABLING, DISABLING or DISABLED
   * @param attribute the attribute holding each item's expiry, or null when DISABLED
   */
  public record Ttl(String status, String attribute) {
    /** Whether expired items are being deleted (or soon will be). */
    public boolean on() {
      return "ENABLED".equals(status) || "ENABLING".equals(status);
    }
  }

  /** A recovery table found by its {@code pitr:recovery-of} tag. */
  public record RecoveryTable(String name, String status, String restorePoint, String createdBy) {}
}
