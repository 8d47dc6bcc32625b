package pitr.metrics;

import java.time.Duration;

/**
 * How a run publishes its meters.
 *
 * @param sink where meters go
 * @param port Prometheus scrape port (0 picks a free one)
 * @param namespace CloudWatch namespace
 * @param step how often CloudWatch metrics, EMF records and progress lines are written
 */
public record MetricsConfig(Sink sink, int port, String namespace, Duration step) {
  /** Where meters go. */
  public enum Sink {
    /** A {@code key=value} summary line at the end only. */
    LOG,
    /** Served on {@code http://HOST:PORT/metrics} while the command runs, and the summary. */
    PROMETHEUS,
    /**
     * CloudWatch metrics in the namespace through PutMetricData every step and once at the end
     * (needs {@code cloudwatch:PutMetricData}). A failure to publish is warned about once and never
     * fails the command.
     */
    CLOUDWATCH,
    /**
     * CloudWatch embedded metric format (EMF) lines on stderr every step: on AWS Batch, ECS or
     * Lambda the log agent turns them into CloudWatch metrics in the namespace; no extra IAM.
     */
    EMF
  }

  public static MetricsConfig log() {
    return new MetricsConfig(Sink.LOG, 0, "pitr", Duration.ofSeconds(60));
  }
}
