package pitr.copy;

import java.time.Instant;

/**
 * What one worker's process has done since it started, saved with its heartbeat so {@code pitr runs
 * show} can report items/s and WCU/s per worker.
 *
 * @param started when the process started working on the run
 * @param items items this process wrote (or found already written)
 * @param wcu write capacity this process consumed
 * @param failed items this process put in its failure file
 */
public record WorkerProgress(Instant started, long items, double wcu, long failed) {}
