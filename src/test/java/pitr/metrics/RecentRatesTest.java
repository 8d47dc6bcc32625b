package pitr.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RecentRatesTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void rates_earlyInARun_coverTheTimeSinceTheStart() {
    RecentRates r = new RecentRates(0);
    r.sample(2 * SECOND, 1000, 2000);
    assertThat(r.items()).isEqualTo(500);
    assertThat(r.units()).isEqualTo(1000);
  }

  @Test
  void rates_later_coverTheLastTenSecondsForItemsAndUnitsAlike() {
    RecentRates r = new RecentRates(0);
    // 100 items/s for 20 s, then 1,000 items/s (2 units each) for 10 s.
    for (int s = 1; s <= 20; s++) {
      r.sample(s * SECOND, 100 * s, 100 * s);
    }
    for (int s = 21; s <= 30; s++) {
      r.sample(s * SECOND, 2000 + 1000 * (s - 20), 2000 + 2000 * (s - 20));
    }
    assertThat(r.items()).isCloseTo(1000, within(1e-9));
    assertThat(r.units()).isCloseTo(2000, within(1e-9));
  }
}
