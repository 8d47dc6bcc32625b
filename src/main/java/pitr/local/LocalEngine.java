package pitr.local;

import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.CreateTableResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteTableResponse;
import software.amazon.awssdk.services.dynamodb.model.ListTablesRequest;
import software.amazon.awssdk.services.dynamodb.model.ListTablesResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableResponse;
import software.amazon.awssdk.services.dynamodb.model.TagResourceRequest;
import software.amazon.awssdk.services.dynamodb.model.TagResourceResponse;
import software.amazon.awssdk.services.dynamodb.model.UntagResourceRequest;
import software.amazon.awssdk.services.dynamodb.model.UntagResourceResponse;
import software.amazon.awssdk.services.dynamodb.model.ListTagsOfResourceRequest;
import software.amazon.awssdk.services.dynamodb.model.ListTagsOfResourceResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsResponse;

/**
 * The embedded DynamoDB-compatible engine: one object holding every table, serving each DynamoDB
 * operation as a method that takes the SDK's request type and returns its response type.
 *
 * <p>Errors are thrown as the SDK's service exceptions built by {@link Errors}. The engine is
 * thread-safe. The HTTP front end ({@code pitr.local.http}) and the in-process client ({@link
 * LocalDynamoDbAsyncClient}) both dispatch here; an operation is served if and only if this class
 * has a public method named after it that takes its request type.
 */
public final class LocalEngine implements AutoCloseable {
  private final EngineConfig config;

  private LocalEngine(EngineConfig config) {
    this.config = config;
  }

  /** An in-memory engine. */
  public static LocalEngine create(EngineConfig config) {
    return new LocalEngine(config);
  }

  /** An in-memory engine with default settings. */
  public static LocalEngine create() {
    return create(EngineConfig.defaults());
  }

  public EngineConfig config() {
    return config;
  }

  /** CreateTable. */
  public CreateTableResponse createTable(CreateTableRequest request) {
    throw Errors.of("UnknownOperationException", "CreateTable is not implemented yet", 400);
  }

  /** DescribeTable. */
  public DescribeTableResponse describeTable(DescribeTableRequest request) {
    throw Errors.of("UnknownOperationException", "DescribeTable is not implemented yet", 400);
  }

  /** DeleteTable. */
  public DeleteTableResponse deleteTable(DeleteTableRequest request) {
    throw Errors.of("UnknownOperationException", "DeleteTable is not implemented yet", 400);
  }

  /** ListTables. */
  public ListTablesResponse listTables(ListTablesRequest request) {
    throw Errors.of("UnknownOperationException", "ListTables is not implemented yet", 400);
  }

  /** UpdateTable. */
  public UpdateTableResponse updateTable(UpdateTableRequest request) {
    throw Errors.of("UnknownOperationException", "UpdateTable is not implemented yet", 400);
  }

  /** TagResource. */
  public TagResourceResponse tagResource(TagResourceRequest request) {
    throw Errors.of("UnknownOperationException", "TagResource is not implemented yet", 400);
  }

  /** UntagResource. */
  public UntagResourceResponse untagResource(UntagResourceRequest request) {
    throw Errors.of("UnknownOperationException", "UntagResource is not implemented yet", 400);
  }

  /** ListTagsOfResource. */
  public ListTagsOfResourceResponse listTagsOfResource(ListTagsOfResourceRequest request) {
    throw Errors.of("UnknownOperationException", "ListTagsOfResource is not implemented yet", 400);
  }

  /** PutItem. */
  public PutItemResponse putItem(PutItemRequest request) {
    throw Errors.of("UnknownOperationException", "PutItem is not implemented yet", 400);
  }

  /** GetItem. */
  public GetItemResponse getItem(GetItemRequest request) {
    throw Errors.of("UnknownOperationException", "GetItem is not implemented yet", 400);
  }

  /** DeleteItem. */
  public DeleteItemResponse deleteItem(DeleteItemRequest request) {
    throw Errors.of("UnknownOperationException", "DeleteItem is not implemented yet", 400);
  }

  /** UpdateItem. */
  public UpdateItemResponse updateItem(UpdateItemRequest request) {
    throw Errors.of("UnknownOperationException", "UpdateItem is not implemented yet", 400);
  }

  /** Query. */
  public QueryResponse query(QueryRequest request) {
    throw Errors.of("UnknownOperationException", "Query is not implemented yet", 400);
  }

  /** Scan. */
  public ScanResponse scan(ScanRequest request) {
    throw Errors.of("UnknownOperationException", "Scan is not implemented yet", 400);
  }

  /** BatchWriteItem. */
  public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest request) {
    throw Errors.of("UnknownOperationException", "BatchWriteItem is not implemented yet", 400);
  }

  /** BatchGetItem. */
  public BatchGetItemResponse batchGetItem(BatchGetItemRequest request) {
    throw Errors.of("UnknownOperationException", "BatchGetItem is not implemented yet", 400);
  }

  /** TransactWriteItems. */
  public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest request) {
    throw Errors.of("UnknownOperationException", "TransactWriteItems is not implemented yet", 400);
  }

  /** TransactGetItems. */
  public TransactGetItemsResponse transactGetItems(TransactGetItemsRequest request) {
    throw Errors.of("UnknownOperationException", "TransactGetItems is not implemented yet", 400);
  }

  @Override
  public void close() {}
}
