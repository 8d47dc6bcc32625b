package pitr.cli;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * The range of every numeric and duration option of the command line, one {@link RangeConverter}
 * each, named in the option's {@code converter} attribute. A value outside its range is refused
 * when the command line is parsed, before any work, with exit code 2.
 */
final class Ranges {
  private Ranges() {}

  // Rates ----------------------------------------------------------------------------------------

  /** {@code --max-wcu}: write capacity units per second. */
  static final class WriteUnits extends RangeConverter.Numbers<WriteRateOptions.Cap> {
    WriteUnits() {
      super(BigDecimal.ZERO, BigDecimal.valueOf(1_000_000), true, " (0 = no cap)");
    }

    @Override
    WriteRateOptions.Cap value(BigDecimal number) {
      return new WriteRateOptions.Cap(number.doubleValue());
    }
  }

  /** {@code copy-back --max-rcu}: read capacity units per second for the scans. */
  static final class ReadUnits extends RangeConverter.Doubles {
    ReadUnits() {
      super("0", "1000000", true, " (0 = no cap)");
    }
  }

  /** {@code bench copy-back --rate-wcu}. */
  static final class BenchWriteUnits extends RangeConverter.Doubles {
    BenchWriteUnits() {
      super("0", "1000000", true, " (0 skips the rate run)");
    }
  }

  // Parallelism, retries, sizes ------------------------------------------------------------------

  /**
   * {@code copy-back --segments}. At most 10,000, an AWS Batch array job's largest size, so every
   * worker can have a segment; each segment keeps a checkpoint.
   */
  static final class CopySegments extends RangeConverter.Ints {
    CopySegments() {
      super(
          1,
          10_000,
          ", or leave --segments out for one per 128 MB of the source (4 to 1,000 segments)");
    }
  }

  /** Parallel-scan segments, e.g. {@code diff --segments}. */
  static final class Segments extends RangeConverter.Ints {
    Segments() {
      super(1, 10_000);
    }
  }

  /** Requests in flight at once, e.g. {@code copy-back --concurrency}. */
  static final class Concurrency extends RangeConverter.Ints {
    Concurrency() {
      super(1, 1_000);
    }
  }

  /** Retries of one write or batch, {@code --retries}. */
  static final class Retries extends RangeConverter.Ints {
    Retries() {
      super(0, 100);
    }
  }

  /** {@code diff --sample}: sample keys shown per kind. */
  static final class Sample extends RangeConverter.Ints {
    Sample() {
      super(0, 1_000);
    }
  }

  /** Hidden {@code --chunk-items}: items per checkpointed chunk of a rollback apply. */
  static final class ChunkItems extends RangeConverter.Ints {
    ChunkItems() {
      super(1, 100_000);
    }
  }

  /** Hidden {@code --partition-items}: items per spill partition of a rollback plan. */
  static final class PartitionItems extends RangeConverter.Ints {
    PartitionItems() {
      super(1, 10_000_000);
    }
  }

  /** A TCP port: {@code --metrics-port}, {@code local serve --port}. */
  static final class Port extends RangeConverter.Ints {
    Port() {
      super(0, 65_535, " (0 picks a free port)");
    }

    @Override
    String range() {
      return "0-65535";
    }
  }

  /** {@code local serve --burst-seconds}: seconds of unused provisioned capacity a table banks. */
  static final class BurstSeconds extends RangeConverter.Longs {
    BurstSeconds() {
      super(0, 3_600, " (DynamoDB banks 300)");
    }
  }

  /** {@code local serve --on-demand-max-wcu} and {@code --on-demand-max-rcu}. */
  static final class OnDemandUnits extends RangeConverter.Longs {
    OnDemandUnits() {
      super(0, 1_000_000, " (0 = no limit)");
    }
  }

  /** {@code drill --scale}: factor for generated item counts. */
  static final class Scale extends RangeConverter.Doubles {
    Scale() {
      super("0.001", "1000", false, "");
    }
  }

  // Demo and benchmarks --------------------------------------------------------------------------

  /** {@code local demo --items}. */
  static final class DemoItems extends RangeConverter.Ints {
    DemoItems() {
      super(1, 1_000_000);
    }
  }

  /** {@code bench restore --items}. */
  static final class RestoreBenchItems extends RangeConverter.Ints {
    RestoreBenchItems() {
      super(10, 100_000_000);
    }
  }

  /** {@code bench copy-back --items}. */
  static final class CopyBenchItems extends RangeConverter.Ints {
    CopyBenchItems() {
      super(1_000, 100_000_000);
    }
  }

  /** {@code migrate bench --items}. */
  static final class MigrateBenchItems extends RangeConverter.Longs {
    MigrateBenchItems() {
      super(1, 100_000_000);
    }
  }

  /** {@code bench copy-back --payload-bytes}. */
  static final class PayloadBytes extends RangeConverter.Ints {
    PayloadBytes() {
      super(1, 390_000, " (items are at most 400 KB)");
    }
  }

  /** Measured rounds of a benchmark. */
  static final class Rounds extends RangeConverter.Ints {
    Rounds() {
      super(1, 100);
    }
  }

  /** Uncounted warm-up rounds of a benchmark. */
  static final class WarmupRounds extends RangeConverter.Ints {
    WarmupRounds() {
      super(0, 100);
    }
  }

  /** {@code bench engine --seconds}. */
  static final class BenchSeconds extends RangeConverter.Ints {
    BenchSeconds() {
      super(1, 3_600);
    }
  }

  /** {@code bench engine-scale --seconds}: fractions allowed, for quick checks. */
  static final class ScaleSeconds extends RangeConverter.Doubles {
    ScaleSeconds() {
      super("0.1", "3600", false, "");
    }
  }

  /** {@code bench copy-back --rate-seconds}. */
  static final class RateSeconds extends RangeConverter.Ints {
    RateSeconds() {
      super(2, 3_600);
    }
  }

  // Durations ------------------------------------------------------------------------------------

  /** How long to wait for a restored table: {@code --wait-timeout}, {@code --restore-timeout}. */
  static final class RestoreTimeout extends RangeConverter.Spans {
    RestoreTimeout() {
      super(Duration.ofSeconds(1), Duration.ofDays(7));
    }
  }

  /** Hidden {@code restore --poll-interval}. */
  static final class PollInterval extends RangeConverter.Spans {
    PollInterval() {
      super(Duration.ofMillis(10), Duration.ofMinutes(10));
    }
  }

  /** Hidden {@code --max-backoff}: the longest wait between retries. */
  static final class MaxBackoff extends RangeConverter.Spans {
    MaxBackoff() {
      super(Duration.ofMillis(1), Duration.ofMinutes(10));
    }
  }

  /** {@code --progress-interval}. */
  static final class ProgressInterval extends RangeConverter.Spans {
    ProgressInterval() {
      super(Duration.ofMillis(100), Duration.ofHours(1));
    }
  }

  /** {@code migrate prod --max-restore-lag}; 35 days is the longest PITR window. */
  static final class RestoreLag extends RangeConverter.Spans {
    RestoreLag() {
      super(Duration.ofSeconds(1), Duration.ofDays(35));
    }
  }

  /** {@code local serve --restore-duration} and {@code --restore-lag}: the engine's delays. */
  static final class EngineDelay extends RangeConverter.Spans {
    EngineDelay() {
      super(Duration.ZERO, Duration.ofDays(1));
    }
  }

  /** {@code local serve --export-min-window}: the shortest incremental export window. */
  static final class ExportMinWindow extends RangeConverter.Spans {
    ExportMinWindow() {
      super(Duration.ofSeconds(1), Duration.ofDays(1));
    }
  }

  /** {@code local serve --ttl-sweep-interval}: how often expired items are deleted. */
  static final class SweepInterval extends RangeConverter.Spans {
    SweepInterval() {
      super(Duration.ofSeconds(1), Duration.ofDays(1));
    }
  }

  /** {@code migrate stale --older-than}. */
  static final class Age extends RangeConverter.Spans {
    Age() {
      super(Duration.ZERO, Duration.ofDays(36_500));
    }
  }
}
