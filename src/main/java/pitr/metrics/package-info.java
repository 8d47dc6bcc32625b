/**
 * The meters pitr records ({@link pitr.metrics.Meter}), how they are published (a log summary,
 * Prometheus, CloudWatch) and the terminal progress display.
 */
package pitr.metrics;
