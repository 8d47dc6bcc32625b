package pitr.copy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import pitr.PitrException;
import pitr.dynamo.AdaptiveRateLimiter;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.ItemSizes;
import pitr.dynamo.Retries;
import pitr.dynamo.Throttling;
import reactor.core.publisher.Mono;
import reactor.util.retry.RetryBackoffSpec;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Writes single items under a condition, for writes that must not clobber anything written since
 * they were planned (a rollback's). Each write takes its estimated write units from the adaptive
 * rate limiter and settles them with the capacity DynamoDB reports; throttling and server errors
 * are retried with the shared {@link Throttling} backoff, each throttle slowing the limiter down.
 *
 * <p>A refused condition is not retried. The item is read again, strongly consistent: when it
 * already is what the write would make it (the image, or absent for a delete) the write counts as
 * {@link Status#ALREADY_APPLIED}, so rerunning the same writes is idempotent; otherwise it is
 * {@link Status#CHANGED} and left alone. A write that still fails after the retry budget is
 * appended to the failure file in the format {@code pitr copy-back --replay} reads, and counted;
 * nothing is dropped. Failures that are the caller's to fix (a missing table, denied access, no
 * credentials) are not filed: they fail the write, so the caller stops. Thread-safe.
 */
public final class ConditionalWriter implements AutoCloseable {
  /** What became of one write. */
  public enum Status {
    /** Written now. */
    WRITTEN,
    /** Not written because the item already was what the write would make it. */
    ALREADY_APPLIED,
    /** Refused: the item no longer met the condition and is not what the write would make it. */
    CHANGED,
    /** Still failing after the retry budget; the write is in the failure file. */
    FAILED
  }

  /**
   * The outcome of one write.
   *
   * @param status what happened
   * @param units write units DynamoDB reported as consumed
   * @param error why it failed, for {@link Status#FAILED}; else null
   */
  public record Outcome(Status status, double units, String error) {}

  /**
   * A condition expression with its placeholders.
   *
   * @param expression e.g. {@code #a0 = :v0 AND #a1 = :v1}
   * @param names attribute name placeholders
   * @param values attribute value placeholders; may be empty
   */
  public record Condition(
      String expression, Map<String, String> names, Map<String, AttributeValue> values) {}

  private final DynamoDbGateway gateway;
  private final String table;
  private final AdaptiveRateLimiter limiter;
  private final RetryBackoffSpec retry;
  private final FailureFile failures;
  private final AtomicLong failed = new AtomicLong();

  private ConditionalWriter(
      DynamoDbGateway gateway,
      String table,
      AdaptiveRateLimiter limiter,
      RetryBackoffSpec retry,
      Path failureFile) {
    this.gateway = gateway;
    this.table = table;
    this.limiter = limiter;
    this.retry = retry;
    this.failures = new FailureFile(failureFile);
  }

  /**
   * A writer to {@code table} paced by {@code limiter}, retrying with {@code retry} (build it with
   * {@link Throttling#retry}), filing what fails in {@code failureFile} (created on the first
   * failure, appended to).
   */
  public static ConditionalWriter create(
      DynamoDbGateway gateway,
      String table,
      AdaptiveRateLimiter limiter,
      RetryBackoffSpec retry,
      Path failureFile) {
    return new ConditionalWriter(gateway, table, limiter, retry, failureFile);
  }

  /** Writes that went to the failure file so far. */
  public long failed() {
    return failed.get();
  }

  /** The failure file. */
  public Path failureFile() {
    return failures.path();
  }

  /** Puts {@code item} (whose key is {@code key}) if {@code condition} holds. */
  public Mono<Outcome> put(
      Map<String, AttributeValue> item, Map<String, AttributeValue> key, Condition condition) {
    double units = ItemSizes.writeUnits(item);
    PutItemRequest request =
        PutItemRequest.builder()
            .tableName(table)
            .item(item)
            .conditionExpression(condition.expression())
            .expressionAttributeNames(condition.names())
            .expressionAttributeValues(condition.values().isEmpty() ? null : condition.values())
            .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
            .build();
    WriteRequest asFailure =
        WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build();
    return write(
        key,
        item,
        units,
        gateway.putItem(request, Retries.NONE).map(r -> capacity(r.consumedCapacity())),
        asFailure);
  }

  /** Deletes the item with {@code key} if {@code condition} holds. */
  public Mono<Outcome> delete(Map<String, AttributeValue> key, Condition condition) {
    DeleteItemRequest request =
        DeleteItemRequest.builder()
            .tableName(table)
            .key(key)
            .conditionExpression(condition.expression())
            .expressionAttributeNames(condition.names())
            .expressionAttributeValues(condition.values().isEmpty() ? null : condition.values())
            .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
            .build();
    WriteRequest asFailure =
        WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(key).build()).build();
    return write(
        key,
        null,
        1,
        gateway.deleteItem(request, Retries.NONE).map(r -> capacity(r.consumedCapacity())),
        asFailure);
  }

  private Mono<Outcome> write(
      Map<String, AttributeValue> key,
      Map<String, AttributeValue> image,
      double units,
      Mono<Double> call,
      WriteRequest asFailure) {
    return limiter
        .acquire(units)
        .then(call)
        .doOnNext(consumed -> limiter.settle(units, consumed))
        .doOnError(Throttling::isThrottle, e -> limiter.throttled())
        .retryWhen(retry)
        .map(consumed -> new Outcome(Status.WRITTEN, consumed, null))
        .onErrorResume(
            ConditionalCheckFailedException.class, e -> reread(key, image).map(this::refused))
        .onErrorResume(
            e -> !fatal(e),
            e -> {
              String why = DynamoDbGateway.message(e);
              failures.write(table, List.of(asFailure), why);
              failed.incrementAndGet();
              return Mono.just(new Outcome(Status.FAILED, 0, why));
            });
  }

  private Outcome refused(boolean alreadyApplied) {
    return new Outcome(alreadyApplied ? Status.ALREADY_APPLIED : Status.CHANGED, 0, null);
  }

  /** Whether the item with {@code key} now is {@code image} (absent when null). */
  private Mono<Boolean> reread(Map<String, AttributeValue> key, Map<String, AttributeValue> image) {
    return gateway
        .getItem(GetItemRequest.builder().tableName(table).key(key).consistentRead(true).build())
        .map(live -> image != null && TableDiff.digest(live).equals(TableDiff.digest(image)))
        .defaultIfEmpty(image == null);
  }

  /** Failures that are the caller's to fix and would fail every other write too. */
  private static boolean fatal(Throwable e) {
    if (!(e instanceof PitrException)) {
      return false;
    }
    return !(e.getCause() instanceof AwsServiceException aws
        && aws.awsErrorDetails() != null
        && "ValidationException".equals(aws.awsErrorDetails().errorCode()));
  }

  private static double capacity(ConsumedCapacity c) {
    return c == null || c.capacityUnits() == null ? 0 : c.capacityUnits();
  }

  @Override
  public void close() throws IOException {
    failures.close();
  }
}
