package pitr.cli;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Model.CommandSpec;
import pitr.metrics.Meter;
import pitr.metrics.MetricsConfig;
import pitr.metrics.MetricsSession;
import pitr.rollback.ApplyProgress;

/**
 * Progress of applying a rollback plan, shown as other commands show theirs: a bar on a terminal,
 * else a {@code progress command=rollback-apply items_read=... items_written=... items_deleted=...
 * wcu=... rcu=...} line every {@code --progress-interval} on stderr, with the plan items done per
 * second and an ETA from the plan's size, and a {@code summary} line when the apply ends. Nothing
 * is shown for an apply refused before its run was opened: it wrote nothing.
 */
final class ApplyProgressLines implements ApplyProgress, AutoCloseable {
  private final CommandSpec spec;
  private final Duration interval;
  private final AtomicLong done = new AtomicLong();
  private volatile MetricsSession session;

  private ApplyProgressLines(CommandSpec spec, Duration interval) {
    this.spec = spec;
    this.interval = interval;
  }

  /** Progress on {@code spec}'s stderr, a line every {@code interval} once the apply starts. */
  static ApplyProgressLines start(CommandSpec spec, Duration interval) {
    return new ApplyProgressLines(spec, interval);
  }

  @Override
  public synchronized void expect(long items) {
    if (session == null) {
      session = session(spec, interval, "rollback-apply");
      session.progressBy(done::get);
    }
    session.expect(items);
  }

  /**
   * A session showing progress only, on {@code spec}'s stderr: a bar on a terminal (not with {@code
   * --output json}), else a line every {@code interval}, as {@code command}.
   */
  static MetricsSession session(CommandSpec spec, Duration interval, String command) {
    boolean terminal = System.console() != null && !Targets.json(spec);
    return MetricsSession.start(
        new MetricsConfig(MetricsConfig.Sink.LOG, 0, "pitr", interval),
        spec.commandLine().getErr(),
        command,
        terminal);
  }

  @Override
  public void done(long items) {
    done.addAndGet(items);
  }

  @Override
  public void read(long items, double units) {
    MetricsSession s = session;
    if (s != null) {
      s.meters().add(Meter.ITEMS_READ, items);
      s.meters().add(Meter.RCU_CONSUMED, units);
    }
  }

  @Override
  public void wrote(long written, long deleted, long failed, double units) {
    MetricsSession s = session;
    if (s == null) {
      return;
    }
    s.meters().add(Meter.ITEMS_WRITTEN, written);
    s.meters().add(Meter.ITEMS_DELETED, deleted);
    s.meters().add(Meter.ITEMS_FAILED, failed);
    s.meters().add(Meter.WCU_CONSUMED, units);
  }

  /** Stops the progress and, when the apply started, prints the summary line. */
  @Override
  public synchronized void close() {
    if (session != null) {
      session.finish();
      session.close();
    }
  }
}
