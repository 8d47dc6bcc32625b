package pitr.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Items and write units per second over the same recent window (the last {@link #WINDOW_SECONDS}
 * seconds, or since the start when shorter), from totals sampled about once a second. The progress
 * line and bar show both from it, so the two rates always cover the same time. Not thread-safe.
 */
final class RecentRates {
  /** The window, in seconds; the progress keys name it ({@code items_per_s_10s}). */
  static final int WINDOW_SECONDS = 10;

  private record Sample(long nanos, double items, double units) {}

  private final List<Sample> samples = new ArrayList<>();

  RecentRates(long startNanos) {
    samples.add(new Sample(startNanos, 0, 0));
  }

  /** Records the totals at {@code nanos} and forgets samples older than the window. */
  void sample(long nanos, double items, double units) {
    samples.add(new Sample(nanos, items, units));
    long from = nanos - WINDOW_SECONDS * 1_000_000_000L;
    while (samples.size() > 2 && samples.get(1).nanos() <= from) {
      samples.remove(0);
    }
  }

  /** Items per second over the window. */
  double items() {
    return rate(Sample::items);
  }

  /** Write units per second over the window. */
  double units() {
    return rate(Sample::units);
  }

  private double rate(ToDoubleFunction<Sample> value) {
    Sample first = samples.get(0);
    Sample last = samples.get(samples.size() - 1);
    double seconds = (last.nanos() - first.nanos()) / 1e9;
    return seconds <= 0 ? 0 : (value.applyAsDouble(last) - value.applyAsDouble(first)) / seconds;
  }
}
