package pitr.copy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Where copy-back runs keep their progress: one position per segment, saved after each page whose
 * items are all written (never after a page with an item in the failure file), a heartbeat per
 * worker, and the failure file of each process with its count of records. A local directory by
 * default ({@link FileCheckpoints}); a DynamoDB table ({@link TableCheckpoints}) so workers on
 * other machines can resume each other.
 */
public interface Checkpoints {
  /**
   * Records a new run, or checks that an existing one with the same id copies the same tables and
   * was not abandoned ({@link pitr.ErrorCode#REFUSED}).
   */
  Mono<CopyRunRecord> open(CopyRunRecord run);

  /** The run with this id, or empty. */
  Mono<CopyRunRecord> find(String runId);

  /**
   * When and by whom the run was abandoned ({@code pitr runs abandon --force} while it ran), or
   * empty: a working process asks at each heartbeat and stops when it was.
   */
  default Mono<CopyRunRecord.Abandoned> abandonment(String runId) {
    return find(runId).mapNotNull(CopyRunRecord::abandoned);
  }

  /** The saved positions of a run's segments, by segment. */
  Mono<Map<Integer, SegmentPosition>> positions(String runId);

  /** Saves one segment's position. */
  Mono<Void> save(String runId, SegmentPosition position);

  /**
   * Records that {@code worker} is alive at {@code now}, or has finished, with this process as its
   * {@link RunOwner} and a lease until {@link RunLease#expiry}.
   */
  default Mono<Void> heartbeat(String runId, Worker worker, Instant now, boolean finished) {
    return heartbeat(runId, worker, now, finished, null);
  }

  /**
   * Records a heartbeat as {@link #heartbeat(String, Worker, Instant, boolean)} does, with what the
   * worker's process has done so far ({@code progress}, or null when it reports nothing).
   */
  Mono<Void> heartbeat(
      String runId, Worker worker, Instant now, boolean finished, WorkerProgress progress);

  /** The leases of a run's workers, by worker; empty when the run has none. */
  Mono<List<WorkerLease>> leases(String runId);

  /**
   * Marks the run abandoned by {@code by} at {@code at}: {@code pitr drop} no longer waits for it
   * and {@link #open} refuses to continue it. Its checkpoints are kept.
   */
  Mono<Void> abandon(String runId, RunOwner by, Instant at);

  /** Records (or updates) the failure file of one process of a run; see {@link FailureLog}. */
  Mono<Void> saveFailureLog(String runId, FailureLog log);

  /** The failure files recorded for a run, resolved ones included. */
  Mono<List<FailureLog>> failureLogs(String runId);

  /** Records the AWS Batch job run {@code runId} was submitted as. */
  Mono<Void> saveJob(String runId, RunJob job);

  /** The AWS Batch job run {@code runId} was submitted as, or empty. */
  Mono<RunJob> job(String runId);

  /** Every run known here. */
  Flux<CopyRunRecord> runs();

  /** Where the checkpoints live, for messages. */
  String describe();
}
