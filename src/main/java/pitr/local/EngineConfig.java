package pitr.local;

import java.time.Clock;
import java.time.Duration;

/**
 * Settings of an embedded engine. Start from {@link #defaults()} and change what a test or drill
 * needs with the {@code with...} methods.
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
    Exports exports) {

  /**
   * Defaults for tests, drills and the local server: system clock, us-east-1, tables active at
   * once, restores done at once, latest restorable time one second behind now, DynamoDB's 300 s
   * burst, no on-demand ceiling, no faults.
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
        Exports.DEFAULTS);
  }

  public EngineConfig withClock(Clock v) {
    return new EngineConfig(
        v,
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
        exports);
  }

  public EngineConfig withTableActivationDelay(Duration v) {
    return new EngineConfig(
        clock,
        region,
        accountId,
        v,
        restoreDuration,
        restoreLag,
        burstSeconds,
        onDemandWriteCeiling,
        onDemandReadCeiling,
        faults,
        lifecycle,
        exports);
  }

  public EngineConfig withRestoreDuration(Duration v) {
    return new EngineConfig(
        clock,
        region,
        accountId,
        tableActivationDelay,
        v,
        restoreLag,
        burstSeconds,
        onDemandWriteCeiling,
        onDemandReadCeiling,
        faults,
        lifecycle,
        exports);
  }

  public EngineConfig withRestoreLag(Duration v) {
    return new EngineConfig(
        clock,
        region,
        accountId,
        tableActivationDelay,
        restoreDuration,
        v,
        burstSeconds,
        onDemandWriteCeiling,
        onDemandReadCeiling,
        faults,
        lifecycle,
        exports);
  }

  public EngineConfig withBurstSeconds(long v) {
    return new EngineConfig(
        clock,
        region,
        accountId,
        tableActivationDelay,
        restoreDuration,
        restoreLag,
        v,
        onDemandWriteCeiling,
        onDemandReadCeiling,
        faults,
        lifecycle,
        exports);
  }

  public EngineConfig withOnDemandCeiling(long readUnits, long writeUnits) {
    return new EngineConfig(
        clock,
        region,
        accountId,
        tableActivationDelay,
        restoreDuration,
        restoreLag,
        burstSeconds,
        writeUnits,
        readUnits,
        faults,
        lifecycle,
        exports);
  }

  public EngineConfig withFaults(Faults v) {
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
        v,
        lifecycle,
        exports);
  }

  public EngineConfig withLifecycle(Lifecycle v) {
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
        v,
        exports);
  }

  public EngineConfig withExports(Exports v) {
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
        v);
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
