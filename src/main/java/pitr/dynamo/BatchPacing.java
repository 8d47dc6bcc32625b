package pitr.dynamo;

import java.util.List;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * What a caller of {@link DynamoDbGateway#batchWriteUntilDone(String, List,
 * reactor.util.retry.RetryBackoffSpec, BatchPacing)} does around each attempt of one batch: wait
 * for its rate limiter before the call, settle the limiter and its meters with the capacity the
 * answer reports, and hear of each throttle or failure before the retry. One attempt of a batch
 * runs at a time; attempts of different batches may run at once.
 */
public interface BatchPacing {
  /** No pacing: nothing is waited for, settled or told. */
  BatchPacing NONE =
      new BatchPacing() {
        @Override
        public Mono<Double> reserve(List<WriteRequest> pending) {
          return Mono.just(0d);
        }

        @Override
        public void settle(int sent, int left, double reserved, double consumed) {}

        @Override
        public void failed(Throwable failure) {}
      };

  /**
   * Waits until {@code pending}, the requests this attempt sends, may be sent; emits the units it
   * reserved for them, which {@link #settle} gets back.
   */
  Mono<Double> reserve(List<WriteRequest> pending);

  /**
   * Settles one answer: of {@code sent} requests, {@code left} came back unprocessed; {@code
   * reserved} units were reserved for the call and DynamoDB reports {@code consumed}.
   */
  void settle(int sent, int left, double reserved, double consumed);

  /**
   * Told of each failed attempt before it is retried or given up: a throttled call, one that left
   * items unprocessed ({@link UnprocessedItemsException}), a server error or a lost connection.
   */
  void failed(Throwable failure);
}
