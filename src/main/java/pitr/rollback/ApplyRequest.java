package pitr.rollback;

import java.nio.file.Path;
import java.time.Duration;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.copy.Checkpoints;
import pitr.copy.Worker;

/**
 * How to apply a plan.
 *
 * @param runId the apply's run id: new, or one to resume; progress is kept under it
 * @param resume true when {@code runId} must name an existing run of the same plan
 * @param maxWcu write units per second at most; 0 for no cap (adaptive only)
 * @param checkpoints where progress is kept (a state folder, or a DynamoDB table)
 * @param failureFile where writes that still fail after the retry budget go
 * @param chunkItems plan items per checkpointed chunk
 * @param retries retries per write before it goes to the failure file
 * @param minBackoff first backoff
 * @param maxBackoff largest backoff
 * @param worker this process's share of the plan's chunks: worker I of N applies every chunk {@code
 *     c} with {@code c % N == I - 1}; {@link Worker#ALL} applies them all
 */
public record ApplyRequest(
    String runId,
    boolean resume,
    double maxWcu,
    Checkpoints checkpoints,
    Path failureFile,
    int chunkItems,
    int retries,
    Duration minBackoff,
    Duration maxBackoff,
    Worker worker) {

  /** Default chunk: 100 items, checkpointed once all are settled. */
  public static final int CHUNK_ITEMS = 100;

  public ApplyRequest {
    if (chunkItems < 1) {
      throw new PitrException(
          ErrorCode.USAGE, "--chunk-items " + chunkItems + " must be at least 1");
    }
    if (retries < 0) {
      throw new PitrException(ErrorCode.USAGE, "--retries " + retries + " must be 0 or more");
    }
    if (!(maxWcu >= 0)) {
      throw new PitrException(
          ErrorCode.USAGE, "--max-wcu " + maxWcu + " must be 0 or more (0: no limit)");
    }
    if (worker == null) {
      worker = Worker.ALL;
    }
  }

  /** A request applying every chunk ({@link Worker#ALL}). */
  public ApplyRequest(
      String runId,
      boolean resume,
      double maxWcu,
      Checkpoints checkpoints,
      Path failureFile,
      int chunkItems,
      int retries,
      Duration minBackoff,
      Duration maxBackoff) {
    this(
        runId,
        resume,
        maxWcu,
        checkpoints,
        failureFile,
        chunkItems,
        retries,
        minBackoff,
        maxBackoff,
        Worker.ALL);
  }

  /** A new run with defaults: no rate cap, chunks of 100, 10 retries from 100 ms to 10 s. */
  public static ApplyRequest of(String runId, Checkpoints checkpoints, Path failureFile) {
    return new ApplyRequest(
        runId,
        false,
        0,
        checkpoints,
        failureFile,
        CHUNK_ITEMS,
        10,
        Duration.ofMillis(100),
        Duration.ofSeconds(10));
  }

  public ApplyRequest resuming(boolean resuming) {
    return new ApplyRequest(
        runId,
        resuming,
        maxWcu,
        checkpoints,
        failureFile,
        chunkItems,
        retries,
        minBackoff,
        maxBackoff,
        worker);
  }

  public ApplyRequest withMaxWcu(double units) {
    return new ApplyRequest(
        runId,
        resume,
        units,
        checkpoints,
        failureFile,
        chunkItems,
        retries,
        minBackoff,
        maxBackoff,
        worker);
  }

  public ApplyRequest withChunkItems(int items) {
    return new ApplyRequest(
        runId,
        resume,
        maxWcu,
        checkpoints,
        failureFile,
        items,
        retries,
        minBackoff,
        maxBackoff,
        worker);
  }

  public ApplyRequest withRetries(int count, Duration max) {
    return new ApplyRequest(
        runId,
        resume,
        maxWcu,
        checkpoints,
        failureFile,
        chunkItems,
        count,
        minBackoff,
        max,
        worker);
  }

  /** The same request for another run id and failure file (one table of several). */
  public ApplyRequest forRun(String id, Path failures) {
    return new ApplyRequest(
        id,
        resume,
        maxWcu,
        checkpoints,
        failures,
        chunkItems,
        retries,
        minBackoff,
        maxBackoff,
        worker);
  }

  /** The same request for one worker's share of the chunks. */
  public ApplyRequest withWorker(Worker share) {
    return new ApplyRequest(
        runId,
        resume,
        maxWcu,
        checkpoints,
        failureFile,
        chunkItems,
        retries,
        minBackoff,
        maxBackoff,
        share);
  }
}
