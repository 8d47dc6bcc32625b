package pitr.dynamo;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * A token bucket in capacity units per second (WCU or RCU) whose rate adapts AIMD-style to what
 * DynamoDB accepts: it halves on throttling or unprocessed items (at most once per cooldown), and
 * climbs back additively, a twentieth of the cap per second, up to the cap.
 *
 * <p>Callers {@link #acquire(double) acquire} the units they expect a request to cost (from item
 * sizes) and later {@link #settle(double, double) settle} with the units DynamoDB reported as
 * consumed, so the long-run rate follows real consumption. Without a cap the limiter lets
 * everything through until the first throttle, then limits at half the rate it had measured.
 *
 * <p>All time comes from the injected {@link Scheduler} ({@code now} and delays), so tests run it
 * in virtual time. Thread-safe.
 */
public final class AdaptiveRateLimiter {
  private static final double BURST_SECONDS = 0.1;
  private static final Duration COOLDOWN = Duration.ofSeconds(1);

  private final Scheduler scheduler;
  private final double cap;
  private final double floor;
  private double rate;
  private double step;
  private double tokens;
  private long lastRefillNanos;
  private long lastDecreaseNanos = Long.MIN_VALUE / 2;
  private long windowStartNanos;
  private double windowUnits;
  private double measured;
  private boolean limited;

  private AdaptiveRateLimiter(double cap, Scheduler scheduler) {
    this.scheduler = scheduler;
    this.cap = cap > 0 ? cap : Double.POSITIVE_INFINITY;
    this.limited = cap > 0;
    this.rate = limited ? cap : Double.POSITIVE_INFINITY;
    this.floor = limited ? Math.max(1, cap / 100) : 1;
    this.step = limited ? cap / 20 : 0;
    long now = now();
    this.lastRefillNanos = now;
    this.windowStartNanos = now;
    this.tokens = limited ? burst() : 0;
  }

  /**
   * A limiter capped at {@code unitsPerSecond}; 0 or less means no cap (adaptive only), timed on
   * {@code scheduler}.
   */
  public static AdaptiveRateLimiter create(double unitsPerSecond, Scheduler scheduler) {
    return new AdaptiveRateLimiter(unitsPerSecond, scheduler);
  }

  private long now() {
    return scheduler.now(TimeUnit.NANOSECONDS);
  }

  private double burst() {
    return Math.max(rate * BURST_SECONDS, 1);
  }

  /**
   * Takes {@code units} from the bucket, completing at once when they are there and after the wait
   * that pays for them otherwise. Reservations are first come, first served.
   */
  public Mono<Void> acquire(double units) {
    long waitNanos;
    synchronized (this) {
      long now = now();
      observe(now, units);
      if (!limited) {
        return Mono.empty();
      }
      refill(now);
      tokens -= units;
      waitNanos = tokens >= 0 ? 0 : (long) (-tokens / rate * 1e9);
    }
    return waitNanos <= 0
        ? Mono.empty()
        : Mono.delay(Duration.ofNanos(waitNanos), scheduler).then();
  }

  /**
   * Corrects the bucket once DynamoDB has said what a request really cost: the difference between
   * {@code actual} and the {@code estimated} units acquired is taken (or given back).
   */
  public synchronized void settle(double estimated, double actual) {
    if (actual <= 0) {
      return;
    }
    if (!limited) {
      // Unlimited, callers may acquire a rough figure; what DynamoDB reports keeps the measured
      // rate (the base of the first decrease) true.
      windowUnits += actual - estimated;
      return;
    }
    tokens -= actual - estimated;
    tokens = Math.min(tokens, burst());
  }

  /** DynamoDB throttled a request or left items unprocessed: halve the rate (once per cooldown). */
  public synchronized void throttled() {
    long now = now();
    if (now - lastDecreaseNanos < COOLDOWN.toNanos()) {
      return;
    }
    refill(now);
    lastDecreaseNanos = now;
    if (!limited) {
      double base = measured > 0 ? measured : windowRate(now);
      limited = true;
      rate = Math.max(floor, base / 2);
      step = Math.max(1, base / 20);
      tokens = 0;
      return;
    }
    rate = Math.max(floor, rate / 2);
    tokens = Math.min(tokens, burst());
  }

  /** The rate in units per second now; infinite when not limited. */
  public synchronized double rate() {
    refill(now());
    return rate;
  }

  /**
   * True once the limiter paces requests: from the start with a cap, else from the first throttle.
   * Until then {@link #acquire} passes everything, so callers may acquire a cheap estimate and
   * {@link #settle} with what DynamoDB reported.
   */
  public synchronized boolean limited() {
    return limited;
  }

  /** The cap in units per second; infinite when none was set. */
  public double cap() {
    return cap;
  }

  private void refill(long now) {
    double seconds = (now - lastRefillNanos) / 1e9;
    if (seconds <= 0) {
      return;
    }
    lastRefillNanos = now;
    if (!limited) {
      return;
    }
    // Climb back only once the cooldown after the last decrease is over.
    long climbFrom = Math.max(now - (long) (seconds * 1e9), lastDecreaseNanos + COOLDOWN.toNanos());
    if (now > climbFrom && rate < cap) {
      rate = Math.min(cap, rate + step * (now - climbFrom) / 1e9);
    }
    tokens = Math.min(burst(), tokens + rate * seconds);
  }

  private void observe(long now, double units) {
    windowUnits += units;
    double seconds = (now - windowStartNanos) / 1e9;
    if (seconds >= 1) {
      measured = windowUnits / seconds;
      windowUnits = 0;
      windowStartNanos = now;
    }
  }

  private double windowRate(long now) {
    double seconds = Math.max(1e-3, (now - windowStartNanos) / 1e9);
    return windowUnits / seconds;
  }
}
