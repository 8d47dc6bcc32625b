package pitr.dynamo;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Set;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;
import reactor.util.retry.RetryBackoffSpec;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.LimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;

/**
 * Which failures are worth retrying, and the one retry spec every pipeline uses: exponential
 * backoff with 50% jitter, filtered by {@link #isRetryable(Throwable)}.
 *
 * <p>Retryable: throttling (ProvisionedThroughputExceeded, RequestLimitExceeded,
 * ThrottlingException and friends), 5xx answers, and connection failures (reset, closed, timed
 * out). Everything else, such as a ValidationException, fails at once: repeating it cannot help.
 */
public final class Throttling {
  private static final Set<String> THROTTLING_CODES =
      Set.of(
          "ProvisionedThroughputExceededException",
          "RequestLimitExceeded",
          "ThrottlingException",
          "Throttling",
          "TooManyRequestsException",
          "TransactionInProgressException");

  private Throttling() {}

  /** True when {@code failure} is throttling, a server error or a dropped connection. */
  public static boolean isRetryable(Throwable failure) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
      if (isThrottle(t)) {
        return true;
      }
      if (t instanceof AwsServiceException aws) {
        return aws.statusCode() >= 500;
      }
      if (t instanceof IOException) {
        return true;
      }
      if (t instanceof SdkClientException client && client.retryable()) {
        return true;
      }
      if (t instanceof SdkClientException client
          && client.getMessage() != null
          && (client.getMessage().contains("Unable to execute HTTP request")
              || client.getMessage().contains("connection")
              || client.getMessage().contains("Connection"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * True when {@code failure} is a failure to connect at all: refused, unknown host, no route. Such
   * a failure is retryable mid-run, when the target has answered before, but not at first contact;
   * {@link DynamoDbGateway} tells the two apart.
   */
  public static boolean isUnreachable(Throwable failure) {
    return unreachableCause(failure) != null;
  }

  /** The connect failure in {@code failure}'s causes, or null. */
  static Throwable unreachableCause(Throwable failure) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
      if (t instanceof ConnectException
          || t instanceof UnknownHostException
          || t instanceof NoRouteToHostException) {
        return t;
      }
    }
    return null;
  }

  /** True when {@code failure} says the table or account is over its throughput. */
  public static boolean isThrottle(Throwable failure) {
    if (failure instanceof UnprocessedItemsException) {
      return true;
    }
    if (failure instanceof ProvisionedThroughputExceededException
        || failure instanceof RequestLimitExceededException
        || failure instanceof LimitExceededException) {
      return failure instanceof ProvisionedThroughputExceededException
          || failure instanceof RequestLimitExceededException;
    }
    if (failure instanceof AwsServiceException aws && aws.awsErrorDetails() != null) {
      String code = aws.awsErrorDetails().errorCode();
      return code != null && THROTTLING_CODES.contains(code);
    }
    return false;
  }

  /**
   * The shared retry spec: {@code attempts} retries, backoff from {@code min} doubling up to {@code
   * max} (at most {@code max} from the start), 50% jitter, only for {@link #isRetryable(Throwable)}
   * failures, timed on {@code scheduler}. When the budget runs out the last failure itself is
   * propagated, not a wrapper.
   */
  public static RetryBackoffSpec retry(
      long attempts, Duration min, Duration max, Scheduler scheduler) {
    // A first backoff above the largest one would make every retry fail in the jitter.
    Duration first = min.compareTo(max) > 0 ? max : min;
    return Retry.backoff(attempts, first)
        .maxBackoff(max)
        .jitter(0.5)
        .filter(Throttling::isRetryable)
        .scheduler(scheduler)
        .onRetryExhaustedThrow((spec, signal) -> signal.failure());
  }

  /** The default spec: 8 retries from 50 ms to 5 s on the parallel scheduler. */
  public static RetryBackoffSpec retry() {
    return retry(8, Duration.ofMillis(50), Duration.ofSeconds(5), Schedulers.parallel());
  }
}
