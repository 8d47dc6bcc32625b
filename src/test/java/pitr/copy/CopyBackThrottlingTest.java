package pitr.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.local.Faults;

/**
 * Copy-back through the real SDK client and the engine over loopback HTTP with 10% of requests
 * throttled: the uncapped write limiter backs off from the rate it was attempting, so the copy
 * keeps a fair share of its unthrottled speed instead of falling to a trickle. Loose ratios only:
 * the figures belong to {@code pitr bench copy-back}.
 */
class CopyBackThrottlingTest {
  private static final int ITEMS = 3000;

  @TempDir Path state;
  private CopyFixture f;

  @BeforeEach
  void start() {
    f = new CopyFixture(state);
    f.local.createTable("source");
    f.local.fill("source", 0, ITEMS, "good", 100);
  }

  @AfterEach
  void stop() {
    f.local.engine.setFaults(Faults.NONE);
    f.close();
  }

  private CopyResult copy(String target) {
    f.local.createTable(target);
    CopyRequest r =
        CopyRequest.builder(target, f.failures(target))
            .tables("source", target)
            .throughput(new CopyRequest.Throughput(4, 16, 0, 0))
            .retry(new CopyRequest.Retry(20, Duration.ofMillis(1), Duration.ofMillis(20)))
            .build();
    CopyResult result = f.copyBack().run(r).block(Duration.ofMinutes(2));
    assertThat(result.itemsWritten()).isEqualTo(ITEMS);
    assertThat(result.itemsFailed()).isZero();
    assertThat(f.local.contents(target)).isEqualTo(f.local.contents("source"));
    return result;
  }

  private static double itemsPerSecond(CopyResult r) {
    return r.itemsWritten() / (r.elapsed().toNanos() / 1e9);
  }

  @Test
  void copyBack_uncappedWithTenPercentOfRequestsThrottled_keepsAFairShareOfItsUnthrottledSpeed() {
    copy("warm-up");
    double clean = itemsPerSecond(copy("clean"));
    f.local.engine.setFaults(Faults.parse("throttle=0.1,seed=16"));
    double throttled = itemsPerSecond(copy("throttled"));

    // Before the limiter backed off from the attempted rate, this was under 1% (a first throttle
    // at start-up set the rate to half of a trickle and it climbed back at a twentieth of that);
    // now 50-90% on an idle machine. The bound only separates the two on a loaded one: the rates
    // themselves are checked on virtual time (AdaptiveRateLimiterTest) and measured in the bench.
    assertThat(throttled / clean)
        .as("items/s throttled %.0f / unthrottled %.0f", throttled, clean)
        .isGreaterThan(0.05);
  }
}
