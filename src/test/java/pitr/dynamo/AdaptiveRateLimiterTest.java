package pitr.dynamo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class AdaptiveRateLimiterTest {
  private final VirtualTimeScheduler vts = VirtualTimeScheduler.create();

  @Test
  void acquire_atTheCap_lets100UnitsPerSecondThrough() {
    AdaptiveRateLimiter limiter = AdaptiveRateLimiter.create(100, vts);
    // 40 requests of 25 units = 1000 units: 10 s at 100 units/s, less the initial 10-unit burst.
    StepVerifier.withVirtualTime(
            () -> Flux.range(0, 40).concatMap(i -> limiter.acquire(25).thenReturn(i)).count(),
            () -> vts,
            1)
        .thenAwait(Duration.ofMillis(9800))
        .expectNoEvent(Duration.ofMillis(1))
        .thenAwait(Duration.ofMillis(200))
        .expectNext(40L)
        .verifyComplete();
  }

  @Test
  void throttled_halvesTheRateOncePerCooldown() {
    AdaptiveRateLimiter limiter = AdaptiveRateLimiter.create(1000, vts);
    limiter.throttled();
    limiter.throttled();
    assertThat(limiter.rate()).isEqualTo(500);
    vts.advanceTimeBy(Duration.ofSeconds(1));
    limiter.throttled();
    assertThat(limiter.rate()).isEqualTo(250);
  }

  @Test
  void rate_climbsBackAdditivelyToTheCapAfterThrottling() {
    AdaptiveRateLimiter limiter = AdaptiveRateLimiter.create(1000, vts);
    limiter.throttled();
    vts.advanceTimeBy(Duration.ofSeconds(1));
    assertThat(limiter.rate()).isEqualTo(500);
    vts.advanceTimeBy(Duration.ofSeconds(4));
    // A twentieth of the cap per second: 4 s adds 200.
    assertThat(limiter.rate()).isEqualTo(700);
    vts.advanceTimeBy(Duration.ofSeconds(60));
    assertThat(limiter.rate()).isEqualTo(1000);
  }

  @Test
  void settle_chargesTheDifferenceBetweenConsumedAndEstimatedUnits() {
    AdaptiveRateLimiter limiter = AdaptiveRateLimiter.create(100, vts);
    StepVerifier.withVirtualTime(
            () -> {
              limiter.settle(10, 110);
              return limiter.acquire(10);
            },
            () -> vts,
            1)
        // 10 burst - 100 extra - 10 = -100 units: one second at 100 units/s.
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(999))
        .thenAwait(Duration.ofMillis(1))
        .verifyComplete();
  }

  @Test
  void withoutCap_passesEverythingUntilThrottledThenLimitsAtHalfTheMeasuredRate() {
    AdaptiveRateLimiter limiter = AdaptiveRateLimiter.create(0, vts);
    for (int s = 0; s < 2; s++) {
      for (int i = 0; i < 10; i++) {
        StepVerifier.create(limiter.acquire(100)).verifyComplete();
      }
      vts.advanceTimeBy(Duration.ofSeconds(1));
    }
    limiter.acquire(100).subscribe();
    limiter.throttled();
    assertThat(limiter.rate()).isEqualTo(500);
  }

  @Test
  void withoutCap_settledConsumptionCorrectsRoughEstimates_soTheFirstLimitIsHalfTheRealRate() {
    AdaptiveRateLimiter limiter = AdaptiveRateLimiter.create(0, vts);
    assertThat(limiter.limited()).isFalse();
    for (int s = 0; s < 2; s++) {
      for (int i = 0; i < 10; i++) {
        // A batch acquired as 25 units (one per item) that DynamoDB says cost 100.
        StepVerifier.create(limiter.acquire(25)).verifyComplete();
        limiter.settle(25, 100);
      }
      vts.advanceTimeBy(Duration.ofSeconds(1));
    }
    limiter.acquire(25).subscribe();
    limiter.throttled();
    assertThat(limiter.limited()).isTrue();
    assertThat(limiter.rate()).isEqualTo(500);
  }
}
