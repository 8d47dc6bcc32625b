package pitr.local;

import java.time.Duration;
import java.util.Locale;
import java.util.Random;

/**
 * Faults the engine injects into requests, each at a rate between 0 and 1, drawn from a seeded
 * random source so that a failing run can be replayed with the same seed.
 *
 * <p>{@code throttle}: the request fails with ProvisionedThroughputExceededException. {@code
 * error}: it fails with InternalServerError (HTTP 500). {@code latency}: it is delayed by {@code
 * delay} before it runs. {@code drop}: the connection is closed without an answer (HTTP only; the
 * in-process client fails the call with an I/O error). A request draws once; at most one fault
 * other than latency applies.
 *
 * @param throttle rate of throttled requests
 * @param error rate of InternalServerError answers
 * @param latency rate of delayed requests
 * @param delay how long a delayed request waits
 * @param drop rate of dropped connections
 * @param seed seed of the random source
 */
public record Faults(
    double throttle, double error, double latency, Duration delay, double drop, long seed) {

  /** No faults. */
  public static final Faults NONE = new Faults(0, 0, 0, Duration.ZERO, 0, 0);

  /** What happens to one request. */
  public enum Kind {
    /** Served normally. */
    NONE,
    /** Answered with ProvisionedThroughputExceededException. */
    THROTTLE,
    /** Answered with InternalServerError. */
    ERROR,
    /** Connection closed without an answer. */
    DROP
  }

  /** The fault chosen for one request, and the delay to apply before anything else. */
  public record Decision(Kind kind, Duration delay) {}

  public Faults {
    check("throttle", throttle);
    check("error", error);
    check("latency", latency);
    check("drop", drop);
    if (delay.isNegative()) {
      throw new IllegalArgumentException(
          "fault delay=" + delay.toMillis() + "ms is negative; pass 0 or more, e.g. delay=50ms");
    }
    if (throttle + error + drop > 1) {
      throw new IllegalArgumentException(
          "fault rates throttle+error+drop add up to more than 1; lower one of them");
    }
  }

  private static void check(String name, double rate) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException(
          "fault rate "
              + name
              + "="
              + rate
              + " is not between 0 and 1; rates are fractions of requests (0.05 is 5%)");
    }
  }

  public boolean isNone() {
    return throttle == 0 && error == 0 && latency == 0 && drop == 0;
  }

  /**
   * Parses {@code throttle=0.1,error=0.05,latency=0.2,delay=50ms,drop=0.01,seed=42}; every key is
   * optional.
   *
   * @throws IllegalArgumentException naming the bad part and the expected form
   */
  public static Faults parse(String spec) {
    double throttle = 0;
    double error = 0;
    double latency = 0;
    double drop = 0;
    long seed = 1;
    Duration delay = Duration.ofMillis(100);
    if (spec == null || spec.isBlank()) {
      return NONE;
    }
    for (String part : spec.split(",")) {
      String[] kv = part.trim().split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException(
            "fault setting '" + part + "' is not key=value; expected e.g. throttle=0.1,seed=42");
      }
      String key = kv[0].trim().toLowerCase(Locale.ROOT);
      String value = kv[1].trim();
      try {
        switch (key) {
          case "throttle" -> throttle = Double.parseDouble(value);
          case "error" -> error = Double.parseDouble(value);
          case "latency" -> latency = Double.parseDouble(value);
          case "drop" -> drop = Double.parseDouble(value);
          case "seed" -> seed = Long.parseLong(value);
          case "delay" -> delay = parseDuration(value);
          default ->
              throw new IllegalArgumentException(
                  "unknown fault '"
                      + key
                      + "'; known: throttle, error, latency, delay, drop, seed");
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "fault setting '" + part + "' has a value that is not a number", e);
      }
    }
    return new Faults(throttle, error, latency, delay, drop, seed);
  }

  private static Duration parseDuration(String v) {
    if (v.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
    }
    if (v.endsWith("s")) {
      return Duration.ofMillis((long) (Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
    }
    return Duration.ofMillis(Long.parseLong(v));
  }

  /** A seeded source of decisions; thread-safe. */
  public Injector injector() {
    return new Injector(this);
  }

  /** Draws one decision per request from the seeded random source. */
  public static final class Injector {
    private final Faults faults;
    private final Random random;

    private Injector(Faults faults) {
      this.faults = faults;
      this.random = new Random(faults.seed);
    }

    public synchronized Decision next() {
      if (faults.isNone()) {
        return new Decision(Kind.NONE, Duration.ZERO);
      }
      Duration d = random.nextDouble() < faults.latency ? faults.delay : Duration.ZERO;
      double x = random.nextDouble();
      Kind k;
      if (x < faults.throttle) {
        k = Kind.THROTTLE;
      } else if (x < faults.throttle + faults.error) {
        k = Kind.ERROR;
      } else if (x < faults.throttle + faults.error + faults.drop) {
        k = Kind.DROP;
      } else {
        k = Kind.NONE;
      }
      return new Decision(k, d);
    }
  }
}
