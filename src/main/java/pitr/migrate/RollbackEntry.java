package pitr.migrate;

import java.time.Instant;

/**
 * What the ledger records about the rollback of a run ({@link Ledger#markRolledBack}).
 *
 * @param rollbackId the rollback's id (its checkpoints and saved plans are filed under it)
 * @param at when the rollback finished
 * @param by who ran it
 * @param restored items put back to their image at the recovery point
 * @param deleted items deleted because they did not exist at the recovery point
 * @param alreadyApplied items found already as planned (put back by an earlier, interrupted attempt
 *     of the same rollback), not written again
 * @param conflicts items left as they are because they changed after the run wrote them
 * @param recoveryPoint the instant the items were restored to (the run's restore point)
 */
public record RollbackEntry(
    String rollbackId,
    Instant at,
    String by,
    long restored,
    long deleted,
    long alreadyApplied,
    long conflicts,
    Instant recoveryPoint) {}
