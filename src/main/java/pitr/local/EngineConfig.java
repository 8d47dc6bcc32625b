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
    Lifecycle lifecycle) {

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
        Lifecycle.DEFAULTS);
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
        lifecycle);
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
        lifecycle);
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
        lifecycle);
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
        lifecycle);
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
        lifecycle);
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
        lifecycle);
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
        lifecycle);
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
        v);
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
