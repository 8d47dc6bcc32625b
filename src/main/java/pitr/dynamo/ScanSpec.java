package pitr.dynamo;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * What to scan: a table, how many parallel segments, and an optional filter and projection.
 *
 * @param table table name
 * @param totalSegments number of parallel-scan segments (1 to 1,000,000)
 * @param filter a DynamoDB filter expression, or null
 * @param names expression attribute names for filter and projection, or empty
 * @param values expression attribute values for the filter, or empty
 * @param projection a projection expression, or null for whole items
 * @param consistent strongly consistent reads
 * @param limit items per page, or null for DynamoDB's 1 MB pages
 */
public record ScanSpec(
    String table,
    int totalSegments,
    String filter,
    Map<String, String> names,
    Map<String, AttributeValue> values,
    String projection,
    boolean consistent,
    Integer limit) {

  public ScanSpec {
    if (totalSegments < 1 || totalSegments > 1_000_000) {
      throw new IllegalArgumentException(
          "segments " + totalSegments + " is out of range; use 1 to 1000000");
    }
    names = names == null ? Map.of() : Map.copyOf(names);
    values = values == null ? Map.of() : Map.copyOf(values);
  }

  /** A whole-table scan in {@code totalSegments} segments. */
  public static ScanSpec of(String table, int totalSegments) {
    return new ScanSpec(table, totalSegments, null, Map.of(), Map.of(), null, false, null);
  }

  public ScanSpec withFilter(String expression) {
    return new ScanSpec(
        table, totalSegments, expression, names, values, projection, consistent, limit);
  }

  /** The same scan filtered by {@code expression}, which uses these placeholders. */
  public ScanSpec withFilter(
      String expression,
      Map<String, String> attributeNames,
      Map<String, AttributeValue> attributeValues) {
    return new ScanSpec(
        table,
        totalSegments,
        expression,
        attributeNames,
        attributeValues,
        projection,
        consistent,
        limit);
  }

  public ScanSpec withProjection(String expression, Map<String, String> attributeNames) {
    return new ScanSpec(
        table, totalSegments, filter, attributeNames, values, expression, consistent, limit);
  }

  public ScanSpec withLimit(Integer pageItems) {
    return new ScanSpec(
        table, totalSegments, filter, names, values, projection, consistent, pageItems);
  }

  /** The request for one page of {@code segment}, starting after {@code from} (null: the start). */
  ScanRequest request(int segment, Map<String, AttributeValue> from) {
    ScanRequest.Builder b =
        ScanRequest.builder()
            .tableName(table())
            .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
            .consistentRead(consistent());
    if (totalSegments() > 1) {
      b.segment(segment).totalSegments(totalSegments());
    }
    if (from != null && !from.isEmpty()) {
      b.exclusiveStartKey(from);
    }
    if (filter() != null) {
      b.filterExpression(filter());
    }
    if (projection() != null) {
      b.projectionExpression(projection());
    }
    if (!names().isEmpty()) {
      b.expressionAttributeNames(names());
    }
    if (!values().isEmpty()) {
      b.expressionAttributeValues(values());
    }
    if (limit() != null) {
      b.limit(limit());
    }
    return b.build();
  }
}
