package pitr.local.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import pitr.local.Errors;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;

/**
 * CreateTable's checks of secondary-index definitions, with DynamoDB's messages: first the
 * constraints on the members (name length and pattern, projection type, a non-empty
 * NonKeyAttributes), all reported in one message, then the rules that tie members together
 * (NonKeyAttributes only with INCLUDE, index throughput only on provisioned tables).
 */
final class IndexDefinitions {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.-]+");

  private IndexDefinitions() {}

  /** The member constraints of every index, before any other check of the request. */
  static void checkConstraints(CreateTableRequest r) {
    List<String> errors = new ArrayList<>();
    if (r.hasGlobalSecondaryIndexes()) {
      for (int i = 0; i < r.globalSecondaryIndexes().size(); i++) {
        GlobalSecondaryIndex g = r.globalSecondaryIndexes().get(i);
        constraints("globalSecondaryIndexes." + (i + 1), g.indexName(), g.projection(), errors);
      }
    }
    if (r.hasLocalSecondaryIndexes()) {
      for (int i = 0; i < r.localSecondaryIndexes().size(); i++) {
        LocalSecondaryIndex l = r.localSecondaryIndexes().get(i);
        constraints("localSecondaryIndexes." + (i + 1), l.indexName(), l.projection(), errors);
      }
    }
    if (!errors.isEmpty()) {
      throw Errors.validation(
          errors.size()
              + (errors.size() == 1 ? " validation error" : " validation errors")
              + " detected: "
              + String.join("; ", errors));
    }
  }

  private static void constraints(
      String at, String name, Projection projection, List<String> errors) {
    if (name != null) {
      if (!NAME.matcher(name).matches()) {
        errors.add(
            violation(
                name,
                at + ".member.indexName",
                "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"));
      }
      if (name.length() < 3) {
        errors.add(
            violation(
                name,
                at + ".member.indexName",
                "Member must have length greater than or equal to 3"));
      } else if (name.length() > 255) {
        errors.add(
            violation(
                name,
                at + ".member.indexName",
                "Member must have length less than or equal to 255"));
      }
    }
    if (projection == null) {
      return;
    }
    if (projection.projectionType() == ProjectionType.UNKNOWN_TO_SDK_VERSION) {
      errors.add(
          violation(
              projection.projectionTypeAsString(),
              at + ".member.projection.projectionType",
              "Member must satisfy enum value set: [ALL, INCLUDE, KEYS_ONLY]"));
    }
    if (projection.hasNonKeyAttributes() && projection.nonKeyAttributes().isEmpty()) {
      errors.add(
          violation(
              "[]",
              at + ".member.projection.nonKeyAttributes",
              "Member must have length greater than or equal to 1"));
    }
  }

  private static String violation(String value, String at, String constraint) {
    return "Value '" + value + "' at '" + at + "' failed to satisfy constraint: " + constraint;
  }

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
}
