package pitr.dynamo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
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
  void capped_admitsTheCapInTheFirstSecondAlready() {
    AdaptiveRateLimiter limiter = AdaptiveRateLimiter.create(2000, vts);
    Target target = new Target(limiter, 0, 1);
    target.run(16, Duration.ofSeconds(3));
    // The first second: the cap and a tenth of a second of burst, less the 20 ms the last
    // requests are still on their way.
    assertThat(target.unitsIn(0, 1)).isCloseTo(2000, within(2000 * 0.1));
    assertThat(target.unitsIn(1, 2)).isCloseTo(2000, within(2000 * 0.05));
  }

  @Test
  void capped_holdsTheCapWithin5PercentOverEveryFiveSecondWindow_theFirstIncluded() {
    AdaptiveRateLimiter limiter = AdaptiveRateLimiter.create(2000, vts);
    Target target = new Target(limiter, 0, 1);
    target.run(16, Duration.ofSeconds(30));
    for (int from = 0; from < 30; from += 5) {
      assertThat(target.unitsIn(from, from + 5) / 5)
          .as("WCU/s in [%d s, %d s)", from, from + 5)
          .isCloseTo(2000, within(2000 * 0.05));
    }
  }

  @Test
  void create_withASmallerProvisionedCapacity_startsAtTheTableCapacity() {
    AdaptiveRateLimiter limiter = AdaptiveRateLimiter.create(2000, 500, vts);
    assertThat(limiter.limited()).isTrue();
    assertThat(limiter.rate()).isEqualTo(500);
    assertThat(AdaptiveRateLimiter.create(0, 800, vts).rate()).isEqualTo(800);
    assertThat(AdaptiveRateLimiter.create(300, 800, vts).rate()).isEqualTo(300);
    assertThat(AdaptiveRateLimiter.create(0, 0, vts).limited()).isFalse();
  }

  @Test
  void throttled_aBurstOfThrottlesInOneSecond_isOneDecreaseOfTheAttemptedRate() {
    AdaptiveRateLimiter limiter = AdaptiveRateLimiter.create(1000, vts);
    for (int i = 0; i < 50; i++) {
      limiter.throttled();
      vts.advanceTimeBy(Duration.ofMillis(10));
    }
    // 0.7 of 1000, then half a second of the climb (350/s).
    assertThat(limiter.rate()).isCloseTo(700 + 350 * 0.5, within(1e-6));
    vts.advanceTimeBy(Duration.ofMillis(500));
    limiter.throttled();
    assertThat(limiter.rate()).isCloseTo(0.7 * 1000, within(1e-6));
  }

  @Test
  void throttled_whileCallersAskLessThanTheCap_decreasesFromWhatTheyAsk() {
    AdaptiveRateLimiter limiter = AdaptiveRateLimiter.create(10_000, vts);
    // 20 requests of 25 units over a second: 500 units/s attempted, far below the cap.
    for (int i = 0; i < 20; i++) {
      limiter.acquire(25).subscribe();
      limiter.settle(25, 25);
      vts.advanceTimeBy(Duration.ofMillis(50));
    }
    limiter.throttled();
    assertThat(limiter.rate()).isCloseTo(0.7 * 500, within(0.7 * 500 * 0.1));
  }

  @Test
  void rate_afterThrottlingStops_climbsBackToTheCapWithinTwoSeconds() {
    AdaptiveRateLimiter limiter = AdaptiveRateLimiter.create(1000, vts);
    limiter.throttled();
    assertThat(limiter.rate()).isEqualTo(700);
    vts.advanceTimeBy(Duration.ofMillis(400));
    assertThat(limiter.rate()).isCloseTo(700 + 350 * 0.4, within(1e-6));
    vts.advanceTimeBy(Duration.ofMillis(1600));
    assertThat(limiter.rate()).isEqualTo(1000);
  }

  @Test
  void rate_afterFiveSecondsOfTenPercentThrottling_isBackAtTheCapWithinTwoSeconds() {
    AdaptiveRateLimiter limiter = AdaptiveRateLimiter.create(1000, vts);
    Target target = new Target(limiter, 0.1, 3);
    target.run(16, Duration.ofSeconds(5));
    target.throttleRate = 0;
    target.run(16, Duration.ofSeconds(2));
    assertThat(limiter.rate()).isEqualTo(1000);
  }

  @Test
  void capped_aboveWhatTheTableTakes_backsOffToAboutTheTableCapacity() {
    AdaptiveRateLimiter limiter = AdaptiveRateLimiter.create(2000, vts);
    Target target = new Target(limiter, 0, 5);
    target.capacity = 1000;
    target.run(16, Duration.ofSeconds(30));
    assertThat(target.unitsIn(10, 30) / 20).isCloseTo(1000, within(1000 * 0.1));
    // A sawtooth around the capacity, not the cap: at most one throttled attempt for every two
    // requests written (at the cap, with nothing to back off, it would be one for one).
    assertThat(target.throttled / (target.unitsIn(0, 30) / 25))
        .as("throttled attempts per request written")
        .isLessThan(0.5);
  }

  @Test
  void capped_underTenPercentThrottling_keepsMostOfTheCap() {
    AdaptiveRateLimiter limiter = AdaptiveRateLimiter.create(2000, vts);
    Target target = new Target(limiter, 0.1, 7);
    target.run(16, Duration.ofSeconds(30));
    // One decrease a second, each made good within the second: a sawtooth between 0.7 and 1.
    // Throttled attempts take their units too.
    assertThat(target.unitsIn(0, 30) / 30).isGreaterThan(0.7 * 2000);
    assertThat(limiter.rate()).isGreaterThan(0.6 * 2000);
  }

  @Test
  void uncapped_passesEverythingUntilThrottled_thenLimitsAtTheAttemptedRateNotAFloor() {
    AdaptiveRateLimiter limiter = AdaptiveRateLimiter.create(0, vts);
    Target target = new Target(limiter, 0, 1);
    // 16 requests of 25 units in flight, 20 ms each: 20,000 units/s, from the first request.
    target.run(16, Duration.ofMillis(300));
    assertThat(limiter.limited()).isFalse();
    assertThat(target.unitsIn(0, 0.3) / 0.3).isCloseTo(20_000, within(20_000 * 0.1));
    limiter.throttled();
    assertThat(limiter.limited()).isTrue();
    assertThat(limiter.rate()).isCloseTo(0.7 * 20_000, within(0.7 * 20_000 * 0.1));
  }

  @Test
  void uncapped_underTenPercentThrottling_keepsMostOfTheUnthrottledRate() {
    AdaptiveRateLimiter limiter = AdaptiveRateLimiter.create(0, vts);
    Target target = new Target(limiter, 0.1, 11);
    target.run(16, Duration.ofSeconds(30));
    // Unthrottled: 20,000 units/s. Throttled requests also take their 20 ms and 10 ms of backoff.
    double rate = target.unitsIn(0, 30) / 30;
    assertThat(rate).isGreaterThan(0.5 * 20_000);
    assertThat(target.unitsIn(25, 30) / 5).isGreaterThan(0.5 * 20_000);
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
  void uncapped_settledConsumptionCorrectsRoughEstimates_soTheFirstLimitFollowsTheRealRate() {
    AdaptiveRateLimiter limiter = AdaptiveRateLimiter.create(0, vts);
    assertThat(limiter.limited()).isFalse();
    for (int s = 0; s < 2; s++) {
      for (int i = 0; i < 10; i++) {
        // A batch acquired as 25 units (one per item) that DynamoDB says cost 100.
        StepVerifier.create(limiter.acquire(25)).verifyComplete();
        limiter.settle(25, 100);
        vts.advanceTimeBy(Duration.ofMillis(100));
      }
    }
    limiter.throttled();
    assertThat(limiter.limited()).isTrue();
    assertThat(limiter.rate()).isCloseTo(0.7 * 1000, within(1e-6));
  }

  /**
   * A simulated table in virtual time: requests of 25 units answered after 20 ms, a share of them
   * throttled (the caller backs off 10 ms and sends again), each answer settled with the limiter.
   * Counts the units written per tenth of a second.
   */
  private final class Target {
    private final AdaptiveRateLimiter limiter;
    private final Random random;
    private final double[] tenths = new double[10 * 3600];
    double throttleRate;
    double capacity;
    double throttled;
    private double tableTokens;
    private long tableRefill;

    Target(AdaptiveRateLimiter limiter, double throttleRate, long seed) {
      this.limiter = limiter;
      this.throttleRate = throttleRate;
      this.random = new Random(seed);
    }

    /** Runs {@code workers} callers in a loop for {@code time} of virtual time. */
    void run(int workers, Duration time) {
      long end = vts.now(TimeUnit.NANOSECONDS) + time.toNanos();
      Flux.range(0, workers)
          .flatMap(w -> Mono.defer(this::write).repeat(() -> now() < end), workers)
          .subscribe();
      vts.advanceTimeBy(time);
    }

    private long now() {
      return vts.now(TimeUnit.NANOSECONDS);
    }

    private Mono<Void> write() {
      return limiter
          .acquire(25)
          .then(Mono.delay(Duration.ofMillis(20), vts))
          .flatMap(
              t -> {
                if (random.nextDouble() < throttleRate || !tableTakes(25)) {
                  throttled++;
                  limiter.throttled();
                  return Mono.delay(Duration.ofMillis(10), vts).then(Mono.defer(this::write));
                }
                limiter.settle(25, 25);
                tenths[(int) (now() / 100_000_000L)] += 25;
                return Mono.empty();
              })
          .then();
    }

    /** A table of {@code capacity} units per second, a tenth of a second of burst. */
    private boolean tableTakes(double units) {
      if (capacity <= 0) {
        return true;
      }
      long now = now();
      tableTokens = Math.min(capacity / 10, tableTokens + capacity * (now - tableRefill) / 1e9);
      tableRefill = now;
      if (tableTokens < units) {
        return false;
      }
      tableTokens -= units;
      return true;
    }

    double unitsIn(double fromSecond, double toSecond) {
      double sum = 0;
      for (int i = (int) Math.round(fromSecond * 10); i < Math.round(toSecond * 10); i++) {
        sum += tenths[i];
      }
      return sum;
    }
  }
}
