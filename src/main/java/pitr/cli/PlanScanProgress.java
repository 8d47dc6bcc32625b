package pitr.cli;

import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import pitr.metrics.Meter;
import pitr.metrics.MetricsSession;
import pitr.rollback.ScanProgress;

/**
 * Progress of a rollback's planning scans, shown as other commands show theirs: a bar on a
 * terminal, else a {@code progress command=rollback-plan items_read=...} line every {@code
 * --progress-interval} on stderr, counting items read with an ETA from the tables' item counts, and
 * a summary line once the plan is made. Nothing is shown before the scans start: restores and
 * export waits report on their own.
 */
final class PlanScanProgress implements ScanProgress, AutoCloseable {
  private final CommandSpec spec;
  private final Duration interval;
  private MetricsSession session;

  private PlanScanProgress(CommandSpec spec, Duration interval) {
    this.spec = spec;
    this.interval = interval;
  }

  /** Progress on {@code spec}'s stderr, a line every {@code interval} once the scans start. */
  static PlanScanProgress start(CommandSpec spec, Duration interval) {
    return new PlanScanProgress(spec, interval);
  }

  private synchronized MetricsSession session() {
    if (session == null) {
      session = ApplyProgressLines.session(spec, interval, "rollback-plan");
      session.progressBy(Meter.ITEMS_READ);
    }
    return session;
  }

  @Override
  public void expect(long items) {
    session().expect(items);
  }

  @Override
  public void read(long items) {
    session().meters().add(Meter.ITEMS_READ, items);
  }

  @Override
  public void readUnits(double units) {
    session().meters().add(Meter.RCU_CONSUMED, units);
  }

  /** Stops the progress and prints the summary line, when the scans started: the plan is made. */
  synchronized void finish() {
    if (session != null) {
      session.finish();
    }
  }

  @Override
  public synchronized void close() {
    if (session != null) {
      session.close();
    }
  }
}
