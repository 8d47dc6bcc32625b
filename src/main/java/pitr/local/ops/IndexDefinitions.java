package pitr.local.ops;

import pitr.local.Errors;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;

/**
 * The checks of secondary-index definitions in CreateTable and UpdateTable, with DynamoDB's
 * messages: the rules that tie members together (NonKeyAttributes only with INCLUDE, index
 * throughput only on provisioned tables). The constraints on single members (name length and
 * pattern, projection type, a non-empty NonKeyAttributes) are the service model's, checked before
 * (pitr.local.validate).
 */
final class IndexDefinitions {
  private IndexDefinitions() {}

  /** NonKeyAttributes go with INCLUDE and only with it. */
  static void checkProjection(Projection projection) {
    ProjectionType type = projection.projectionType();
    if (projection.hasNonKeyAttributes() && type != ProjectionType.INCLUDE) {
      throw Errors.validation(
          "One or more parameter values were invalid: ProjectionType is "
              + type
              + ", but NonKeyAttributes is specified");
    }
    if (!projection.hasNonKeyAttributes() && type == ProjectionType.INCLUDE) {
      throw Errors.validation(
          "One or more parameter values were invalid: ProjectionType is INCLUDE, but"
              + " NonKeyAttributes is not specified");
    }
  }

  /**
   * A GSI's throughput: required on a provisioned table, refused on an on-demand one; returns the
   * read and write units.
   */
  static long[] throughput(BillingMode billing, String index, ProvisionedThroughput pt) {
    if (billing == BillingMode.PAY_PER_REQUEST) {
      if (pt != null) {
        throw Errors.validation(
            "One or more parameter values were invalid: ProvisionedThroughput should not be"
                + " specified for index: "
                + index
                + " when BillingMode is PAY_PER_REQUEST");
      }
      return new long[] {0, 0};
    }
    if (pt == null) {
      throw Errors.validation(
          "One or more parameter values were invalid: ProvisionedThroughput is not specified for"
              + " index: "
              + index);
    }
    return TableSchemas.checkThroughput(billing, pt);
  }

  /**
   * The throughput of a GSI that UpdateTable creates: required on a provisioned table, refused on
   * an on-demand one, in UpdateTable's words (CreateTable's differ); returns the read and write
   * units.
   */
  static long[] createdThroughput(BillingMode billing, String index, ProvisionedThroughput pt) {
    if (billing == BillingMode.PAY_PER_REQUEST) {
      if (pt != null) {
        throw Errors.validation(
            "One or more parameter values were invalid: Neither ReadCapacityUnits nor"
                + " WriteCapacityUnits can be specified for index: "
                + index
                + " when BillingMode is PAY_PER_REQUEST");
      }
      return new long[] {0, 0};
    }
    if (pt == null) {
      throw Errors.validation(
          "One or more parameter values were invalid: ProvisionedThroughput must be specified for"
              + " index: "
              + index);
    }
    return TableSchemas.checkThroughput(billing, pt);
  }
}
