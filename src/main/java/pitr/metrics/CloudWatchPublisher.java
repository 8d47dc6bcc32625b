package pitr.metrics;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.cloudwatch.model.StatisticSet;

/**
 * Publishes the {@link Meter}s of one command run to CloudWatch with PutMetricData, one datum per
 * meter each time {@link #publish()} is called, with the command as the only dimension:
 *
 * <ul>
 *   <li>counters: what they counted since the last successful publish (CloudWatch's Sum over any
 *       period is then the total of that period, and over the run the run's total);
 *   <li>the batch-latency timer: count, sum, minimum and maximum of the batches since the last
 *       publish, in milliseconds (a statistic set);
 *   <li>the rate-limit gauge: its value now.
 * </ul>
 *
 * <p>Requests stay within PutMetricData's limits (1,000 datums, 1 MB). A failed call (no network,
 * no permission, throttling after the SDK's retries) is warned about once on {@code err}, never
 * thrown: what it carried is sent again with the next publish, so a passing outage loses nothing.
 * Thread-safe.
 */
final class CloudWatchPublisher {
  private static final Logger log = LoggerFactory.getLogger(CloudWatchPublisher.class);
  static final int MAX_DATUMS = 1000;
  // 1 MB per request, less room for the request's own framing.
  static final int MAX_BYTES = 1_000_000 - 16_384;

  private final CloudWatchAsyncClient client;
  private final String namespace;
  private final String command;
  private final String where;
  private final CopyMeters meters;
  private final PrintWriter err;
  private final Clock clock;
  private final Duration timeout;
  private final Map<Meter, Double> published = new EnumMap<>(Meter.class);
  private final CopyMeters.LatencyWindow pendingLatency = new CopyMeters.LatencyWindow();
  private boolean warned;

  /**
   * @param where the endpoint for messages, e.g. "CloudWatch (us-east-1)"
   * @param timeout how long one PutMetricData call may take
   */
  CloudWatchPublisher(
      CloudWatchAsyncClient client,
      String namespace,
      String command,
      String where,
      CopyMeters meters,
      PrintWriter err,
      Clock clock,
      Duration timeout) {
    this.client = client;
    this.namespace = namespace;
    this.command = command;
    this.where = where;
    this.meters = meters;
    this.err = err;
    this.clock = clock;
    this.timeout = timeout;
  }

  /** One datum and the counter total it brings CloudWatch up to (NaN for other meters). */
  private record Entry(Meter meter, double total, MetricDatum datum) {}

  /** Sends what changed since the last successful publish; returns false when a call failed. */
  synchronized boolean publish() {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    Dimension dimension = Dimension.builder().name("command").value(command).build();
    List<Entry> entries = new ArrayList<>();
    pendingLatency.merge(meters.drainLatency());
    for (Meter m : Meter.values()) {
      MetricDatum.Builder d =
          MetricDatum.builder().metricName(m.id()).dimensions(dimension).timestamp(now);
      switch (m) {
        case BATCH_LATENCY -> {
          if (pendingLatency.count == 0) {
            continue;
          }
          d.unit(StandardUnit.MILLISECONDS)
              .statisticValues(
                  StatisticSet.builder()
                      .sampleCount((double) pendingLatency.count)
                      .sum(pendingLatency.sum)
                      .minimum(pendingLatency.min)
                      .maximum(pendingLatency.max)
                      .build());
          entries.add(new Entry(m, Double.NaN, d.build()));
        }
        case RATE_LIMIT -> {
          double rate = meters.rateLimitNow();
          if (Double.isNaN(rate)) {
            continue;
          }
          entries.add(
              new Entry(m, Double.NaN, d.unit(StandardUnit.COUNT_SECOND).value(rate).build()));
        }
        default -> {
          double total = meters.total(m);
          double delta = total - published.getOrDefault(m, 0.0);
          entries.add(new Entry(m, total, d.unit(StandardUnit.COUNT).value(delta).build()));
        }
      }
    }
    for (List<Entry> batch : batches(entries, e -> size(e.datum()), MAX_DATUMS, MAX_BYTES)) {
      try {
        client
            .putMetricData(
                r -> r.namespace(namespace).metricData(batch.stream().map(Entry::datum).toList()))
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        warnOnce(e instanceof ExecutionException ? e.getCause() : e);
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      for (Entry e : batch) {
        if (e.meter() == Meter.BATCH_LATENCY) {
          pendingLatency.clear();
        } else if (!Double.isNaN(e.total())) {
          published.put(e.meter(), e.total());
        }
      }
    }
    return true;
  }

  private void warnOnce(Throwable failure) {
    String reason = describe(failure);
    log.debug("event=cloudwatch_publish_failed namespace={} error={}", namespace, reason);
    if (warned) {
      return;
    }
    warned = true;
    err.println(
        "warning: metrics could not be published to "
            + where
            + " ("
            + reason
            + "); the command goes on and tries again every step. Check --metrics-endpoint-url,"
            + " the region, the credentials and the cloudwatch:PutMetricData permission");
    err.flush();
  }

  private static String describe(Throwable failure) {
    if (failure instanceof AwsServiceException aws && aws.awsErrorDetails() != null) {
      return aws.awsErrorDetails().errorCode() + ": " + aws.awsErrorDetails().errorMessage();
    }
    if (failure instanceof TimeoutException) {
      return "no answer in time";
    }
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = failure.getMessage() != null ? failure.getMessage() : root.toString();
    return message.lines().findFirst().orElse(message);
  }

  /**
   * Splits {@code entries} into requests of at most {@code maxDatums} entries and at most {@code
   * maxBytes} by {@code size}, in order; an entry bigger than {@code maxBytes} goes alone.
   */
  static <T> List<List<T>> batches(
      List<T> entries, ToLongFunction<T> size, int maxDatums, long maxBytes) {
    List<List<T>> out = new ArrayList<>();
    List<T> current = new ArrayList<>();
    long bytes = 0;
    for (T e : entries) {
      long n = size.applyAsLong(e);
      if (!current.isEmpty() && (current.size() == maxDatums || bytes + n > maxBytes)) {
        out.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(e);
      bytes += n;
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return out;
  }

  /**
   * An upper bound of a datum's size in a request: its names and dimensions plus room for the
   * numbers, the timestamp, the unit and the field names.
   */
  static long size(MetricDatum d) {
    long n = 200 + utf8(d.metricName());
    for (Dimension dim : d.dimensions()) {
      n += 40 + utf8(dim.name()) + utf8(dim.value());
    }
    return n;
  }

  private static long utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
