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
    Faults faults) {

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
        Faults.NONE);
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
        faults);
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
        faults);
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
        faults);
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
        faults);
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
        faults);
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
        faults);
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
        v);
  }
}
