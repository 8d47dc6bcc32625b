/**
 * The copy-back engine: a parallel scan of a recovery table written back to the live table in
 * batches of 25 under an adaptive write-capacity limit, with per-page checkpoints, resumable and
 * splittable across workers, a failure file instead of ever dropping an item; and the table diff.
 */
package pitr.copy;
