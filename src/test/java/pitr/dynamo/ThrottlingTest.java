package pitr.dynamo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

class ThrottlingTest {
  private static DynamoDbException error(String code, int status) {
    return (DynamoDbException)
        DynamoDbException.builder()
            .statusCode(status)
            .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build())
            .build();
  }

  @Test
  void isRetryable_forThrottlingServerErrorsAndDroppedConnections() {
    assertThat(Throttling.isRetryable(ProvisionedThroughputExceededException.builder().build()))
        .isTrue();
    assertThat(Throttling.isRetryable(error("ThrottlingException", 400))).isTrue();
    assertThat(Throttling.isRetryable(error("InternalServerError", 500))).isTrue();
    assertThat(
            Throttling.isRetryable(
                SdkClientException.create("io", new IOException("Connection reset"))))
        .isTrue();
  }

  @Test
  void isRetryable_notForValidationErrors() {
    assertThat(Throttling.isRetryable(error("ValidationException", 400))).isFalse();
    assertThat(Throttling.isRetryable(new IllegalStateException("bug"))).isFalse();
  }

  @Test
  void retry_backsOffInVirtualTimeAndGivesUpWithTheLastFailure() {
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    AtomicInteger calls = new AtomicInteger();
    Mono<String> flaky =
        Mono.<String>defer(
                () -> {
                  calls.incrementAndGet();
                  return Mono.error(error("InternalServerError", 500));
                })
            .retryWhen(Throttling.retry(3, Duration.ofSeconds(1), Duration.ofSeconds(10), vts));

    StepVerifier.withVirtualTime(() -> flaky, () -> vts, Long.MAX_VALUE)
        .thenAwait(Duration.ofMinutes(1))
        .expectErrorSatisfies(
            e -> assertThat(e).isInstanceOf(DynamoDbException.class).hasMessageContaining("500"))
        .verify();
    assertThat(calls).hasValue(4);
  }

  @Test
  void retry_whenTheLargestBackoffIsBelowTheFirst_stillRetriesEveryTime() {
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    AtomicInteger calls = new AtomicInteger();
    Mono<String> flaky =
        Mono.<String>defer(
                () ->
                    calls.incrementAndGet() < 3
                        ? Mono.error(error("ProvisionedThroughputExceededException", 400))
                        : Mono.just("ok"))
            .retryWhen(Throttling.retry(3, Duration.ofMillis(100), Duration.ofMillis(10), vts));

    StepVerifier.withVirtualTime(() -> flaky, () -> vts, Long.MAX_VALUE)
        .thenAwait(Duration.ofSeconds(1))
        .expectNext("ok")
        .verifyComplete();
    assertThat(calls).hasValue(3);
  }
}
