package pitr.migrate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import pitr.ErrorCode;
import pitr.PitrException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.retry.Retry;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ContinuousBackupsDescription;
import software.amazon.awssdk.services.dynamodb.model.CreateBackupResponse;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeBackupResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The one place {@code pitr.migrate} calls DynamoDB: each SDK call wrapped once as a {@code Mono},
 * retried on throttling with one backoff spec, access-denied errors turned into a message that
 * names the table and the fix.
 *
 * <p>Stands in for {@code pitr.dynamo}'s gateway until that lands; swap the body, keep the
 * signatures.
 */
final class DynamoAdapter {
  private static final int MAX_BATCH_ATTEMPTS = 12;

  private final DynamoDbAsyncClient client;
  private final Scheduler scheduler;
  private final Retry retry;

  DynamoAdapter(DynamoDbAsyncClient client, Scheduler scheduler) {
    this.client = client;
    this.scheduler = scheduler;
    this.retry =
        Retry.backoff(10, Duration.ofMillis(25))
            .maxBackoff(Duration.ofSeconds(5))
            .jitter(0.5)
            .scheduler(scheduler)
            .filter(DynamoAdapter::isRetryable)
            .onRetryExhaustedThrow((spec, signal) -> signal.failure());
  }

  Scheduler scheduler() {
    return scheduler;
  }

  /** The table, or empty when it does not exist. */
  Mono<TableDescription> describeTable(String table) {
    return call("DescribeTable", table, () -> client.describeTable(r -> r.tableName(table)))
        .map(r -> r.table())
        .onErrorResume(ResourceNotFoundException.class, e -> Mono.empty());
  }

  /** Deletes the table; nothing when it does not exist. */
  Mono<Void> deleteTable(String table) {
    return call("DeleteTable", table, () -> client.deleteTable(r -> r.tableName(table)))
        .then()
        .onErrorResume(ResourceNotFoundException.class, e -> Mono.empty());
  }

  Mono<ContinuousBackupsDescription> describeContinuousBackups(String table) {
    return call(
            "DescribeContinuousBackups",
            table,
            () -> client.describeContinuousBackups(r -> r.tableName(table)))
        .map(r -> r.continuousBackupsDescription());
  }

  /** Creates the table unless it exists, then waits until it is ACTIVE. */
  Mono<Void> createTableIfMissing(CreateTableRequest request, Duration timeout) {
    String table = request.tableName();
    return describeTable(table)
        .hasElement()
        .flatMap(
            exists ->
                exists
                    ? Mono.<Void>empty()
                    : call("CreateTable", table, () -> client.createTable(request))
                        .onErrorResume(ResourceInUseException.class, e -> Mono.empty())
                        .then())
        .then(awaitActive(table, timeout));
  }

  Mono<Void> awaitActive(String table, Duration timeout) {
    return describeTable(table)
        .filter(t -> t.tableStatus() == TableStatus.ACTIVE)
        .repeatWhenEmpty(Integer.MAX_VALUE, r -> r.delayElements(Duration.ofMillis(200), scheduler))
        .timeout(timeout, scheduler)
        .onErrorMap(
            java.util.concurrent.TimeoutException.class,
            e ->
                new PitrException(
                    ErrorCode.FAILED,
                    "Table "
                        + table
                        + " is not ACTIVE after "
                        + timeout
                        + "; check it in the console and rerun"))
        .then();
  }

  Mono<GetItemResponse> getItem(String table, Map<String, AttributeValue> key) {
    return call(
        "GetItem",
        table,
        () -> client.getItem(r -> r.tableName(table).key(key).consistentRead(true)));
  }

  Mono<PutItemResponse> putItem(PutItemRequest request) {
    return call("PutItem", request.tableName(), () -> client.putItem(request));
  }

  Mono<UpdateItemResponse> updateItem(UpdateItemRequest request) {
    return call("UpdateItem", request.tableName(), () -> client.updateItem(request));
  }

  Mono<DeleteItemResponse> deleteItem(DeleteItemRequest request) {
    return call("DeleteItem", request.tableName(), () -> client.deleteItem(request));
  }

  Mono<QueryResponse> query(QueryRequest request) {
    return call("Query", request.tableName(), () -> client.query(request));
  }

  Mono<ScanResponse> scan(ScanRequest request) {
    return call("Scan", request.tableName(), () -> client.scan(request));
  }

  Mono<Void> transactWrite(String table, TransactWriteItemsRequest request) {
    return call("TransactWriteItems", table, () -> client.transactWriteItems(request)).then();
  }

  Mono<CreateBackupResponse> createBackup(String table, String backupName) {
    return call(
        "CreateBackup",
        table,
        () -> client.createBackup(r -> r.tableName(table).backupName(backupName)));
  }

  Mono<DescribeBackupResponse> describeBackup(String table, String arn) {
    return call("DescribeBackup", table, () -> client.describeBackup(r -> r.backupArn(arn)));
  }

  /**
   * Writes up to 25 requests to one table, resubmitting unprocessed items with backoff until all
   * are written. Returns the write capacity consumed.
   */
  Mono<Double> batchWrite(String table, List<WriteRequest> requests) {
    return Mono.defer(
        () -> {
          List<WriteRequest> pending = new ArrayList<>(requests);
          double[] consumed = {0};
          int[] attempt = {0};
          return Mono.defer(
                  () ->
                      call(
                          "BatchWriteItem",
                          table,
                          () ->
                              client.batchWriteItem(
                                  r ->
                                      r.requestItems(Map.of(table, List.copyOf(pending)))
                                          .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL))))
              .flatMap(
                  (BatchWriteItemResponse r) -> {
                    r.consumedCapacity().forEach(c -> consumed[0] += c.capacityUnits());
                    pending.clear();
                    pending.addAll(r.unprocessedItems().getOrDefault(table, List.of()));
                    if (pending.isEmpty()) {
                      return Mono.just(consumed[0]);
                    }
                    attempt[0]++;
                    if (attempt[0] >= MAX_BATCH_ATTEMPTS) {
                      return Mono.error(
                          new PitrException(
                              ErrorCode.FAILED,
                              pending.size()
                                  + " items to table "
                                  + table
                                  + " stayed unprocessed after "
                                  + attempt[0]
                                  + " attempts; the table is throttled, lower --max-wcu and"
                                  + " rerun"));
                    }
                    long delayMs = Math.min(5000, 25L << Math.min(attempt[0], 8));
                    return Mono.delay(Duration.ofMillis(delayMs), scheduler).then(Mono.empty());
                  })
              .repeatWhenEmpty(MAX_BATCH_ATTEMPTS, f -> f);
        });
  }

  private <T> Mono<T> call(String action, String table, Supplier<CompletableFuture<T>> request) {
    return Mono.fromFuture(request)
        .onErrorMap(CompletionException.class, e -> e.getCause() == null ? e : e.getCause())
        .retryWhen(retry)
        .onErrorMap(DynamoAdapter::isAccessDenied, e -> accessDenied(action, table, e));
  }

  static boolean isRetryable(Throwable t) {
    if (t instanceof ConditionalCheckFailedException) {
      return false;
    }
    if (t instanceof AwsServiceException aws) {
      String code = aws.awsErrorDetails() == null ? "" : aws.awsErrorDetails().errorCode();
      return aws.isThrottlingException()
          || "ProvisionedThroughputExceededException".equals(code)
          || "RequestLimitExceeded".equals(code)
          || "ThrottlingException".equals(code)
          || aws.statusCode() >= 500;
    }
    return false;
  }

  static boolean isAccessDenied(Throwable t) {
    return t instanceof AwsServiceException aws
        && aws.awsErrorDetails() != null
        && ("AccessDeniedException".equals(aws.awsErrorDetails().errorCode())
            || "UnrecognizedClientException".equals(aws.awsErrorDetails().errorCode()));
  }

  static PitrException accessDenied(String action, String table, Throwable e) {
    AwsServiceException aws = (AwsServiceException) e;
    return new PitrException(
        ErrorCode.FAILED,
        "Access denied: dynamodb:"
            + action
            + " on table "
            + table
            + " ("
            + aws.awsErrorDetails().errorMessage()
            + "); grant dynamodb:"
            + action
            + " on that table to the identity pitr runs as, or pass --ledger-table/--journal-table"
            + " for tables it may use",
        e);
  }
}
