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

  /** Read units per second {@code table} can take, or 0 when its description sets no limit. */
  public static double readUnits(TableDescription table) {
    if (table == null) {
      return 0;
    }
    if (table.provisionedThroughput() != null
        && table.provisionedThroughput().readCapacityUnits() != null
        && table.provisionedThroughput().readCapacityUnits() > 0) {
      return table.provisionedThroughput().readCapacityUnits();
    }
    if (table.onDemandThroughput() != null
        && table.onDemandThroughput().maxReadRequestUnits() != null
        && table.onDemandThroughput().maxReadRequestUnits() > 0) {
      return table.onDemandThroughput().maxReadRequestUnits();
    }
    return 0;
  }

  /**
   * Write units per second the tables of {@code tables} can take together, or 0 when one of them
   * sets no limit (the writes could all go there).
   */
  public static double totalWriteUnits(Iterable<TableDescription> tables) {
    double sum = 0;
    for (TableDescription t : tables) {
      double units = writeUnits(t);
      if (units <= 0) {
        return 0;
      }
      sum += units;
    }
    return sum;
  }
}
