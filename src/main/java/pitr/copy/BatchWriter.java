package pitr.copy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import pitr.dynamo.AdaptiveRateLimiter;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.ItemSizes;
import pitr.dynamo.Throttling;
import pitr.dynamo.UnprocessedItemsException;
import pitr.metrics.CopyMeters;
import pitr.metrics.Meter;
import reactor.core.publisher.Mono;
import reactor.util.retry.RetryBackoffSpec;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Writes one batch of at most 25 requests to a table until every request is written: it takes the
 * estimated write units from the rate limiter, settles them with the consumed capacity DynamoDB
 * reports, and resubmits UnprocessedItems (and throttled or failed calls) with the shared backoff,
 * telling the limiter about each throttle. What is still unwritten after the retry budget goes to
 * the failure file; nothing is dropped.
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
    AtomicReference<List<WriteRequest>> pending = new AtomicReference<>(batch);
    AtomicInteger written = new AtomicInteger();
    double[] units = {0};
    long start = gateway.scheduler().now(TimeUnit.NANOSECONDS);
    return Mono.defer(
            () -> {
              List<WriteRequest> now = pending.get();
              // Sizing every item costs as much as the engine's write; an unpaced limiter only
              // needs a figure that the consumed capacity then corrects.
              double estimated = limiter.limited() ? estimate(now) : now.size();
              return limiter
                  .acquire(estimated)
                  .then(gateway.batchWriteOnce(request(now)))
                  .doOnNext(r -> settle(r, now, estimated, pending, written, units));
            })
        .doOnError(
            e -> {
              if (Throttling.isThrottle(e)) {
                limiter.throttled();
                if (!(e instanceof UnprocessedItemsException)) {
                  meters.add(Meter.THROTTLED_REQUESTS, 1);
                }
              }
            })
        .retryWhen(retry.doBeforeRetry(s -> meters.add(Meter.RETRIES, 1)))
        .then(Mono.fromCallable(() -> new Outcome(written.get(), 0, units[0])))
        .onErrorResume(
            e -> {
              List<WriteRequest> left = pending.get();
              String reason =
                  e instanceof UnprocessedItemsException
                      ? "still unprocessed after the retry budget"
                      : DynamoDbGateway.message(e);
              failures.write(table, left, reason);
              meters.add(Meter.ITEMS_FAILED, left.size());
              return Mono.just(new Outcome(written.get(), left.size(), units[0]));
            })
        .doOnNext(
            o ->
                meters.batchLatency(
                    java.time.Duration.ofNanos(
                        gateway.scheduler().now(TimeUnit.NANOSECONDS) - start)));
  }

  private BatchWriteItemRequest request(List<WriteRequest> requests) {
    return BatchWriteItemRequest.builder()
        .requestItems(Map.of(table, requests))
        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
        .build();
  }

  private void settle(
      BatchWriteItemResponse r,
      List<WriteRequest> sent,
      double estimated,
      AtomicReference<List<WriteRequest>> pending,
      AtomicInteger written,
      double[] units) {
    double consumed = 0;
    if (r.hasConsumedCapacity()) {
      for (ConsumedCapacity c : r.consumedCapacity()) {
        consumed += c.capacityUnits() == null ? 0 : c.capacityUnits();
      }
    }
    List<WriteRequest> left =
        r.hasUnprocessedItems() ? r.unprocessedItems().getOrDefault(table, List.of()) : List.of();
    int done = sent.size() - left.size();
    written.addAndGet(done);
    synchronized (units) {
      units[0] += consumed;
    }
    meters.add(Meter.WCU_CONSUMED, consumed);
    limiter.settle(
        consumed > 0 ? estimated * done / sent.size() : estimated,
        consumed > 0 ? consumed : estimated);
    if (!left.isEmpty()) {
      meters.add(Meter.UNPROCESSED_ITEMS, left.size());
      pending.set(new ArrayList<>(left));
      throw new UnprocessedItemsException(left.size(), table);
    }
    pending.set(List.of());
  }
}
