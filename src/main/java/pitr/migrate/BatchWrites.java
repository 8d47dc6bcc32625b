package pitr.migrate;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.AdaptiveRateLimiter;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.Throttling;
import pitr.dynamo.UnprocessedItemsException;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Writes one BatchWriteItem of at most 25 requests until every request is written: units are taken
 * from the rate limiter first and settled with the capacity DynamoDB reports; unprocessed items and
 * throttled calls are resubmitted with the gateway's shared backoff, and each throttle halves the
 * limiter. What is still unwritten after the retry budget fails the call, naming the table; nothing
 * is dropped silently.
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
    AtomicReference<List<WriteRequest>> pending = new AtomicReference<>(requests);
    double[] consumed = {0};
    return Mono.defer(
            () -> {
              List<WriteRequest> now = pending.get();
              double estimated = now.size();
              return limiter
                  .acquire(estimated)
                  .then(db.batchWriteOnce(request(table, now)))
                  .doOnNext(r -> settle(r, table, now, estimated, pending, consumed, limiter));
            })
        .doOnError(
            e -> {
              if (Throttling.isThrottle(e)) {
                limiter.throttled();
              }
            })
        .retryWhen(db.retrySpec())
        .onErrorMap(
            UnprocessedItemsException.class,
            e ->
                new PitrException(
                    ErrorCode.FAILED,
                    pending.get().size()
                        + " items to table "
                        + table
                        + " stayed unprocessed after every retry; the table is throttled, lower"
                        + " --max-wcu and rerun",
                    e))
        .then(Mono.fromSupplier(() -> consumed[0]));
  }

  private static BatchWriteItemRequest request(String table, List<WriteRequest> requests) {
    return BatchWriteItemRequest.builder()
        .requestItems(Map.of(table, requests))
        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
        .build();
  }

  private static void settle(
      BatchWriteItemResponse r,
      String table,
      List<WriteRequest> sent,
      double estimated,
      AtomicReference<List<WriteRequest>> pending,
      double[] consumed,
      AdaptiveRateLimiter limiter) {
    double units = 0;
    if (r.hasConsumedCapacity()) {
      for (ConsumedCapacity c : r.consumedCapacity()) {
        units += c.capacityUnits() == null ? 0 : c.capacityUnits();
      }
    }
    consumed[0] += units;
    List<WriteRequest> left =
        r.hasUnprocessedItems() ? r.unprocessedItems().getOrDefault(table, List.of()) : List.of();
    limiter.settle(estimated * (sent.size() - left.size()) / sent.size(), units);
    pending.set(left);
    if (!left.isEmpty()) {
      throw new UnprocessedItemsException(left.size(), table);
    }
  }
}
