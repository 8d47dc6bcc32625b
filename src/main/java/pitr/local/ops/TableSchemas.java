package pitr.local.ops;

import java.util.List;
import java.util.Set;
import pitr.local.Errors;
import pitr.local.SecondaryIndex;
import pitr.local.Table;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;

/** The checks of a table's definition shared by CreateTable, UpdateTable and the restores. */
final class TableSchemas {
  private TableSchemas() {}

  /** The most capacity units DynamoDB accepts in a ProvisionedThroughput. */
  static final long MAX_CAPACITY_UNITS = 1_000_000_000_000L;

  static void addIndex(
      Table t,
      Set<String> names,
      String name,
      boolean global,
      List<KeySchemaElement> ks,
      Projection projection,
      long rcu,
      long wcu) {
    if (name == null || !names.add(name)) {
      throw Errors.validation(
          "One or more parameter values were invalid: Duplicate index name: " + name);
    }
    if (ks == null || ks.isEmpty() || ks.get(0).keyType() != KeyType.HASH) {
      throw Errors.validation(
          "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
    }
    if (projection == null || projection.projectionType() == null) {
      throw Errors.validation(
          "One or more parameter values were invalid: Unknown ProjectionType: null");
    }
    IndexDefinitions.checkProjection(projection);
    t.indexes.put(
        name,
        new SecondaryIndex(
            name,
            global,
            ks.get(0).attributeName(),
            ks.size() > 1 ? ks.get(1).attributeName() : null,
            projection.projectionType(),
            projection.nonKeyAttributes(),
            rcu,
            wcu));
  }

  static long[] checkThroughput(BillingMode billing, ProvisionedThroughput pt) {
    if (billing == BillingMode.PAY_PER_REQUEST) {
      if (pt != null) {
        throw Errors.validation(
            "One or more parameter values were invalid: Neither ReadCapacityUnits nor"
                + " WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
      }
      return new long[] {0, 0};
    }
    if (pt == null || pt.readCapacityUnits() == null || pt.writeCapacityUnits() == null) {
      throw Errors.validation(
          "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits"
              + " must both be specified when BillingMode is PROVISIONED");
    }
    if (pt.readCapacityUnits() < 1 || pt.writeCapacityUnits() < 1) {
      throw Errors.validation(
          "One or more parameter values were invalid: Provisioned throughput must be at least 1"
              + " for both ReadCapacityUnits and WriteCapacityUnits");
    }
    checkBounds(pt);
    return new long[] {pt.readCapacityUnits(), pt.writeCapacityUnits()};
  }

  /** Refuses capacity units above DynamoDB's maximum, reads first. */
  static void checkBounds(ProvisionedThroughput pt) {
    if (pt == null) {
      return;
    }
    Long read = pt.readCapacityUnits();
    Long write = pt.writeCapacityUnits();
    if (read != null && read > MAX_CAPACITY_UNITS) {
      throw Errors.validation("Given value " + read + " for ReadCapacityUnits is out of bounds");
    }
    if (write != null && write > MAX_CAPACITY_UNITS) {
      throw Errors.validation("Given value " + write + " for WriteCapacityUnits is out of bounds");
    }
  }
}
