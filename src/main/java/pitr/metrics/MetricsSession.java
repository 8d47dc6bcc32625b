package pitr.metrics;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;

/**
 * The meters of one command run and where they are shown while it runs: a progress bar on a
 * terminal (items/s, WCU/s, ETA), else a {@code key=value} progress line every step; a Prometheus
 * endpoint, CloudWatch metrics (PutMetricData) or CloudWatch EMF lines when asked; and a summary
 * line at the end.
 */
public final class MetricsSession implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetricsSession.class);

  private final MetricsConfig config;
  private final CopyMeters meters;
  private final PrintWriter err;
  private final String command;
  private final Clock clock;
  private final long startNanos = System.nanoTime();
  private final ScheduledExecutorService ticker;
  private HttpServer server;
  private ProgressBar bar;
  private long barEnd = -1;
  private CloudWatchAsyncClient cloudWatchClient;
  private CloudWatchPublisher cloudWatch;
  private ScheduledExecutorService publishing;
  private volatile long expected;
  private volatile java.util.function.LongSupplier progress =
      () -> (long) meters().total(Meter.ITEMS_WRITTEN);
  private final RecentRates recent = new RecentRates(startNanos);
  private long lastLineNanos = startNanos;

  private MetricsSession(
      MetricsConfig config,
      MeterRegistry registry,
      PrintWriter err,
      String command,
      boolean terminal,
      Clock clock) {
    this.config = config;
    this.err = err;
    this.command = command;
    this.clock = clock;
    this.meters = CopyMeters.create(registry);
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pitr-progress");
              t.setDaemon(true);
              return t;
            });
    if (terminal) {
      bar =
          new ProgressBarBuilder()
              .setTaskName(command)
              .setStyle(ProgressBarStyle.ASCII)
              .setInitialMax(-1)
              .setUnit(" items", 1)
              .continuousUpdate()
              .build();
    }
  }

  /**
   * Starts a session; {@code terminal} chooses the progress bar over progress lines on {@code err}.
   */
  public static MetricsSession start(
      MetricsConfig config, PrintWriter err, String command, boolean terminal) {
    return start(config, err, command, terminal, null);
  }

  /**
   * Starts a session; with the {@link MetricsConfig.Sink#CLOUDWATCH} sink, meters go to the
   * CloudWatch client {@code cloudWatch} makes (closed with the session). When it cannot make one
   * (no region, say), that is warned about and the command goes on without CloudWatch.
   */
  public static MetricsSession start(
      MetricsConfig config,
      PrintWriter err,
      String command,
      boolean terminal,
      CloudWatchTarget cloudWatch) {
    return start(config, registry(config), err, command, terminal, cloudWatch);
  }

  /**
   * As {@link #start(MetricsConfig, PrintWriter, String, boolean, CloudWatchTarget)}, with the
   * meters in {@code registry}, made by {@link #registry(MetricsConfig)} before the session starts
   * (a migration's runner records into it from its preflight on; the session, and its progress bar,
   * start only when the run does). The session closes it.
   */
  public static MetricsSession start(
      MetricsConfig config,
      MeterRegistry registry,
      PrintWriter err,
      String command,
      boolean terminal,
      CloudWatchTarget cloudWatch) {
    MetricsSession s =
        new MetricsSession(config, registry, err, command, terminal, Clock.systemUTC());
    s.begin(cloudWatch);
    return s;
  }

  /** The registry the sink of {@code config} needs: Prometheus's, or one in memory. */
  public static MeterRegistry registry(MetricsConfig config) {
    return config.sink() == MetricsConfig.Sink.PROMETHEUS
        ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)
        : new SimpleMeterRegistry();
  }

  /** How to reach CloudWatch: a client factory and a description for messages. */
  public interface CloudWatchTarget {
    /** A new client; may throw a {@link pitr.PitrException} naming what is missing. */
    CloudWatchAsyncClient client();

    /** Where the client points, e.g. "CloudWatch in us-east-1". */
    String describe();
  }

  private void begin(CloudWatchTarget target) {
    if (config.sink() == MetricsConfig.Sink.CLOUDWATCH && target != null) {
      try {
        cloudWatchClient = target.client();
      } catch (RuntimeException e) {
        err.println(
            "warning: metrics will not be published to "
                + target.describe()
                + " ("
                + e.getMessage()
                + "); the command goes on without them");
        err.flush();
      }
      if (cloudWatchClient != null) {
        cloudWatch =
            new CloudWatchPublisher(
                cloudWatchClient,
                config.namespace(),
                command,
                target.describe(),
                meters,
                err,
                clock,
                Duration.ofSeconds(10));
        publishing =
            Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "pitr-cloudwatch");
                  t.setDaemon(true);
                  return t;
                });
        long every = Math.max(1, config.step().toMillis());
        publishing.scheduleWithFixedDelay(cloudWatch::publish, every, every, TimeUnit.MILLISECONDS);
      }
    }
    if (config.sink() == MetricsConfig.Sink.PROMETHEUS) {
      PrometheusMeterRegistry prometheus = (PrometheusMeterRegistry) meters.registry();
      try {
        server = HttpServer.create(new InetSocketAddress(config.port()), 0);
      } catch (IOException e) {
        throw new pitr.PitrException(
            pitr.ErrorCode.USAGE,
            "Cannot serve metrics on port "
                + config.port()
                + " ("
                + e.getMessage()
                + "); pass another --metrics-port");
      }
      server.createContext(
          "/metrics",
          exchange -> {
            byte[] body = prometheus.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
      server.start();
      log.info("event=metrics_serving port={}", server.getAddress().getPort());
    }
    // Rates are sampled every second (or every step, when shorter); lines go out every step.
    long sample = Math.max(1, Math.min(1000, config.step().toMillis()));
    ticker.scheduleAtFixedRate(this::tick, sample, sample, TimeUnit.MILLISECONDS);
  }

  /** The port Prometheus metrics are served on, or -1. */
  public int port() {
    return server == null ? -1 : server.getAddress().getPort();
  }

  public CopyMeters meters() {
    return meters;
  }

  /**
   * What progress counts: items written (the default, for commands that write) or, for a command
   * that only reads, such as diff, {@link Meter#ITEMS_READ}.
   */
  public void progressBy(Meter meter) {
    progress = () -> (long) meters.total(meter);
  }

  /**
   * What progress counts, for a command whose items are not one meter's: a rollback's apply counts
   * the plan items it is done with, whether written, deleted, already as planned or kept.
   */
  public void progressBy(java.util.function.LongSupplier items) {
    progress = items;
  }

  /**
   * Where the terminal's bar ended ({@link #finish}): what {@link #progressBy} counts; -1 before.
   */
  synchronized long barEnd() {
    return barEnd;
  }

  /** Sets the number of items expected, for the bar's ETA; 0 when unknown. */
  public void expect(long items) {
    expected = items;
    if (bar != null && items > 0) {
      bar.maxHint(items);
    }
  }

  private synchronized void tick() {
    try {
      long now = System.nanoTime();
      long written = progress.getAsLong();
      recent.sample(now, written, meters.total(Meter.WCU_CONSUMED));
      double itemsPerSecond = recent.items();
      double wcuPerSecond = recent.units();
      boolean due = now - lastLineNanos >= config.step().toNanos() - 1_000_000;
      if (due) {
        lastLineNanos = now;
      }
      if (bar != null) {
        bar.stepTo(written);
        bar.setExtraMessage(
            String.format(
                " %,.0f items/s %,.0f WCU/s (last %ds)",
                itemsPerSecond, wcuPerSecond, RecentRates.WINDOW_SECONDS));
      } else if (due) {
        String eta =
            expected > 0 && itemsPerSecond > 0
                ? pitr.dynamo.Durations.format(
                    Duration.ofSeconds((long) (Math.max(0, expected - written) / itemsPerSecond)))
                : "unknown";
        // Both rates over the same recent window, named in the keys; totals are in the summary.
        err.println(
            "progress command="
                + command
                + " "
                + meters.summary()
                + String.format(
                    " elapsed_s=%.0f items_per_s_%ds=%.0f wcu_per_s_%ds=%.0f eta=%s",
                    (now - startNanos) / 1e9,
                    RecentRates.WINDOW_SECONDS,
                    itemsPerSecond,
                    RecentRates.WINDOW_SECONDS,
                    wcuPerSecond,
                    eta));
        err.flush();
      }
      if (due && config.sink() == MetricsConfig.Sink.EMF) {
        err.println(Emf.line(config.namespace(), command, meters, clock.millis()));
        err.flush();
      }
    } catch (RuntimeException e) {
      log.debug("event=progress_failed error={}", e.toString());
    }
  }

  private void flushCloudWatch() {
    if (cloudWatch != null && !publishing.isShutdown()) {
      publishing.shutdown();
      cloudWatch.publish();
    }
  }

  /**
   * Stops progress, sends what CloudWatch has not had yet (waiting for it, within a timeout) or
   * prints a last EMF record, and prints the summary line.
   */
  public void finish() {
    ticker.shutdownNow();
    flushCloudWatch();
    synchronized (this) {
      if (bar != null) {
        barEnd = progress.getAsLong();
        bar.stepTo(barEnd);
        bar.close();
        bar = null;
      }
      if (config.sink() == MetricsConfig.Sink.EMF) {
        err.println(Emf.line(config.namespace(), command, meters, clock.millis()));
      }
      err.println(
          "summary command="
              + command
              + " "
              + meters.summary()
              + " elapsed_s="
              + String.format("%.1f", (System.nanoTime() - startNanos) / 1e9));
      err.flush();
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    if (bar != null) {
      bar.close();
    }
    if (server != null) {
      server.stop(0);
    }
    // A command that failed still sends what it counted.
    flushCloudWatch();
    if (cloudWatchClient != null) {
      cloudWatchClient.close();
    }
    meters.registry().close();
  }
}
