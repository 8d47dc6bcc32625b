package pitr.local;

import java.time.Clock;
import java.time.Duration;

/**
 * Settings of an embedded engine. Start from {@link #defaults()} and change what a test or drill
 * needs with the {@code with...} methods, or several at once with {@link #toBuilder()}.
 *
 * @param clock source of time for item history, table states and throughput buckets
 * @param region region reported in ARNs
 * @param accountId account reported in ARNs
 * @param tableActivationDelay how long a new table stays CREATING before it turns ACTIVE
 * @param restoreDuration how long a restored table stays CREATING (AWS: 20 minutes or more)
 * @param restoreLag how far LatestRestorableDateTime trails now (AWS: about 5 minutes)
 * @param burstSeconds seconds of unused provisioned capacity a table may bank (DynamoDB: 300)
 * @param onDemandWriteCeiling write units per second an on-demand table may take; 0 for no limit
 * @param onDemandReadCeiling read units per second an on-demand table may take; 0 for no limit
 * @param faults faults to inject into requests; {@link Faults#NONE} for none
 * @param lifecycle how long table updates, deletions, index builds and TTL changes take, and how
 *     often expired items are swept
 * @param exports where ExportTableToPointInTime writes, the shortest incremental window it takes
 *     and how long an export stays IN_PROGRESS
 * @param validateRequests whether requests are checked against the service model's constraints
 *     (always, but for {@code pitr bench engine}, which turns it off to measure what the check
 *     costs: an engine without it accepts requests DynamoDB refuses)
 */
public record EngineConfig(
    Clock clock,
    String region,
    String accountId,
    Duration tableActivationDelay,
    Duration restoreDuration,
    Duration restoreLag,
    long burstSeconds,
    long onDemandWriteCeiling,
    long onDemandReadCeiling,
    Faults faults,
    Lifecycle lifecycle,
    Exports exports,
    boolean validateRequests) {

  /**
   * Defaults for tests, drills and the local server: system clock, us-east-1, tables active at
   * once, restores done at once, latest restorable time one second behind now, DynamoDB's 300 s
   * burst, no on-demand ceiling, no faults, every request checked.
   */
  public static EngineConfig defaults() {
    return new EngineConfig(
        Clock.systemUTC(),
        "us-east-1",
        "000000000000",
        Duration.ZERO,
        Duration.ZERO,
        Duration.ofSeconds(1),
        300,
        0,
        0,
        Faults.NONE,
        Lifecycle.DEFAULTS,
        Exports.DEFAULTS,
        true);
  }

  /** A builder holding these settings, to change several at once. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  public EngineConfig withClock(Clock v) {
    return toBuilder().clock(v).build();
  }

  public EngineConfig withTableActivationDelay(Duration v) {
    return toBuilder().tableActivationDelay(v).build();
  }

  public EngineConfig withRestoreDuration(Duration v) {
    return toBuilder().restoreDuration(v).build();
  }

  public EngineConfig withRestoreLag(Duration v) {
    return toBuilder().restoreLag(v).build();
  }

  public EngineConfig withBurstSeconds(long v) {
    return toBuilder().burstSeconds(v).build();
  }

  public EngineConfig withOnDemandCeiling(long readUnits, long writeUnits) {
    return toBuilder().onDemandCeiling(readUnits, writeUnits).build();
  }

  public EngineConfig withFaults(Faults v) {
    return toBuilder().faults(v).build();
  }

  public EngineConfig withLifecycle(Lifecycle v) {
    return toBuilder().lifecycle(v).build();
  }

  public EngineConfig withExports(Exports v) {
    return toBuilder().exports(v).build();
  }

  /**
   * Settings without the model check of requests: for {@code pitr bench engine} only, to measure
   * what the check costs. Never for tests, drills or {@code local serve}.
   */
  public EngineConfig withoutRequestValidation() {
    return toBuilder().validateRequests(false).build();
  }

  /** Changes several settings at once; {@link #build()} makes the {@link EngineConfig}. */
  public static final class Builder {
    private Clock clock;
    private String region;
    private String accountId;
    private Duration tableActivationDelay;
    private Duration restoreDuration;
    private Duration restoreLag;
    private long burstSeconds;
    private long onDemandWriteCeiling;
    private long onDemandReadCeiling;
    private Faults faults;
    private Lifecycle lifecycle;
    private Exports exports;
    private boolean validateRequests;

    private Builder(EngineConfig c) {
      clock = c.clock;
      region = c.region;
      accountId = c.accountId;
      tableActivationDelay = c.tableActivationDelay;
      restoreDuration = c.restoreDuration;
      restoreLag = c.restoreLag;
      burstSeconds = c.burstSeconds;
      onDemandWriteCeiling = c.onDemandWriteCeiling;
      onDemandReadCeiling = c.onDemandReadCeiling;
      faults = c.faults;
      lifecycle = c.lifecycle;
      exports = c.exports;
      validateRequests = c.validateRequests;
    }

    public Builder clock(Clock v) {
      clock = v;
      return this;
    }

    public Builder tableActivationDelay(Duration v) {
      tableActivationDelay = v;
      return this;
    }

    public Builder restoreDuration(Duration v) {
      restoreDuration = v;
      return this;
    }

    public Builder restoreLag(Duration v) {
      restoreLag = v;
      return this;
    }

    public Builder burstSeconds(long v) {
      burstSeconds = v;
      return this;
    }

    public Builder onDemandCeiling(long readUnits, long writeUnits) {
      onDemandReadCeiling = readUnits;
      onDemandWriteCeiling = writeUnits;
      return this;
    }

    public Builder faults(Faults v) {
      faults = v;
      return this;
    }

    public Builder lifecycle(Lifecycle v) {
      lifecycle = v;
      return this;
    }

    public Builder exports(Exports v) {
      exports = v;
      return this;
    }

    Builder validateRequests(boolean v) {
      validateRequests = v;
      return this;
    }

    public EngineConfig build() {
      return new EngineConfig(
          clock,
          region,
          accountId,
          tableActivationDelay,
          restoreDuration,
          restoreLag,
          burstSeconds,
          onDemandWriteCeiling,
          onDemandReadCeiling,
          faults,
          lifecycle,
          exports,
          validateRequests);
    }
  }

  /**
   * Where and how the engine writes point-in-time exports (ExportTableToPointInTime).
   *
   * @param minWindow the shortest incremental export window (DynamoDB: 15 minutes); a rehearsal on
   *     a real clock may lower it
   * @param duration how long an export stays IN_PROGRESS before it is COMPLETED
   * @param s3Endpoint the S3 API exports are written to (e.g. moto_server), or null
   * @param directory when no S3 endpoint is given, a directory laid out as S3: bucket B is the
   *     folder {@code directory/B}; null when neither is given, so every export fails as on a
   *     missing bucket
   */
  public record Exports(
      Duration minWindow,
      Duration duration,
      java.net.URI s3Endpoint,
      java.nio.file.Path directory) {

    /** DynamoDB's 15-minute minimum window, exports complete at once, nowhere to write. */
    public static final Exports DEFAULTS =
        new Exports(Duration.ofMinutes(15), Duration.ZERO, null, null);

    /** DynamoDB's longest incremental export window. */
    public static final Duration MAX_WINDOW = Duration.ofHours(24);

    public Exports withMinWindow(Duration v) {
      return new Exports(v, duration, s3Endpoint, directory);
    }

    public Exports withDuration(Duration v) {
      return new Exports(minWindow, v, s3Endpoint, directory);
    }

    public Exports withS3Endpoint(java.net.URI v) {
      return new Exports(minWindow, duration, v, directory);
    }

    public Exports withDirectory(java.nio.file.Path v) {
      return new Exports(minWindow, duration, s3Endpoint, v);
    }
  }

  /**
   * The engine's table lifecycle timings, each measured on the engine's clock. The durations
   * default to zero, so that nothing waits unless a test or drill asks for DynamoDB's delays.
   *
   * @param updateDuration how long a table stays UPDATING after UpdateTable, and a new global
   *     secondary index CREATING (backfilling)
   * @param deleteDuration how long a deleted table stays DELETING before it is gone
   * @param ttlTransition how long a TTL change stays ENABLING or DISABLING (AWS: up to an hour,
   *     usually moments)
   * @param ttlSweepInterval how often the background sweep deletes expired items; zero for no
   *     background sweep (tests call {@link LocalEngine#sweepExpiredItems} themselves)
   */
  public record Lifecycle(
      Duration updateDuration,
      Duration deleteDuration,
      Duration ttlTransition,
      Duration ttlSweepInterval) {

    /** Updates and deletions at once, TTL changes at once, expired items swept every 5 s. */
    public static final Lifecycle DEFAULTS =
        new Lifecycle(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(5));

    public Lifecycle withUpdateDuration(Duration v) {
      return new Lifecycle(v, deleteDuration, ttlTransition, ttlSweepInterval);
    }

    public Lifecycle withDeleteDuration(Duration v) {
      return new Lifecycle(updateDuration, v, ttlTransition, ttlSweepInterval);
    }

    public Lifecycle withTtlTransition(Duration v) {
      return new Lifecycle(updateDuration, deleteDuration, v, ttlSweepInterval);
    }

    public Lifecycle withTtlSweepInterval(Duration v) {
      return new Lifecycle(updateDuration, deleteDuration, ttlTransition, v);
    }
  }
}
