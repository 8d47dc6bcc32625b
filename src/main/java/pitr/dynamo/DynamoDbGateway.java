package pitr.dynamo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import pitr.ErrorCode;
import pitr.PitrException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.RetryBackoffSpec;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BackupDescription;
import software.amazon.awssdk.services.dynamodb.model.BackupDetails;
import software.amazon.awssdk.services.dynamodb.model.BackupSummary;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ContinuousBackupsDescription;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.RestoreTableToPointInTimeRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TableAlreadyExistsException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.Tag;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Every DynamoDB call pitr makes, each wrapped once as a {@link Mono} or {@link Flux}, retried with
 * the shared {@link Throttling} spec where that is safe, and with the caller's problems mapped once
 * to a {@link PitrException}: a missing table, missing credentials or region, denied access, an
 * invalid request.
 *
 * <p>Retryable failures that outlive the retry budget are passed on unchanged, so callers can still
 * tell throttling from other errors. One exception: until the target has answered once, a failure
 * to connect (refused, unknown host, no route) is not retried beyond the SDK's own attempts, since
 * an endpoint that never answered is misconfigured far more often than flaky; it becomes a {@link
 * ErrorCode#USAGE} error naming the endpoint and how to fix it, in seconds rather than a minute.
 * {@link #batchWriteOnce} and writes with {@link Retries#NONE} are not retried: the copy engine
 * owns the retries of its batches and conditional writes, so its rate limiter sees every throttle.
 */
public final class DynamoDbGateway {
  private final DynamoDbAsyncClient client;
  private final String target;
  private final Scheduler scheduler;
  private final RetryBackoffSpec retry;
  private final Consumer<Throwable> retryListener;

  /**
   * Whether the target has answered a call (with a response or a service error), shared by copies.
   */
  private final AtomicBoolean reached;

  private final DynamoErrors errors;

  private DynamoDbGateway(
      DynamoDbAsyncClient client,
      String target,
      Scheduler scheduler,
      RetryBackoffSpec retry,
      Consumer<Throwable> retryListener,
      AtomicBoolean reached) {
    DroppedErrors.install();
    this.client = Objects.requireNonNull(client, "client");
    this.target = target;
    this.reached = reached;
    this.scheduler = scheduler;
    this.retry = retry;
    this.retryListener = retryListener;
    this.errors = new DynamoErrors(target, reached);
  }

  /**
   * A gateway over {@code client}; {@code target} describes where it points for messages, e.g.
   * {@code AWS (eu-west-1)}.
   */
  public static DynamoDbGateway create(DynamoDbAsyncClient client, String target) {
    return new DynamoDbGateway(
        client,
        target,
        Schedulers.parallel(),
        Throttling.retry(),
        failure -> {},
        new AtomicBoolean());
  }

  /** The same gateway with time (waiters, retries) on {@code timer}, e.g. virtual time in tests. */
  public DynamoDbGateway withScheduler(Scheduler timer) {
    return new DynamoDbGateway(
        client,
        target,
        timer,
        Throttling.retry(8, Duration.ofMillis(50), Duration.ofSeconds(5), timer),
        retryListener,
        reached);
  }

  /** The same gateway with another retry spec. */
  public DynamoDbGateway withRetry(RetryBackoffSpec spec) {
    return new DynamoDbGateway(client, target, scheduler, spec, retryListener, reached);
  }

  /** The same gateway telling {@code listener} about each failure it is about to retry. */
  public DynamoDbGateway withRetryListener(Consumer<Throwable> listener) {
    return new DynamoDbGateway(client, target, scheduler, retry, listener, reached);
  }

  /** Where the gateway points, for messages. */
  public String target() {
    return target;
  }

  /** The scheduler timing waits and retries. */
  public Scheduler scheduler() {
    return scheduler;
  }

  /** The retry spec in use, with the listener attached. */
  public RetryBackoffSpec retrySpec() {
    return retry
        .modifyErrorFilter(
            retryable -> e -> retryable.test(e) && (reached.get() || !Throttling.isUnreachable(e)))
        .doBeforeRetry(
            s -> {
              CallLog.retry(s);
              retryListener.accept(s.failure());
            });
  }

  private <T> Mono<T> call(String table, Supplier<CompletableFuture<T>> sdkCall) {
    return CallLog.logged(
            table,
            Mono.fromFuture(sdkCall).onErrorMap(CompletionException.class, Throwable::getCause))
        .doOnEach(
            signal -> {
              if (signal.isOnNext() || signal.getThrowable() instanceof AwsServiceException) {
                reached.set(true);
              }
            });
  }

  private <T> Mono<T> retried(String table, Supplier<CompletableFuture<T>> sdkCall) {
    return call(table, sdkCall)
        .retryWhen(retrySpec())
        .onErrorMap(e -> map(e, table))
        .onErrorResume(
            e -> table != null && DynamoErrors.isMissingTable(e),
            e -> errors.missing(table, listTables(), e));
  }

  // Tables -------------------------------------------------------------------------------------

  /** The table's description; a missing table is a {@link ErrorCode#USAGE} error naming it. */
  public Mono<TableDescription> describeTable(String table) {
    return retried(table, () -> client.describeTable(r -> r.tableName(table))).map(r -> r.table());
  }

  /** The table's description, or empty when it does not exist. */
  public Mono<TableDescription> findTable(String table) {
    return call(table, () -> client.describeTable(r -> r.tableName(table)))
        .retryWhen(retrySpec())
        .map(r -> r.table())
        .onErrorResume(ResourceNotFoundException.class, e -> Mono.empty())
        .onErrorMap(e -> map(e, table));
  }

  /** All table names in the target. */
  public Flux<String> listTables() {
    return listTablesFrom(null)
        .expand(
            page ->
                page.lastEvaluatedTableName() == null
                    ? Mono.empty()
                    : listTablesFrom(page.lastEvaluatedTableName()))
        .concatMapIterable(page -> page.tableNames());
  }

  private Mono<software.amazon.awssdk.services.dynamodb.model.ListTablesResponse> listTablesFrom(
      String start) {
    return retried(null, () -> client.listTables(r -> r.exclusiveStartTableName(start)));
  }

  /** Creates a table as described by {@code request}. */
  public Mono<TableDescription> createTable(CreateTableRequest request) {
    return retried(request.tableName(), () -> client.createTable(request))
        .map(r -> r.tableDescription());
  }

  /** Deletes a table; the description returned is the table as it starts DELETING. */
  public Mono<TableDescription> deleteTable(String table) {
    return retried(table, () -> client.deleteTable(r -> r.tableName(table)))
        .map(r -> r.tableDescription());
  }

  /**
   * Polls the table every {@code poll} until it is ACTIVE, emitting each description seen; fails
   * with {@link ErrorCode#FAILED} naming the table and its last status when {@code timeout} passes
   * first. Time comes from the gateway's scheduler.
   */
  public Flux<TableDescription> awaitActive(String table, Duration timeout, Duration poll) {
    long start = scheduler.now(TimeUnit.MILLISECONDS);
    TableDescription[] last = new TableDescription[1];
    return Flux.interval(Duration.ZERO, poll, scheduler)
        .onBackpressureDrop()
        .concatMap(tick -> describeTable(table), 1)
        .doOnNext(d -> last[0] = d)
        .takeUntil(d -> d.tableStatus() == TableStatus.ACTIVE)
        .takeUntilOther(Mono.delay(timeout, scheduler))
        .concatWith(
            Mono.defer(
                () ->
                    last[0] != null && last[0].tableStatus() == TableStatus.ACTIVE
                        ? Mono.empty()
                        : Mono.error(
                            new PitrException(
                                ErrorCode.FAILED,
                                "Table "
                                    + table
                                    + " is not ACTIVE after "
                                    + Durations.format(
                                        Duration.ofMillis(
                                            scheduler.now(TimeUnit.MILLISECONDS) - start))
                                    + (last[0] == null
                                        ? ""
                                        : " (status " + last[0].tableStatusAsString() + ")")
                                    + "; rerun with --wait-timeout 1h or check the table in the"
                                    + " console"))));
  }

  // Backups and PITR ---------------------------------------------------------------------------

  /** The table's continuous-backup (PITR) settings and restore window. */
  public Mono<ContinuousBackupsDescription> describeContinuousBackups(String table) {
    return retried(table, () -> client.describeContinuousBackups(r -> r.tableName(table)))
        .map(r -> r.continuousBackupsDescription());
  }

  /** Turns point-in-time recovery on for the table; returns its continuous-backup settings. */
  public Mono<ContinuousBackupsDescription> enablePointInTimeRecovery(String table) {
    return retried(
            table,
            () ->
                client.updateContinuousBackups(
                    r ->
                        r.tableName(table)
                            .pointInTimeRecoverySpecification(
                                p -> p.pointInTimeRecoveryEnabled(true))))
        .map(r -> r.continuousBackupsDescription());
  }

  /**
   * Turns time to live on for {@code attribute}: items whose attribute holds epoch seconds in the
   * past are deleted by DynamoDB from then on. Refused (ValidationException) when TTL is on already
   * or was changed within the hour.
   */
  public Mono<Void> enableTimeToLive(String table, String attribute) {
    return retried(
            table,
            () ->
                client.updateTimeToLive(
                    r ->
                        r.tableName(table)
                            .timeToLiveSpecification(
                                s -> s.enabled(true).attributeName(attribute))))
        .then();
  }

  /** The table's TTL setting, or empty when the target does not report one. */
  public Mono<TimeToLiveDescription> describeTimeToLive(String table) {
    return call(table, () -> client.describeTimeToLive(r -> r.tableName(table)))
        .map(r -> r.timeToLiveDescription())
        .onErrorResume(
            e -> !(e instanceof ResourceNotFoundException) && !Throttling.isRetryable(e),
            e -> Mono.empty())
        .retryWhen(retrySpec())
        .onErrorMap(e -> map(e, table));
  }

  /** On-demand backups of the table, newest last. */
  public Flux<BackupSummary> listBackups(String table) {
    return listBackupsFrom(table, null)
        .expand(
            page ->
                page.lastEvaluatedBackupArn() == null
                    ? Mono.empty()
                    : listBackupsFrom(table, page.lastEvaluatedBackupArn()))
        .concatMapIterable(page -> page.backupSummaries());
  }

  private Mono<software.amazon.awssdk.services.dynamodb.model.ListBackupsResponse> listBackupsFrom(
      String table, String start) {
    return retried(
        table, () -> client.listBackups(r -> r.tableName(table).exclusiveStartBackupArn(start)));
  }

  /** Starts a point-in-time restore into a new table; returns the new table's description. */
  public Mono<TableDescription> restoreToPointInTime(RestoreTableToPointInTimeRequest request) {
    return call(request.sourceTableName(), () -> client.restoreTableToPointInTime(request))
        .retryWhen(retrySpec())
        .onErrorMap(
            TableAlreadyExistsException.class,
            e ->
                new PitrException(
                    ErrorCode.USAGE,
                    "Table "
                        + request.targetTableName()
                        + " already exists in "
                        + target
                        + "; pass another name with --as or drop it first",
                    e))
        .onErrorMap(e -> map(e, request.sourceTableName()))
        .map(r -> r.tableDescription());
  }

  // Tags ---------------------------------------------------------------------------------------

  /** The tags of a table (by ARN). */
  public Mono<Map<String, String>> tags(String tableArn) {
    return tagsFrom(tableArn, null)
        .expand(
            page -> page.nextToken() == null ? Mono.empty() : tagsFrom(tableArn, page.nextToken()))
        .concatMapIterable(page -> page.tags())
        .collectMap(Tag::key, Tag::value, HashMap::new);
  }

  private Mono<software.amazon.awssdk.services.dynamodb.model.ListTagsOfResourceResponse> tagsFrom(
      String arn, String token) {
    return retried(
        arnTable(arn), () -> client.listTagsOfResource(r -> r.resourceArn(arn).nextToken(token)));
  }

  /** Adds or replaces tags on a table (by ARN). Tagging a CREATING table is retried. */
  public Mono<Void> tag(String tableArn, Map<String, String> tags) {
    List<Tag> list = new ArrayList<>();
    tags.forEach((k, v) -> list.add(Tag.builder().key(k).value(v).build()));
    return call(
            arnTable(tableArn), () -> client.tagResource(r -> r.resourceArn(tableArn).tags(list)))
        .retryWhen(retrySpec())
        .onErrorMap(e -> map(e, arnTable(tableArn)))
        .then();
  }

  private static String arnTable(String arn) {
    int slash = arn.indexOf(":table/");
    return slash < 0 ? arn : arn.substring(slash + 7);
  }

  // Items --------------------------------------------------------------------------------------

  /**
   * The pages of one scan segment, starting after {@code from} (null for the beginning); each page
   * carries the position to resume after it. Pages are read one at a time, on demand, each retried
   * with the shared spec.
   */
  public Flux<ScanPage> scanSegment(ScanSpec spec, int segment, Map<String, AttributeValue> from) {
    return scanPage(spec, segment, from)
        .expand(page -> page.last() ? Mono.empty() : scanPage(spec, segment, page.next()));
  }

  /** One page of a scan segment starting after {@code from}. */
  public Mono<ScanPage> scanPage(ScanSpec spec, int segment, Map<String, AttributeValue> from) {
    ScanRequest request = spec.request(segment, from);
    return retried(spec.table(), () -> client.scan(request))
        .map(response -> ScanPage.of(segment, from, response));
  }

  /** Query, one page, retried. */
  public Mono<QueryResponse> query(QueryRequest request) {
    return retried(request.tableName(), () -> client.query(request));
  }

  /** Every page of a query, from {@code first} on, each read on demand and retried. */
  public Flux<QueryResponse> queryPages(QueryRequest first) {
    return query(first)
        .expand(
            r ->
                r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty()
                    ? query(first.toBuilder().exclusiveStartKey(r.lastEvaluatedKey()).build())
                    : Mono.empty());
  }

  /** Turns the SDK client's own retries off for one request. */
  private static final java.util.function.Consumer<
          software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration.Builder>
      NO_SDK_RETRY =
          o ->
              o.addPlugin(
                  c ->
                      c.overrideConfiguration(
                          oc -> oc.retryStrategy(AwsRetryStrategy.doNotRetry())));

  /**
   * One BatchWriteItem call, not retried: throttling and server errors come back unchanged for the
   * caller's own backoff; the caller's problems are mapped as everywhere else.
   */
  public Mono<BatchWriteItemResponse> batchWriteOnce(BatchWriteItemRequest request) {
    String table = request.requestItems().keySet().stream().findFirst().orElse(null);
    // The SDK client would otherwise retry a throttled call itself, for seconds, out of sight of
    // the caller's rate limiter.
    BatchWriteItemRequest once = request.toBuilder().overrideConfiguration(NO_SDK_RETRY).build();
    return call(table, () -> client.batchWriteItem(once))
        .onErrorMap(e -> !Throttling.isRetryable(e), e -> map(e, table));
  }

  /**
   * BatchWriteItem of at most 25 requests (no two for one key) to {@code table}, until done:
   * UnprocessedItems are resubmitted, and throttled or failed calls retried, with the shared retry
   * spec; a call that writes part of what it sent restarts the backoff. Requests still unwritten
   * when the budget runs out come back in the result, never dropped. The caller's problems (a
   * missing table, an invalid request) fail as {@link PitrException}s.
   *
   * @throws IllegalArgumentException for more than 25 requests, before any call
   */
  public Mono<BatchWriteResult> batchWriteUntilDone(String table, List<WriteRequest> requests) {
    return BatchResubmitter.write(
        table,
        requests,
        request -> call(table, () -> client.batchWriteItem(request)),
        retrySpec().transientErrors(true),
        e -> map(e, table),
        BatchPacing.NONE,
        false);
  }

  /**
   * BatchWriteItem of at most 25 requests to {@code table}, until done, paced by the caller: before
   * each attempt {@code pacing} reserves units for what is pending, after each answer it settles
   * them with the consumed capacity, and it hears of each failed attempt. Each attempt is one call,
   * not retried by the SDK client (its retries would hide throttles from the caller's limiter);
   * UnprocessedItems and throttled or failed calls are resubmitted with {@code retry} as given (a
   * caller that wants progress to restart the budget passes {@code transientErrors(true)}).
   *
   * <p>Never fails but for more than 25 requests: whatever ends the loop early (the budget run out,
   * or a problem of the caller's, mapped as {@link #batchWriteOnce} maps it) comes back as {@link
   * BatchWriteResult#failure} with the requests still unwritten, for the caller to file or throw.
   *
   * @throws IllegalArgumentException for more than 25 requests, before any call
   */
  public Mono<BatchWriteResult> batchWriteUntilDone(
      String table, List<WriteRequest> requests, RetryBackoffSpec retry, BatchPacing pacing) {
    return BatchResubmitter.write(
        table, requests, this::batchWriteOnce, retry, e -> map(e, table), pacing, true);
  }

  /**
   * BatchGetItem of at most 100 keys of {@code table}, shaped by {@code keys} (consistent read,
   * projection), until done: UnprocessedKeys are resubmitted like {@link #batchWriteUntilDone}'s
   * items, and keys still unread when the budget runs out come back in the result.
   *
   * @throws IllegalArgumentException for more than 100 keys, before any call
   */
  public Mono<BatchGetResult> batchGetUntilDone(String table, KeysAndAttributes keys) {
    return BatchResubmitter.get(
        table,
        keys,
        request -> call(table, () -> client.batchGetItem(request)),
        retrySpec(),
        e -> map(e, table));
  }

  /** GetItem, retried; empty when there is no such item. */
  public Mono<Map<String, AttributeValue>> getItem(GetItemRequest request) {
    return retried(request.tableName(), () -> client.getItem(request))
        .filter(r -> r.hasItem() && !r.item().isEmpty())
        .map(r -> r.item());
  }

  /**
   * PutItem, with DynamoDB's answer (consumed capacity, the old image when asked for), retried as
   * {@code retries} says. A failed condition comes back as the SDK's {@code
   * ConditionalCheckFailedException}, unchanged.
   *
   * <p>With {@link Retries#SHARED}, a retry after a lost answer repeats a write that may already
   * have landed; a conditional put then fails its condition on the retry, so callers should ask for
   * {@code ReturnValuesOnConditionCheckFailure.ALL_OLD} and compare the image it carries.
   */
  public Mono<PutItemResponse> putItem(PutItemRequest request, Retries retries) {
    PutItemRequest r =
        retries == Retries.NONE
            ? request.toBuilder().overrideConfiguration(NO_SDK_RETRY).build()
            : request;
    return write(request.tableName(), retries, () -> client.putItem(r));
  }

  /** DeleteItem, with DynamoDB's answer; see {@link #putItem}. */
  public Mono<DeleteItemResponse> deleteItem(DeleteItemRequest request, Retries retries) {
    DeleteItemRequest r =
        retries == Retries.NONE
            ? request.toBuilder().overrideConfiguration(NO_SDK_RETRY).build()
            : request;
    return write(request.tableName(), retries, () -> client.deleteItem(r));
  }

  /**
   * UpdateItem, with DynamoDB's answer (consumed capacity and the attributes asked for); see {@link
   * #putItem}. With {@link Retries#SHARED} an update is repeated after a lost answer: make it
   * idempotent (SET of fixed values) or conditional.
   */
  public Mono<UpdateItemResponse> updateItem(UpdateItemRequest request, Retries retries) {
    UpdateItemRequest r =
        retries == Retries.NONE
            ? request.toBuilder().overrideConfiguration(NO_SDK_RETRY).build()
            : request;
    return write(request.tableName(), retries, () -> client.updateItem(r));
  }

  private <T> Mono<T> write(String table, Retries retries, Supplier<CompletableFuture<T>> sdkCall) {
    return retries == Retries.SHARED
        ? retried(table, sdkCall)
        : call(table, sdkCall).onErrorMap(e -> !Throttling.isRetryable(e), e -> map(e, table));
  }

  /**
   * TransactWriteItems, retried on throttling and server errors; a cancelled transaction comes back
   * as the SDK's {@code TransactionCanceledException}, unchanged, with its reasons. Errors are
   * attributed to {@code table} in messages.
   */
  public Mono<TransactWriteItemsResponse> transactWrite(
      String table, TransactWriteItemsRequest request) {
    return retried(table, () -> client.transactWriteItems(request));
  }

  /** Starts an on-demand backup of the table; the details say its ARN and status. */
  public Mono<BackupDetails> createBackup(String table, String backupName) {
    return retried(table, () -> client.createBackup(r -> r.tableName(table).backupName(backupName)))
        .map(r -> r.backupDetails());
  }

  /** The backup's description (status, source table); errors are attributed to {@code table}. */
  public Mono<BackupDescription> describeBackup(String table, String backupArn) {
    return retried(table, () -> client.describeBackup(r -> r.backupArn(backupArn)))
        .map(r -> r.backupDescription());
  }

  /** ExportTableToPointInTime, DescribeExport and ListExports, with this gateway's retries. */
  public ExportCalls exports() {
    return new ExportCalls(client, this);
  }

  /** {@code sdkCall} retried with the shared spec, its failure mapped; for the companions. */
  <T> Mono<T> retriedCall(String table, Supplier<CompletableFuture<T>> sdkCall) {
    return retried(table, sdkCall);
  }

  // Errors -------------------------------------------------------------------------------------

  /**
   * Maps a failure that is the caller's to fix into a {@link PitrException}; anything else is
   * returned as it is. See {@link DynamoErrors#map}.
   */
  Throwable map(Throwable failure, String table) {
    return errors.map(failure, table);
  }

  /** The service's own message of an AWS error, else the exception message. */
  public static String message(Throwable failure) {
    return DynamoErrors.message(failure);
  }
}
