package pitr.local.ops;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
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

  private static final Pattern TABLE_NAME = Pattern.compile("[a-zA-Z0-9_.-]+");

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

  /**
   * The constraints of a table name given in member {@code member}, all violations in one message
   * as DynamoDB reports them; null passes.
   */
  static void checkName(String name, String member) {
    if (name == null) {
      return;
    }
    java.util.List<String> errors = new java.util.ArrayList<>();
    String at = "Value '" + name + "' at '" + member + "' failed to satisfy constraint: ";
    if (!TABLE_NAME.matcher(name).matches()) {
      errors.add(at + "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
    }
    if (name.length() < 3) {
      errors.add(at + "Member must have length greater than or equal to 3");
    } else if (name.length() > 255) {
      errors.add(at + "Member must have length less than or equal to 255");
    }
    if (!errors.isEmpty()) {
      throw Errors.validation(
          errors.size()
              + (errors.size() == 1 ? " validation error" : " validation errors")
              + " detected: "
              + String.join("; ", errors));
    }
  }

  static void checkTableName(String name) {
    if (name == null) {
      throw Errors.validation(
          "1 validation error detected: Value null at 'tableName' failed to satisfy constraint:"
              + " Member must not be null");
    }
    if (name.length() < 3 || name.length() > 255) {
      throw Errors.validation(
          "1 validation error detected: Value '"
              + name
              + "' at 'tableName' failed to satisfy constraint: Member must have length greater"
              + " than or equal to 3 and less than or equal to 255");
    }
    if (!TABLE_NAME.matcher(name).matches()) {
      throw Errors.validation(
          "1 validation error detected: Value '"
              + name
              + "' at 'tableName' failed to satisfy constraint: Member must satisfy regular"
              + " expression pattern: [a-zA-Z0-9_.-]+");
    }
  }
}
