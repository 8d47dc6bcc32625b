package pitr.dynamo;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * A token bucket in capacity units per second (WCU or RCU) that starts at its cap and backs off
 * only on throttling, AIMD-style on the rate being attempted. Copy-back, rollback apply and
 * migrations all pace their writes with it.
 *
 * <p><b>Capped</b>: from the first second it admits the cap (or what a provisioned table allows, if
 * less: {@link #create(double, double, Scheduler)}), with a burst of a tenth of a second. It is a
 * ceiling, not a target to creep up to.
 *
 * <p><b>Throttled</b> (a throttled call or unprocessed items, {@link #throttled}): the rate becomes
 * {@value #DECREASE} of the rate being attempted, at most once per second, so a burst of throttles
 * is one decrease. The rate being attempted is the limiter's own while it holds callers back, else
 * what callers asked for over the last second; when DynamoDB accepted less than {@value #REFUSED}
 * of that, at most {@value #ACCEPTED_MARGIN} times what it accepted, so a table past its capacity
 * brings the rate down to it. The rate then climbs back additively, each second {@value #INCREASE}
 * of the best attempted rate of late, so one decrease is made good within a second once throttling
 * stops; capped, up to the cap; uncapped, on upwards, probing for more. A share of throttled
 * requests that does not depend on the rate (a hot partition, an injected fault) thus costs a
 * sawtooth between 0.7 and 1, not a collapse.
 *
 * <p><b>Uncapped</b>: everything passes until the first throttle, which sets the rate to the
 * attempted rate measured over the last second times the decrease, never a start-up trickle.
 *
 * <p>Callers {@link #acquire(double) acquire} the units they expect a request to cost (from item
 * sizes) and later {@link #settle(double, double) settle} with the units DynamoDB reported as
 * consumed, so the long-run rate follows real consumption. Reservations are first come, first
 * served: the bucket may go negative and a caller waits for what it took.
 *
 * <p>All time comes from the injected {@link Scheduler} ({@code now} and delays), so tests run it
 * in virtual time. Thread-safe.
 */
public final class AdaptiveRateLimiter {
  private static final Logger log = LoggerFactory.getLogger(AdaptiveRateLimiter.class);

  /** The share of the attempted rate kept at a throttle. */
  public static final double DECREASE = 0.7;

  /**
   * The climb per second after a decrease, as a share of the rate attempted when it happened: one
   * decrease is made good in under a second, and one decrease per second (steady throttling that
   * does not depend on the rate) does not wear the rate down.
   */
  public static final double INCREASE = 0.35;

  /**
   * The climb per second after a decrease at a table past its capacity ({@link #REFUSED}), as a
   * share of what it took: a decrease is made good in about three seconds.
   */
  public static final double INCREASE_WHEN_FULL = 0.1;

  /** At most one decrease per this interval. */
  public static final Duration DECREASE_EVERY = Duration.ofSeconds(1);

  /**
   * A decrease starts from at most this multiple of the units DynamoDB accepted over the last
   * second.
   */
  static final double ACCEPTED_MARGIN = 1.25;

  /**
   * When DynamoDB accepted less than this share of the units attempted over the last second, a
   * decrease starts from what it accepted ({@link #ACCEPTED_MARGIN}).
   */
  static final double REFUSED = 0.75;

  private static final double BURST_SECONDS = 0.1;
  private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final int BUCKETS = 10;
  private static final long BUCKET_NANOS = WINDOW_NANOS / BUCKETS;
  private static final long MIN_SPAN_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final Scheduler scheduler;
  private final double cap;
  private final double floor;
  private final Window attempted;
  private final Window accepted;
  private double rate;
  private double step;
  private double reference;
  private double tokens;
  private long lastRefillNanos;
  private long lastDecreaseNanos = Long.MIN_VALUE / 2;
  private long lastWaitNanos = Long.MIN_VALUE / 2;
  private boolean limited;

  private AdaptiveRateLimiter(double cap, double tableCapacity, Scheduler scheduler) {
    this.scheduler = scheduler;
    this.cap = cap > 0 ? cap : Double.POSITIVE_INFINITY;
    double start = Math.min(this.cap, tableCapacity > 0 ? tableCapacity : Double.POSITIVE_INFINITY);
    this.limited = !Double.isInfinite(start);
    this.rate = start;
    this.floor = cap > 0 ? Math.max(1, cap / 100) : 1;
    this.reference = limited ? start : 0;
    this.step = limited ? Math.max(1, INCREASE * start) : 0;
    long now = now();
    this.attempted = new Window();
    this.accepted = new Window();
    this.lastRefillNanos = now;
    this.tokens = limited ? burst() : 0;
  }

  /**
   * A limiter capped at {@code unitsPerSecond}, admitting that rate from the start; 0 or less means
   * no cap (everything passes until the first throttle). Timed on {@code scheduler}.
   */
  public static AdaptiveRateLimiter create(double unitsPerSecond, Scheduler scheduler) {
    return new AdaptiveRateLimiter(unitsPerSecond, 0, scheduler);
  }

  /**
   * A limiter capped at {@code unitsPerSecond} (0: no cap) for a table that can take {@code
   * tableCapacity} units per second (its provisioned capacity; 0 when on-demand or unknown): it
   * starts at the lower of the two and still climbs to the cap (uncapped: on upwards) while nothing
   * is throttled, as a table's burst capacity or auto scaling may allow more.
   */
  public static AdaptiveRateLimiter create(
      double unitsPerSecond, double tableCapacity, Scheduler scheduler) {
    return new AdaptiveRateLimiter(unitsPerSecond, tableCapacity, scheduler);
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
      attempted.add(now, units);
      if (!limited) {
        return Mono.empty();
      }
      refill(now);
      tokens -= units;
      waitNanos = tokens >= 0 ? 0 : (long) (-tokens / rate * 1e9);
      if (waitNanos > 0) {
        lastWaitNanos = now;
      }
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
    long now = now();
    // Callers may acquire a rough figure; what DynamoDB reports keeps the attempted rate (the base
    // of a decrease) true.
    attempted.add(now, actual - estimated);
    accepted.add(now, actual);
    if (!limited) {
      return;
    }
    refill(now);
    tokens -= actual - estimated;
    tokens = Math.min(tokens, burst());
  }

  /**
   * DynamoDB throttled a request or left items unprocessed: the rate becomes {@link #DECREASE} of
   * the rate being attempted, at most once per {@link #DECREASE_EVERY}.
   */
  public synchronized void throttled() {
    long now = now();
    if (now - lastDecreaseNanos < DECREASE_EVERY.toNanos()) {
      return;
    }
    refill(now);
    lastDecreaseNanos = now;
    double asked = attempted.rate(now);
    double base;
    if (!limited) {
      base = asked;
      limited = true;
      tokens = 0;
    } else {
      // While callers wait for the limiter, its rate is what they attempt; otherwise they attempt
      // less than it allows, and backing off from its rate would change nothing.
      boolean holdingBack = now - lastWaitNanos < WINDOW_NANOS;
      base = holdingBack || asked <= 0 ? rate : Math.min(rate, asked);
    }
    double took = accepted.rate(now);
    boolean full = accepted.full(now) && took < REFUSED * asked;
    if (full) {
      // A table past its capacity accepts what it can whatever is sent, and refuses a growing
      // share: back off from a little above what it took, or the climb would outpace one decrease
      // a second. A small share of throttles (one that may not depend on the rate at all: a hot
      // key, an injected fault) is left to the decrease alone.
      base = Math.min(base, ACCEPTED_MARGIN * took);
    }
    // The climb is a share of the best rate of late, which only fades by a decrease a second: so
    // a run of throttles that does not depend on the rate does not wear the climb down, and one
    // that does (a table at its capacity) lowers it towards what the table takes.
    // A table that is full gets a slower climb from what it took, so the rate lingers near it.
    reference = full ? base : Math.max(base, DECREASE * reference);
    rate = Math.max(floor, DECREASE * base);
    step = Math.max(1, (full ? INCREASE_WHEN_FULL : INCREASE) * reference);
    tokens = Math.min(tokens, burst());
    if (log.isDebugEnabled()) {
      log.debug(
          String.format(
              java.util.Locale.ROOT,
              "limiter throttled rate=%.1f attempted=%.1f accepted=%.1f table_full=%s climb=%.1f/s"
                  + " cap=%s",
              rate,
              asked,
              took,
              full,
              step,
              Double.isInfinite(cap) ? "none" : String.format(java.util.Locale.ROOT, "%.0f", cap)));
    }
  }

  /** The rate in units per second now; infinite when not limited. */
  public synchronized double rate() {
    refill(now());
    return rate;
  }

  /**
   * True once the limiter paces requests: from the start with a cap or a table capacity, else from
   * the first throttle. Until then {@link #acquire} passes everything, so callers may acquire a
   * cheap estimate and {@link #settle} with what DynamoDB reported.
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
    if (rate < cap) {
      rate = Math.min(cap, rate + step * seconds);
    }
    tokens = Math.min(burst(), tokens + rate * seconds);
  }

  /**
   * Units per second over the last second in tenths of a second; early in a run over the time since
   * the start (at least a tenth of a second), so a start-up's first requests are not spread over a
   * whole second. Not thread-safe.
   */
  private static final class Window {
    private final double[] buckets = new double[BUCKETS];
    private long startNanos;
    private boolean started;
    private long index;

    void add(long now, double units) {
      if (!started) {
        // Measured from the first request: the time a caller spends before it (planning, the
        // first scan page) is not time it attempted anything.
        started = true;
        startNanos = now;
        index = Math.floorDiv(now, BUCKET_NANOS);
      }
      roll(now);
      buckets[(int) Math.floorMod(index, BUCKETS)] += units;
    }

    double rate(long now) {
      if (!started) {
        return 0;
      }
      roll(now);
      double units = 0;
      for (double b : buckets) {
        units += b;
      }
      // The buckets cover the current tenth and the nine before it.
      long covered = Math.min(WINDOW_NANOS, now - (index - (BUCKETS - 1)) * BUCKET_NANOS);
      long span = Math.max(MIN_SPAN_NANOS, Math.min(covered, now - startNanos));
      return Math.max(0, units) / (span / 1e9);
    }

    /** True once a whole window has passed since the start. */
    boolean full(long now) {
      return started && now - startNanos >= WINDOW_NANOS;
    }

    private void roll(long now) {
      long to = Math.floorDiv(now, BUCKET_NANOS);
      if (to - index >= BUCKETS) {
        java.util.Arrays.fill(buckets, 0);
      } else {
        for (long i = index + 1; i <= to; i++) {
          buckets[(int) Math.floorMod(i, BUCKETS)] = 0;
        }
      }
      index = Math.max(index, to);
    }
  }
}
