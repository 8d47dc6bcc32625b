package pitr.local.capacity;

import java.time.Clock;
import java.util.Map;
import pitr.dynamo.ItemSizes;
import pitr.local.EngineConfig;
import pitr.local.Errors;
import pitr.local.SecondaryIndex;
import pitr.local.Table;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;

/**
 * Throughput as DynamoDB enforces it: each provisioned table and GSI has a read and a write {@link
 * TokenBucket} (on-demand tables only the engine's configured ceilings); a request is admitted
 * against them before it runs and charged what its {@link CapacityTally} says it consumed after.
 */
public final class Throughput {
  private final EngineConfig config;
  private final Clock clock;

  public Throughput(EngineConfig config) {
    this.config = config;
    this.clock = config.clock();
  }

  /** Sets up or resizes a table's capacity buckets after its billing or capacity changed. */
  public void configure(Table t) {
    configureBuckets(t);
    boolean limited = t.writeBucket != null;
    for (SecondaryIndex i : t.indexes.values()) {
      limited |= i.writeBucket != null;
    }
    t.writesLimited = limited;
  }

  private void configureBuckets(Table t) {
    long burst = config.burstSeconds();
    if (t.billingMode == BillingMode.PROVISIONED) {
      t.readBucket = bucket(t.readBucket, t.readCapacity, burst);
      t.writeBucket = bucket(t.writeBucket, t.writeCapacity, burst);
      for (SecondaryIndex i : t.globalIndexes()) {
        i.readBucket = bucket(i.readBucket, i.readCapacity, burst);
        i.writeBucket = bucket(i.writeBucket, i.writeCapacity, burst);
      }
    } else {
      t.readBucket =
          config.onDemandReadCeiling() > 0
              ? bucket(t.readBucket, config.onDemandReadCeiling(), 1)
              : null;
      t.writeBucket =
          config.onDemandWriteCeiling() > 0
              ? bucket(t.writeBucket, config.onDemandWriteCeiling(), 1)
              : null;
      for (SecondaryIndex i : t.globalIndexes()) {
        i.readBucket = null;
        i.writeBucket = null;
      }
    }
  }

  private TokenBucket bucket(TokenBucket existing, long rate, long burst) {
    if (rate <= 0) {
      return null;
    }
    if (existing == null) {
      return new TokenBucket(clock, rate, burst);
    }
    existing.reconfigure(rate, burst);
    return existing;
  }

  /** Whether a write of about {@code units} to {@code t} fits its table and GSI buckets now. */
  public static boolean admitsWrite(Table t, double units) {
    TokenBucket b = t.writeBucket;
    if (b != null && !b.admits(units)) {
      return false;
    }
    for (SecondaryIndex i : t.indexes.values()) {
      TokenBucket ib = i.writeBucket;
      if (ib != null && !ib.admits(1)) {
        return false;
      }
    }
    return true;
  }

  /** Refuses, with ProvisionedThroughputExceededException, a write that does not fit now. */
  public static void checkWrite(Table t, double units) {
    if (!admitsWrite(t, units)) {
      throw Errors.throughputExceeded();
    }
  }

  /** Takes what a request consumed out of the buckets of every table it touched. */
  public static void charge(CapacityTally tally, boolean read, Table... touched) {
    for (Table t : touched) {
      TokenBucket b = read ? t.readBucket : t.writeBucket;
      if (b != null) {
        b.consume(tally.tableUnits(t.name));
      }
      for (SecondaryIndex i : t.indexes.values()) {
        TokenBucket ib = read ? i.readBucket : i.writeBucket;
        if (ib != null) {
          ib.consume(tally.indexUnits(t.name, i.name));
        }
      }
    }
  }

  /** Refuses a read of {@code t} (or its GSI {@code idx}) whose bucket is empty. */
  public static void checkRead(Table t, SecondaryIndex idx) {
    TokenBucket b = idx != null && idx.global ? idx.readBucket : t.readBucket;
    if (b != null && !b.admits(1)) {
      throw Errors.throughputExceeded();
    }
  }

  /** The write units a write of {@code image} (null: a delete) is admitted against. */
  public static double estimateWrite(Map<String, AttributeValue> image) {
    return image == null ? 1 : CapacityTally.writeUnits(ItemSizes.size(image));
  }
}
