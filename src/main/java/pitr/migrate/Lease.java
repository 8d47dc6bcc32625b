package pitr.migrate;

import java.time.Instant;

/**
 * A held migration lock.
 *
 * @param runId the run holding it
 * @param fence the fencing token of this acquisition; ledger writes are conditional on it
 * @param expiresAt when it lapses unless renewed
 * @param takenOver the expired holder this acquisition replaced, or null
 */
public record Lease(String runId, long fence, Instant expiresAt, LockInfo takenOver) {}
