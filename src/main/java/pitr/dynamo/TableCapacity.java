package pitr.dynamo;

import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * What a table can take per second as its description states it: the provisioned capacity of a
 * provisioned table, or the maximum request units set on an on-demand one; 0 when it states none
 * (on-demand without a maximum). A rate limiter starts at no more than this ({@link
 * AdaptiveRateLimiter#create(double, double, reactor.core.scheduler.Scheduler)}).
 */
public final class TableCapacity {
  private TableCapacity() {}

  /** Write units per second {@code table} can take, or 0 when its description sets no limit. */
  public static double writeUnits(TableDescription table) {
    if (table == null) {
      return 0;
    }
    if (table.provisionedThroughput() != null
        && table.provisionedThroughput().writeCapacityUnits() != null
        && table.provisionedThroughput().writeCapacityUnits() > 0) {
      return table.provisionedThroughput().writeCapacityUnits();
    }
    if (table.onDemandThroughput() != null
        && table.onDemandThroughput().maxWriteRequestUnits() != null
        && table.onDemandThroughput().maxWriteRequestUnits() > 0) {
      return table.onDemandThroughput().maxWriteRequestUnits();
    }
    return 0;
  }
}
