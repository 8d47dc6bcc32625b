package pitr.local;

import java.time.Clock;
import java.time.Duration;

/**
 * Settings of an embedded engine.
 *
 * @param clock source of time for item history, table states and throughput buckets
 * @param region region reported in ARNs
 * @param accountId account reported in ARNs
 * @param tableActivationDelay how long a new table stays CREATING before it turns ACTIVE
 */
public record EngineConfig(
    Clock clock, String region, String accountId, Duration tableActivationDelay) {

  /** Defaults for tests and the local server: system clock, us-east-1, tables active at once. */
  public static EngineConfig defaults() {
    return new EngineConfig(Clock.systemUTC(), "us-east-1", "000000000000", Duration.ZERO);
  }

  public EngineConfig withClock(Clock newClock) {
    return new EngineConfig(newClock, region, accountId, tableActivationDelay);
  }

  public EngineConfig withTableActivationDelay(Duration delay) {
    return new EngineConfig(clock, region, accountId, delay);
  }
}
