package pitr.migrate.api;

import java.time.Clock;

/** What a running migration can use: its tables, the run's mode, a logger, progress and metrics. */
public interface MigrationContext {
  /** The environment this run targets. */
  RunMode mode();

  /**
   * True when this is a dry run: reads see real data, writes are counted and sampled but not
   * applied, and every write completes with {@link WriteOutcome#DRY_RUN}.
   */
  boolean dryRun();

  /** The run's id, as recorded in the ledger and journal. */
  String runId();

  /**
   * A declared table.
   *
   * @throws IllegalArgumentException when {@link Migration#tables()} does not declare it
   */
  MigrationTable table(String name);

  /** A logger for this run; messages are {@code key=value} lines. Never log item contents. */
  MigrationLog log();

  /** Progress of this run, shown to the operator. Items handled by a scan advance it already. */
  Progress progress();

  /** Custom counters, reported with the run. */
  MigrationMetrics metrics();

  /** The run's clock; use it instead of the system clock so tests can control time. */
  Clock clock();
}
