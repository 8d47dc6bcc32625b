package pitr.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import pitr.copy.CopyResult;
import pitr.local.Faults;
import pitr.local.LocalEngine;
import pitr.metrics.CopyMeters;
import pitr.metrics.Meter;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * The rate parts of {@code bench copy-back}: how closely a copy capped at {@code --max-wcu} (or its
 * scan at {@code --max-rcu}) holds the cap (its first five seconds reported apart from the whole
 * run, and every five-second window), and how fast a copy goes with 10% of requests throttled by
 * the engine, uncapped and capped.
 */
final class RateBenchmark {
  static final double THROTTLE_SHARE = 0.1;

  /**
   * Starts a copy of the source into {@code target}, its writes capped at {@code maxWcu} and its
   * scan's reads at {@code maxRcu} (0: none).
   */
  interface Copier {
    Mono<CopyResult> copy(
        String target, double maxWcu, double maxRcu, String runId, CopyMeters meters);
  }

  private final Consumer<String> progress;
  private final Copier copier;
  private final LocalEngine engine;
  private final Consumer<String> createTable;
  private final Consumer<String> deleteTable;

  RateBenchmark(
      Consumer<String> progress,
      Copier copier,
      LocalEngine engine,
      Consumer<String> createTable,
      Consumer<String> deleteTable) {
    this.progress = progress;
    this.copier = copier;
    this.engine = engine;
    this.createTable = createTable;
    this.deleteTable = deleteTable;
  }

  /** How closely a copy capped at {@code --max-wcu cap} holds it (WCU consumed each second). */
  CopyBackBenchmark.Rate rate(double cap, Duration time, int items) {
    return accuracy(cap, time, items, 1, false);
  }

  /**
   * How closely a copy whose scan is capped at {@code --max-rcu cap} holds it (RCU consumed each
   * second); {@code unitsPerItem} is what scanning one item costs (eventually consistent: half a
   * unit per 4 KB).
   */
  CopyBackBenchmark.Rate readRate(double cap, Duration time, int items, double unitsPerItem) {
    return accuracy(cap, time, items, unitsPerItem, true);
  }

  private CopyBackBenchmark.Rate accuracy(
      double cap, Duration time, int items, double unitsPerItem, boolean reads) {
    String option = reads ? "--max-rcu" : "--max-wcu";
    long needed = (long) Math.ceil(cap * time.toSeconds() * 1.2 / unitsPerItem);
    if (needed > items) {
      throw new IllegalArgumentException(
          String.format(
              "the %s run needs at least %,d source items for %s at %.0f %s/s; raise --items",
              option, needed, time, cap, reads ? "RCU" : "WCU"));
    }
    progress.accept(String.format("rate accuracy: %s %.0f for %ds", option, cap, time.toSeconds()));
    List<double[]> s =
        reads
            ? run("bench-rate-rcu", 0, cap, time, "rate-rcu", m -> m.total(Meter.RCU_CONSUMED))
                .samples
            : run("bench-rate", cap, 0, time, "rate", m -> m.total(Meter.WCU_CONSUMED)).samples;
    int seconds = (int) time.toSeconds();
    s = s.subList(0, Math.min(s.size(), seconds + 1));
    List<Double> deviations = new ArrayList<>();
    for (int i = 1; i < s.size(); i++) {
      deviations.add(Math.abs(perSecond(s, i - 1, i) - cap) / cap);
    }
    double worst = 0;
    for (int i = 5; i < s.size(); i += 5) {
      worst = Math.max(worst, Math.abs(perSecond(s, i - 5, i) - cap) / cap);
    }
    double[] last = s.get(s.size() - 1);
    Collections.sort(deviations);
    return new CopyBackBenchmark.Rate(
        cap,
        last[1] / last[0],
        s.size() > 5 ? perSecond(s, 0, 5) : Double.NaN,
        worst,
        deviations.size(),
        CopyBackBenchmark.percentile(deviations, 0.50),
        CopyBackBenchmark.percentile(deviations, 0.99),
        deviations.get(deviations.size() - 1));
  }

  CopyBackBenchmark.Throttled throttled(double cap, Duration time) {
    Faults faults = new Faults(THROTTLE_SHARE, 0, 0, Duration.ZERO, 0, 42);
    engine.setFaults(faults);
    try {
      progress.accept(
          String.format(
              "%.0f%% of requests throttled: uncapped, then --max-wcu %.0f, %ds each",
              THROTTLE_SHARE * 100, cap, time.toSeconds()));
      double uncapped = itemsPerSecond(sampledItems("bench-throttled", 0, time, "throttled-0"));
      double capped =
          itemsPerSecond(sampledItems("bench-throttled-capped", cap, time, "throttled-cap"));
      progress.accept(
          String.format(
              "throttled: uncapped %,.0f items/s, capped %,.0f items/s", uncapped, capped));
      return new CopyBackBenchmark.Throttled(uncapped, capped, cap);
    } finally {
      engine.setFaults(Faults.NONE);
    }
  }

  private static double perSecond(List<double[]> s, int from, int to) {
    return (s.get(to)[1] - s.get(from)[1]) / (s.get(to)[0] - s.get(from)[0]);
  }

  private static double itemsPerSecond(double[] end) {
    return end[1] / end[0];
  }

  /** Runs a copy for {@code time} (or until done): seconds taken and items written. */
  private double[] sampledItems(String target, double cap, Duration time, String runId) {
    Run r = run(target, cap, 0, time, runId, m -> m.total(Meter.ITEMS_WRITTEN));
    return r.end;
  }

  private record Run(List<double[]> samples, double[] end) {}

  /** Runs a copy for {@code time} (or until done): {@code value} each second, from 0. */
  private Run run(
      String target,
      double maxWcu,
      double maxRcu,
      Duration time,
      String runId,
      java.util.function.ToDoubleFunction<CopyMeters> value) {
    createTable.accept(target);
    CopyMeters meters = CopyMeters.inMemory();
    List<double[]> samples = Collections.synchronizedList(new ArrayList<>());
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    long start = System.nanoTime();
    samples.add(new double[] {0, 0});
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    Disposable running =
        copier
            .copy(target, maxWcu, maxRcu, runId, meters)
            .doFinally(sig -> done.countDown())
            .subscribe(r -> {}, e -> {});
    sampler.scheduleAtFixedRate(
        () ->
            samples.add(
                new double[] {(System.nanoTime() - start) / 1e9, value.applyAsDouble(meters)}),
        1,
        1,
        TimeUnit.SECONDS);
    try {
      done.await(time.toMillis() + 200, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    double[] end = {(System.nanoTime() - start) / 1e9, value.applyAsDouble(meters)};
    sampler.shutdownNow();
    running.dispose();
    deleteTable.accept(target);
    return new Run(new ArrayList<>(samples), end);
  }
}
