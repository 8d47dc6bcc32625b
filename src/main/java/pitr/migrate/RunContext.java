package pitr.migrate;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pitr.migrate.api.MigrationContext;
import pitr.migrate.api.MigrationLog;
import pitr.migrate.api.MigrationMetrics;
import pitr.migrate.api.MigrationTable;
import pitr.migrate.api.Progress;
import pitr.migrate.api.RunMode;

/** The {@link MigrationContext} the runner hands a migration. */
final class RunContext implements MigrationContext {
  private final RunMode mode;
  private final boolean dryRun;
  private final String runId;
  private final Map<String, TableHandle> tables;
  private final Clock clock;
  private final ProgressCounter progress;
  private final Log log;
  private final Counters metrics;

  RunContext(
      RunMode mode,
      boolean dryRun,
      String runId,
      String migration,
      Map<String, TableHandle> tables,
      Clock clock,
      MeterRegistry registry,
      ProgressCounter progress) {
    this.mode = mode;
    this.progress = progress;
    this.dryRun = dryRun;
    this.runId = runId;
    this.tables = tables;
    this.clock = clock;
    this.log = new Log(LoggerFactory.getLogger("pitr.migrate.migration"), migration);
    this.metrics = new Counters(registry, migration);
  }

  ProgressCounter progressCounter() {
    return progress;
  }

  /** Items written (put, updated, deleted) to every table so far, confirmed by DynamoDB. */
  long written() {
    return tables.values().stream().mapToLong(t -> t.tally().written()).sum();
  }

  Map<String, Long> counters() {
    return metrics.snapshot();
  }

  @Override
  public RunMode mode() {
    return mode;
  }

  @Override
  public boolean dryRun() {
    return dryRun;
  }

  @Override
  public String runId() {
    return runId;
  }

  @Override
  public MigrationTable table(String name) {
    TableHandle t = tables.get(name);
    if (t == null) {
      throw new IllegalArgumentException(
          "table "
              + name
              + " is not declared; add it to tables() (declared: "
              + String.join(", ", new TreeMap<>(tables).keySet())
              + ")");
    }
    return t;
  }

  @Override
  public MigrationLog log() {
    return log;
  }

  @Override
  public Progress progress() {
    return progress;
  }

  @Override
  public MigrationMetrics metrics() {
    return metrics;
  }

  @Override
  public Clock clock() {
    return clock;
  }

  /** Progress shared by the run's scans and the migration. */
  static final class ProgressCounter implements Progress {
    private final AtomicLong total = new AtomicLong(-1);
    private final LongAdder done = new LongAdder();

    @Override
    public void expect(long n) {
      total.set(n);
    }

    @Override
    public void advance(long units) {
      done.add(units);
    }

    @Override
    public long done() {
      return done.sum();
    }

    long total() {
      return total.get();
    }
  }

  private record Log(Logger logger, String migration) implements MigrationLog {
    @Override
    public void info(String message, Object... keyValues) {
      if (logger.isInfoEnabled()) {
        logger.info(format(message, keyValues));
      }
    }

    @Override
    public void warn(String message, Object... keyValues) {
      if (logger.isWarnEnabled()) {
        logger.warn(format(message, keyValues));
      }
    }

    @Override
    public void debug(String message, Object... keyValues) {
      if (logger.isDebugEnabled()) {
        logger.debug(format(message, keyValues));
      }
    }

    private String format(String message, Object... kv) {
      StringBuilder out = new StringBuilder(message).append(" migration=").append(migration);
      for (int i = 0; i + 1 < kv.length; i += 2) {
        out.append(' ').append(kv[i]).append('=').append(kv[i + 1]);
      }
      return out.toString();
    }
  }

  private static final class Counters implements MigrationMetrics {
    private final MeterRegistry registry;
    private final String migration;
    private final Map<String, LongAdder> values = new ConcurrentHashMap<>();

    Counters(MeterRegistry registry, String migration) {
      this.registry = registry;
      this.migration = migration;
    }

    @Override
    public void increment(String name, long amount) {
      values.computeIfAbsent(name, k -> new LongAdder()).add(amount);
      registry
          .counter(MigrateMeter.CUSTOM.meterName, "migration", migration, "name", name)
          .increment(amount);
    }

    Map<String, Long> snapshot() {
      Map<String, Long> out = new TreeMap<>();
      values.forEach((k, v) -> out.put(k, v.sum()));
      return out;
    }
  }
}
