package pitr.migrate;

import java.time.Instant;

/**
 * Who holds the migration lock of an environment.
 *
 * @param runId the holding run
 * @param migration the migration it runs
 * @param operator who started it
 * @param host where it runs
 * @param acquiredAt when it took the lock
 * @param heartbeatAt its last heartbeat
 * @param expiresAt when the lease lapses unless renewed; after that another run may take over
 * @param fence the fencing token: raised on every acquisition, so a run that lost the lock can no
 *     longer write the ledger
 */
public record LockInfo(
    String runId,
    String migration,
    String operator,
    String host,
    Instant acquiredAt,
    Instant heartbeatAt,
    Instant expiresAt,
    long fence) {

  /** Who holds the lock: "run R of M by O on H since T". */
  public String holder() {
    return "run "
        + runId
        + " of "
        + migration
        + " by "
        + operator
        + " on "
        + host
        + " since "
        + acquiredAt;
  }

  /** True once the lease has lapsed at {@code now}. */
  public boolean expired(Instant now) {
    return !now.isBefore(expiresAt);
  }
}
