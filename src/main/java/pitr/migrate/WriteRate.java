package pitr.migrate;

import java.time.Duration;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * A fixed write-capacity budget shared by a run's writes and its journal: each write reserves its
 * units and waits until the budget has room. Time comes from the scheduler, so tests can use
 * virtual time.
 *
 * <p>Stands in for {@code pitr.copy}'s adaptive limiter until that lands.
 */
final class WriteRate {
  private final double unitsPerSecond;
  private final Scheduler scheduler;
  private final double burstUnits;
  private long nextFreeNanos;

  /** A budget of {@code unitsPerSecond}; zero or less means unlimited. */
  WriteRate(double unitsPerSecond, Scheduler scheduler) {
    this.unitsPerSecond = unitsPerSecond;
    this.scheduler = scheduler;
    this.burstUnits = Math.max(1, unitsPerSecond / 10);
    this.nextFreeNanos = Long.MIN_VALUE;
  }

  static WriteRate unlimited(Scheduler scheduler) {
    return new WriteRate(0, scheduler);
  }

  double unitsPerSecond() {
    return unitsPerSecond;
  }

  /** Completes when {@code units} may be written. */
  Mono<Void> acquire(double units) {
    if (unitsPerSecond <= 0) {
      return Mono.empty();
    }
    long wait = reserve(units);
    return wait <= 0 ? Mono.empty() : Mono.delay(Duration.ofNanos(wait), scheduler).then();
  }

  private synchronized long reserve(double units) {
    long now = scheduler.now(java.util.concurrent.TimeUnit.NANOSECONDS);
    long burstNanos = (long) (burstUnits / unitsPerSecond * 1e9);
    long start = Math.max(nextFreeNanos == Long.MIN_VALUE ? now : nextFreeNanos, now - burstNanos);
    nextFreeNanos = start + (long) (units / unitsPerSecond * 1e9);
    return start - now;
  }
}
