package pitr.runbook;

import java.time.Duration;

/**
 * How one {@code rollback} step recovered its table, for the report's side-by-side view of recovery
 * paths (e.g. the same incident rolled back through restores on one copy and through an export on
 * another).
 *
 * @param step the step's number in the runbook
 * @param table the live table rolled back
 * @param source {@code restore} or {@code export}
 * @param time from the start of the step (before its first restore or export) to its end (plan
 *     applied, recovery tables dropped), on the drill's clock
 * @param restored items put back
 * @param deleted items deleted (absent before the incident)
 * @param conflicts items changed since the incident, reported and kept
 * @param liveReadUnits read units consumed on the live table, or -1 when the target cannot tell
 * @param readUnits read units consumed on every table (recovery tables included), or -1
 * @param lostWrites writes made since the incident that the rollback overwrote (conflicts restored
 *     with {@code on-conflict: overwrite}) plus items it should have put back and did not; 0 is the
 *     goal
 * @param recoveryTables how many recovery tables it made
 */
public record RecoveryPath(
    int step,
    String table,
    String source,
    Duration time,
    long restored,
    long deleted,
    long conflicts,
    double liveReadUnits,
    double readUnits,
    long lostWrites,
    int recoveryTables) {

  /** Whether read units were measured on this target. */
  public boolean readsMeasured() {
    return liveReadUnits >= 0;
  }
}
