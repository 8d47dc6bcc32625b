package pitr.batch;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import pitr.ErrorCode;
import pitr.PitrException;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/** Wraps one SDK call of Batch, Scheduler or CloudWatch Logs, its errors mapped once. */
final class AwsCalls {
  private AwsCalls() {}

  static <T> Mono<T> call(String operation, Supplier<CompletableFuture<T>> call) {
    return Mono.fromFuture(call)
        .onErrorMap(e -> !(e instanceof PitrException), e -> map(operation, e));
  }

  static PitrException map(String operation, Throwable error) {
    Throwable e =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    String detail;
    if (e instanceof AwsServiceException s && s.awsErrorDetails() != null) {
      detail =
          s.awsErrorDetails().errorCode()
              + ": "
              + (s.awsErrorDetails().errorMessage() == null
                  ? s.getMessage()
                  : s.awsErrorDetails().errorMessage());
    } else if (e instanceof SdkException) {
      detail = e.getMessage();
    } else {
      detail = e.toString();
    }
    return new PitrException(
        ErrorCode.FAILED,
        operation
            + " failed ("
            + detail
            + "); check the region, the credentials and their IAM permissions (deploy/iam/), then"
            + " rerun",
        e);
  }
}
