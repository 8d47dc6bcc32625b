package pitr.local;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A UTC clock that is moved forward by hand: from a fixed start (benchmarks and tests, where time
 * must not pass on its own) or following another clock (drills, where it runs and also jumps).
 * Thread-safe.
 */
public final class AdjustableClock extends Clock {
  private final Clock base;
  private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

  private AdjustableClock(Clock base) {
    this.base = base;
  }

  /** A clock standing at {@code start} until advanced. */
  public static AdjustableClock startingAt(Instant start) {
    return new AdjustableClock(Clock.fixed(start, ZoneOffset.UTC));
  }

  /** A clock that runs with {@code base}, plus every advance so far. */
  public static AdjustableClock following(Clock base) {
    return new AdjustableClock(base);
  }

  /** Moves the clock forward by {@code by}. */
  public void advance(Duration by) {
    offset.accumulateAndGet(by, Duration::plus);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return base.instant().plus(offset.get());
  }
}
