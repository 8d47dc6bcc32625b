package pitr.copy;

import java.util.List;
import java.util.concurrent.TimeUnit;
import pitr.dynamo.AdaptiveRateLimiter;
import pitr.dynamo.BatchPacing;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.ItemSizes;
import pitr.dynamo.Throttling;
import pitr.dynamo.UnprocessedItemsException;
import pitr.metrics.CopyMeters;
import pitr.metrics.Meter;
import reactor.core.publisher.Mono;
import reactor.util.retry.RetryBackoffSpec;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Writes one batch of at most 25 requests to a table until every request is written, through the
 * gateway's paced {@link DynamoDbGateway#batchWriteUntilDone(String, List, RetryBackoffSpec,
 * BatchPacing) batchWriteUntilDone}: each attempt takes the estimated write units from the rate
 * limiter and settles them with the consumed capacity DynamoDB reports; UnprocessedItems (and
 * throttled or failed calls) are resubmitted with the request's backoff, each throttle telling the
 * limiter. What is still unwritten after the retry budget, or refused, goes to the failure file;
 * nothing is dropped.
 */
final class BatchWriter {
  /** What became of one batch. */
  record Outcome(int written, int failed, double units) {
    static final Outcome NONE = new Outcome(0, 0, 0);

    Outcome plus(Outcome o) {
      return new Outcome(written + o.written, failed + o.failed, units + o.units);
    }
  }

  private final DynamoDbGateway gateway;
  private final String table;
  private final AdaptiveRateLimiter limiter;
  private final RetryBackoffSpec retry;
  private final FailureFile failures;
  private final CopyMeters meters;
  private final BatchPacing pacing = new Pacing();

  BatchWriter(
      DynamoDbGateway gateway,
      String table,
      AdaptiveRateLimiter limiter,
      RetryBackoffSpec retry,
      FailureFile failures,
      CopyMeters meters) {
    this.gateway = gateway;
    this.table = table;
    this.limiter = limiter;
    this.retry = retry;
    this.failures = failures;
    this.meters = meters;
  }

  static double estimate(List<WriteRequest> requests) {
    double units = 0;
    for (WriteRequest w : requests) {
      units += w.putRequest() != null ? ItemSizes.writeUnits(w.putRequest().item()) : 1;
    }
    return units;
  }

  Mono<Outcome> write(List<WriteRequest> batch) {
    long start = gateway.scheduler().now(TimeUnit.NANOSECONDS);
    return gateway
        .batchWriteUntilDone(
            table, batch, retry.doBeforeRetry(s -> meters.add(Meter.RETRIES, 1)), pacing)
        .map(
            r -> {
              if (r.complete()) {
                return new Outcome(r.written(), 0, r.consumedUnits());
              }
              String reason =
                  r.failure() instanceof UnprocessedItemsException
                      ? "still unprocessed after the retry budget"
                      : DynamoDbGateway.message(r.failure());
              failures.write(table, r.unwritten(), reason);
              meters.add(Meter.ITEMS_FAILED, r.unwritten().size());
              return new Outcome(r.written(), r.unwritten().size(), r.consumedUnits());
            })
        .doOnNext(
            o ->
                meters.batchLatency(
                    java.time.Duration.ofNanos(
                        gateway.scheduler().now(TimeUnit.NANOSECONDS) - start)));
  }

  /**
   * Each attempt takes its estimated units from the limiter and settles them with the consumed
   * capacity; each throttle slows the limiter down.
   */
  private final class Pacing implements BatchPacing {
    @Override
    public Mono<Double> reserve(List<WriteRequest> pending) {
      // Sizing every item costs as much as the engine's write; an unpaced limiter only needs a
      // figure that the consumed capacity then corrects.
      double estimated = limiter.limited() ? estimate(pending) : pending.size();
      return limiter.acquire(estimated).thenReturn(estimated);
    }

    @Override
    public void settle(int sent, int left, double estimated, double consumed) {
      meters.add(Meter.WCU_CONSUMED, consumed);
      limiter.settle(
          consumed > 0 ? estimated * (sent - left) / sent : estimated,
          consumed > 0 ? consumed : estimated);
      if (left > 0) {
        meters.add(Meter.UNPROCESSED_ITEMS, left);
      }
    }

    @Override
    public void failed(Throwable e) {
      if (Throttling.isThrottle(e)) {
        limiter.throttled();
        if (!(e instanceof UnprocessedItemsException)) {
          meters.add(Meter.THROTTLED_REQUESTS, 1);
        }
      }
    }
  }
}
