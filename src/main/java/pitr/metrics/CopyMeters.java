package pitr.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.DoubleSupplier;

/** The {@link Meter}s of one command run, registered in a Micrometer registry. Thread-safe. */
public final class CopyMeters {
  private final MeterRegistry registry;
  private final Map<Meter, Counter> counters = new EnumMap<>(Meter.class);
  private final Timer latency;
  private final LatencyWindow window = new LatencyWindow();

  private CopyMeters(MeterRegistry registry) {
    this.registry = registry;
    for (Meter m : Meter.values()) {
      if (m != Meter.BATCH_LATENCY && m != Meter.RATE_LIMIT) {
        counters.put(m, Counter.builder(m.id()).baseUnit(m.unit()).register(registry));
      }
    }
    latency =
        Timer.builder(Meter.BATCH_LATENCY.id()).publishPercentiles(0.5, 0.99).register(registry);
  }

  /** Meters in {@code registry}. */
  public static CopyMeters create(MeterRegistry registry) {
    return new CopyMeters(registry);
  }

  /** Meters kept in memory only. */
  public static CopyMeters inMemory() {
    return new CopyMeters(new SimpleMeterRegistry());
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Adds {@code amount} to a counter meter. */
  public void add(Meter meter, double amount) {
    Counter c = counters.get(meter);
    if (c != null && amount != 0) {
      c.increment(amount);
    }
  }

  /** The total of a counter meter so far. */
  public double total(Meter meter) {
    Counter c = counters.get(meter);
    return c == null ? 0 : c.count();
  }

  public void batchLatency(Duration d) {
    latency.record(d);
    synchronized (window) {
      window.add(d.toNanos() / 1e6);
    }
  }

  /** The batch latencies recorded since the last call, in milliseconds, and starts anew. */
  LatencyWindow drainLatency() {
    synchronized (window) {
      LatencyWindow out = window.copy();
      window.clear();
      return out;
    }
  }

  /** The rate-limit gauge's value now, or NaN before it is registered. */
  double rateLimitNow() {
    Gauge g = registry.find(Meter.RATE_LIMIT.id()).gauge();
    return g == null ? Double.NaN : g.value();
  }

  /** Count, sum, minimum and maximum of latencies in milliseconds. Not thread-safe. */
  static final class LatencyWindow {
    long count;
    double sum;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;

    void add(double millis) {
      count++;
      sum += millis;
      min = Math.min(min, millis);
      max = Math.max(max, millis);
    }

    void merge(LatencyWindow o) {
      count += o.count;
      sum += o.sum;
      min = Math.min(min, o.min);
      max = Math.max(max, o.max);
    }

    LatencyWindow copy() {
      LatencyWindow c = new LatencyWindow();
      c.merge(this);
      return c;
    }

    void clear() {
      count = 0;
      sum = 0;
      min = Double.POSITIVE_INFINITY;
      max = Double.NEGATIVE_INFINITY;
    }
  }

  /** Registers the rate-limit gauge, read from {@code rate} (infinite reads as 0). */
  public void rateLimit(DoubleSupplier rate) {
    Gauge.builder(
            Meter.RATE_LIMIT.id(),
            () -> {
              double r = rate.getAsDouble();
              return Double.isInfinite(r) ? 0 : r;
            })
        .baseUnit(Meter.RATE_LIMIT.unit())
        .register(registry);
  }

  /** One {@code key=value} line of every meter, for logs and non-terminal progress. */
  public String summary() {
    StringBuilder b = new StringBuilder();
    b.append("items_read=").append((long) total(Meter.ITEMS_READ));
    b.append(" items_written=").append((long) total(Meter.ITEMS_WRITTEN));
    b.append(" items_deleted=").append((long) total(Meter.ITEMS_DELETED));
    b.append(" items_failed=").append((long) total(Meter.ITEMS_FAILED));
    b.append(" wcu=").append(Math.round(total(Meter.WCU_CONSUMED)));
    b.append(" rcu=").append(Math.round(total(Meter.RCU_CONSUMED)));
    b.append(" throttled=").append((long) total(Meter.THROTTLED_REQUESTS));
    b.append(" retries=").append((long) total(Meter.RETRIES));
    b.append(" unprocessed=").append((long) total(Meter.UNPROCESSED_ITEMS));
    b.append(" batch_p99_ms=")
        .append(
            Math.round(
                latency.takeSnapshot().percentileValues().length > 1
                    ? latency
                        .takeSnapshot()
                        .percentileValues()[1]
                        .value(java.util.concurrent.TimeUnit.MILLISECONDS)
                    : 0));
    return b.toString();
  }
}
