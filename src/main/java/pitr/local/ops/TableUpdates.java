package pitr.local.ops;

import pitr.local.Errors;
import pitr.local.Table;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexUpdate;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableRequest;

/**
 * UpdateTable's checks that DynamoDB makes before changing anything: the request must ask for a
 * change, each index update must name one action, and a throughput must be in range and differ from
 * the table's.
 */
final class TableUpdates {
  private TableUpdates() {}

  /** The checks of the request alone, made before the table is looked up. */
  static void checkRequest(UpdateTableRequest r) {
    boolean indexUpdates =
        r.hasGlobalSecondaryIndexUpdates() && !r.globalSecondaryIndexUpdates().isEmpty();
    boolean anyChange =
        indexUpdates
            || r.provisionedThroughput() != null
            || r.billingMode() != null
            || r.streamSpecification() != null
            || r.sseSpecification() != null
            || r.hasReplicaUpdates()
            || r.deletionProtectionEnabled() != null
            || r.onDemandThroughput() != null
            || r.warmThroughput() != null
            || r.tableClass() != null
            || r.multiRegionConsistency() != null;
    if (!anyChange) {
      throw Errors.validation(
          "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled,"
              + " GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates,"
              + " MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency,"
              + " DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is"
              + " required");
    }
    if (r.hasGlobalSecondaryIndexUpdates() && !indexUpdates) {
      throw Errors.validation(
          "One or more parameter values were invalid: List of GlobalSecondaryIndexUpdates is"
              + " empty");
    }
    if (indexUpdates) {
      for (GlobalSecondaryIndexUpdate u : r.globalSecondaryIndexUpdates()) {
        if (u.create() == null && u.update() == null && u.delete() == null) {
          throw Errors.validation(
              "One or more parameter values were invalid: One of"
                  + " GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create,"
                  + " GlobalSecondaryIndexUpdate.Delete must not be null");
        }
      }
    }
    TableSchemas.checkBounds(r.provisionedThroughput());
  }

  /** Refuses a provisioned throughput equal to the table's current one, as DynamoDB does. */
  static void checkThroughputChanges(Table t, UpdateTableRequest r) {
    ProvisionedThroughput pt = r.provisionedThroughput();
    boolean staysProvisioned =
        r.billingMode() == null || r.billingMode() == BillingMode.PROVISIONED;
    if (pt == null
        || !staysProvisioned
        || t.billingMode != BillingMode.PROVISIONED
        || pt.readCapacityUnits() == null
        || pt.writeCapacityUnits() == null
        || pt.readCapacityUnits() != t.readCapacity
        || pt.writeCapacityUnits() != t.writeCapacity) {
      return;
    }
    throw Errors.validation(
        "The provisioned throughput for the table will not change. The requested value equals the"
            + " current value. Current ReadCapacityUnits provisioned for the table: "
            + t.readCapacity
            + ". Requested ReadCapacityUnits: "
            + pt.readCapacityUnits()
            + ". Current WriteCapacityUnits provisioned for the table: "
            + t.writeCapacity
            + ". Requested WriteCapacityUnits: "
            + pt.writeCapacityUnits()
            + ". Refer to the Amazon DynamoDB Developer Guide for current limits and how to request"
            + " higher limits.");
  }
}
