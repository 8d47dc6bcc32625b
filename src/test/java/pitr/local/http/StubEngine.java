package pitr.local.http;

import java.time.Instant;
import java.util.List;
import pitr.local.Errors;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.ListTablesRequest;
import software.amazon.awssdk.services.dynamodb.model.ListTablesResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * A test stand-in for the engine: serves three operations, echoing requests back, or throws the
 * failure a test sets.
 */
final class StubEngine {
  static final Instant CREATED = Instant.parse("2024-05-01T10:15:30.125Z");

  volatile RuntimeException failure;

  public ListTablesResponse listTables(ListTablesRequest request) {
    failIfAsked();
    return ListTablesResponse.builder()
        .tableNames(List.of("alpha", "beta"))
        .lastEvaluatedTableName(request.exclusiveStartTableName())
        .build();
  }

  public PutItemResponse putItem(PutItemRequest request) {
    failIfAsked();
    return PutItemResponse.builder().attributes(request.item()).build();
  }

  public DescribeTableResponse describeTable(DescribeTableRequest request) {
    failIfAsked();
    if (request.tableName().equals("missing")) {
      throw Errors.tableNotFound("missing");
    }
    return DescribeTableResponse.builder()
        .table(
            t ->
                t.tableName(request.tableName())
                    .tableStatus(TableStatus.ACTIVE)
                    .creationDateTime(CREATED)
                    .itemCount(3L))
        .build();
  }

  private void failIfAsked() {
    RuntimeException e = failure;
    if (e != null) {
      throw e;
    }
  }
}
