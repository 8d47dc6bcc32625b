package pitr.migrate;

import java.util.List;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.AdaptiveRateLimiter;
import pitr.dynamo.BatchPacing;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.Throttling;
import pitr.dynamo.UnprocessedItemsException;
import reactor.core.publisher.Mono;
import reactor.util.retry.RetryBackoffSpec;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Writes one BatchWriteItem of at most 25 requests until every request is written, through the
 * gateway's paced {@link DynamoDbGateway#batchWriteUntilDone(String, List, RetryBackoffSpec,
 * BatchPacing) batchWriteUntilDone}: units are taken from the rate limiter first and settled with
 * the capacity DynamoDB reports; unprocessed items and throttled calls are resubmitted with the
 * gateway's shared backoff, and each throttle slows the limiter. What is still unwritten after the
 * retry budget fails the call, naming the table; nothing is dropped silently.
 */
final class BatchWrites {
  private BatchWrites() {}

  /**
   * Writes {@code requests} (at most 25, no two for one key) to {@code table}.
   *
   * @return the write capacity consumed
   */
  static Mono<Double> write(
      DynamoDbGateway db, String table, List<WriteRequest> requests, AdaptiveRateLimiter limiter) {
    return db.batchWriteUntilDone(table, requests, db.retrySpec(), new Pacing(limiter))
        .flatMap(
            r -> {
              if (r.complete()) {
                return Mono.just(r.consumedUnits());
              }
              if (r.failure() instanceof UnprocessedItemsException e) {
                return Mono.error(
                    new PitrException(
                        ErrorCode.FAILED,
                        r.unwritten().size()
                            + " items to table "
                            + table
                            + " stayed unprocessed after every retry; the table is throttled,"
                            + " lower --max-wcu and rerun",
                        e));
              }
              return Mono.error(r.failure());
            });
  }

  /** One unit a request is reserved, settled with the consumed capacity; throttles slow down. */
  private record Pacing(AdaptiveRateLimiter limiter) implements BatchPacing {
    @Override
    public Mono<Double> reserve(List<WriteRequest> pending) {
      double estimated = pending.size();
      return limiter.acquire(estimated).thenReturn(estimated);
    }

    @Override
    public void settle(int sent, int left, double estimated, double consumed) {
      limiter.settle(estimated * (sent - left) / sent, consumed);
    }

    @Override
    public void failed(Throwable failure) {
      if (Throttling.isThrottle(failure)) {
        limiter.throttled();
      }
    }
  }
}
