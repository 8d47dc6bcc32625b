package pitr.dynamo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import pitr.ErrorCode;
import pitr.PitrException;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.RetryBackoffSpec;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The "until done" loops of {@link DynamoDbGateway#batchWriteUntilDone} and {@link
 * DynamoDbGateway#batchGetUntilDone}: one batch call, then the UnprocessedItems or UnprocessedKeys
 * it left resubmitted with the shared retry spec, as are throttled and failed calls.
 *
 * <p>A call that makes progress (writes or reads part of what was sent) restarts the backoff and
 * the retry budget, as an AWS SDK retry does after a success: the loop stops only after the budget
 * of calls in a row that made none. That bounds it: every call with progress takes at least one of
 * at most 25 requests or 100 keys. What is left then is handed back in the result; the caller's own
 * problems (a missing table, an invalid request, denied access, an endpoint that never answered)
 * fail as {@link PitrException}s, as everywhere in the gateway.
 */
final class BatchResubmitter {
  static final int MAX_WRITES = 25;
  static final int MAX_KEYS = 100;

  private BatchResubmitter() {}

  /**
   * The write loop; {@code pacing} is told of every attempt. With {@code keepFailures} every
   * failure that ends the loop is handed back in the result ({@link BatchWriteResult#failure}) for
   * the caller to judge; without it only those {@link #givenUp} are, and the caller's own problems
   * fail.
   */
  static Mono<BatchWriteResult> write(
      String table,
      List<WriteRequest> requests,
      Function<BatchWriteItemRequest, Mono<BatchWriteItemResponse>> send,
      RetryBackoffSpec retry,
      Function<Throwable, Throwable> map,
      BatchPacing pacing,
      boolean keepFailures) {
    if (requests.size() > MAX_WRITES) {
      throw new IllegalArgumentException(
          requests.size() + " write requests for one BatchWriteItem; send at most " + MAX_WRITES);
    }
    return Mono.defer(
        () -> {
          Writes state = new Writes(requests, pacing);
          if (requests.isEmpty()) {
            return Mono.just(state.result(null));
          }
          return Flux.defer(() -> state.attempt(table, send))
              .doOnError(pacing::failed)
              .retryWhen(retry)
              .then(Mono.fromSupplier(() -> state.result(null)))
              .onErrorResume(
                  e -> keepFailures || givenUp(e, map), e -> Mono.just(state.result(unwrap(e))))
              .onErrorMap(e -> map.apply(unwrap(e)));
        });
  }

  static Mono<BatchGetResult> get(
      String table,
      KeysAndAttributes keys,
      Function<BatchGetItemRequest, Mono<BatchGetItemResponse>> send,
      RetryBackoffSpec retry,
      Function<Throwable, Throwable> map) {
    List<Map<String, AttributeValue>> all = keys.hasKeys() ? keys.keys() : List.of();
    if (all.size() > MAX_KEYS) {
      throw new IllegalArgumentException(
          all.size() + " keys for one BatchGetItem; send at most " + MAX_KEYS);
    }
    return Mono.defer(
        () -> {
          Reads state = new Reads(keys, all);
          if (all.isEmpty()) {
            return Mono.just(state.result(null));
          }
          return Flux.defer(() -> send.apply(state.request(table)).flatMapMany(state::settle))
              .retryWhen(retry.transientErrors(true))
              .then(Mono.fromSupplier(() -> state.result(null)))
              .onErrorResume(e -> givenUp(e, map), e -> Mono.just(state.result(reason(unwrap(e)))))
              .onErrorMap(e -> map.apply(unwrap(e)));
        });
  }

  /**
   * True when {@code failure} is one the loop retried until the budget ran out (throttling,
   * unprocessed items, server errors, a connection lost after the target had answered): what is
   * left is then the result. An endpoint that never answered stays an error: nothing was sent.
   */
  private static boolean givenUp(Throwable failure, Function<Throwable, Throwable> map) {
    Throwable e = unwrap(failure);
    if (!Throttling.isRetryable(e)) {
      return false;
    }
    return !(map.apply(e) instanceof PitrException p && p.code() == ErrorCode.USAGE);
  }

  private static Throwable unwrap(Throwable failure) {
    return Exceptions.isRetryExhausted(failure) && failure.getCause() != null
        ? failure.getCause()
        : failure;
  }

  private static String reason(Throwable failure) {
    String m = DynamoDbGateway.message(failure);
    String why = m == null ? failure.getClass().getSimpleName() : m;
    return Throttling.isUnreachable(failure) ? BatchGetResult.LOST_CONNECTION + why : why;
  }

  private static double units(List<ConsumedCapacity> consumed) {
    double units = 0;
    for (ConsumedCapacity c : consumed) {
      units += c.capacityUnits() == null ? 0 : c.capacityUnits();
    }
    return units;
  }

  /** The requests still to write, and the totals so far; one attempt at a time touches it. */
  private static final class Writes {
    private final BatchPacing pacing;
    private List<WriteRequest> pending;
    private int written;
    private double units;

    Writes(List<WriteRequest> requests, BatchPacing pacing) {
      this.pending = List.copyOf(requests);
      this.pacing = pacing;
    }

    /** One attempt: waits for the pacing, sends what is pending, and settles the answer. */
    Flux<Integer> attempt(
        String table, Function<BatchWriteItemRequest, Mono<BatchWriteItemResponse>> send) {
      List<WriteRequest> now = pending();
      return pacing
          .reserve(now)
          .flatMapMany(
              reserved -> send.apply(request(table, now)).flatMapMany(r -> settle(r, reserved)));
    }

    private synchronized List<WriteRequest> pending() {
      return pending;
    }

    private static BatchWriteItemRequest request(String table, List<WriteRequest> requests) {
      return BatchWriteItemRequest.builder()
          .requestItems(Map.of(table, requests))
          .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
          .build();
    }

    /** Takes one answer; emits the progress made, then fails if requests are left. */
    synchronized Flux<Integer> settle(BatchWriteItemResponse r, double reserved) {
      double consumed = r.hasConsumedCapacity() ? units(r.consumedCapacity()) : 0;
      units += consumed;
      List<WriteRequest> left = new ArrayList<>();
      if (r.hasUnprocessedItems()) {
        r.unprocessedItems().values().forEach(left::addAll);
      }
      int sent = pending.size();
      int done = sent - left.size();
      written += done;
      pending = List.copyOf(left);
      pacing.settle(sent, left.size(), reserved, consumed);
      if (left.isEmpty()) {
        return Flux.just(done);
      }
      String table = r.unprocessedItems().keySet().iterator().next();
      Flux<Integer> error = Flux.error(new UnprocessedItemsException(left.size(), table));
      // Progress restarts the backoff of a spec with transient errors; otherwise every call that
      // left items counts against the budget.
      return done > 0 ? Flux.just(done).concatWith(error) : error;
    }

    synchronized BatchWriteResult result(Throwable failure) {
      return new BatchWriteResult(written, units, pending, pending.isEmpty() ? null : failure);
    }
  }

  /** The keys still to read, and what was found so far; one attempt at a time touches it. */
  private static final class Reads {
    private final KeysAndAttributes shape;
    private final List<Map<String, AttributeValue>> found = new ArrayList<>();
    private List<Map<String, AttributeValue>> pending;
    private double units;

    Reads(KeysAndAttributes shape, List<Map<String, AttributeValue>> keys) {
      this.shape = shape;
      this.pending = List.copyOf(keys);
    }

    synchronized BatchGetItemRequest request(String table) {
      return BatchGetItemRequest.builder()
          .requestItems(Map.of(table, shape.toBuilder().keys(pending).build()))
          .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
          .build();
    }

    synchronized Flux<Integer> settle(BatchGetItemResponse r) {
      if (r.hasConsumedCapacity()) {
        units += units(r.consumedCapacity());
      }
      if (r.hasResponses()) {
        r.responses().values().forEach(found::addAll);
      }
      List<Map<String, AttributeValue>> left = new ArrayList<>();
      if (r.hasUnprocessedKeys()) {
        r.unprocessedKeys().values().forEach(k -> left.addAll(k.keys()));
      }
      int done = pending.size() - left.size();
      pending = List.copyOf(left);
      if (left.isEmpty()) {
        return Flux.just(done);
      }
      String table = r.unprocessedKeys().keySet().iterator().next();
      Flux<Integer> error = Flux.error(new UnprocessedItemsException(left.size(), table));
      return done > 0 ? Flux.just(done).concatWith(error) : error;
    }

    synchronized BatchGetResult result(String reason) {
      return new BatchGetResult(found, units, pending, pending.isEmpty() ? null : reason);
    }
  }
}
