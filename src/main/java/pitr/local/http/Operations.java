package pitr.local.http;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import pitr.local.LocalEngine;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.CreateBackupRequest;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteBackupRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeBackupRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeContinuousBackupsRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeEndpointsRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeExportRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeLimitsRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTimeToLiveRequest;
import software.amazon.awssdk.services.dynamodb.model.ExportTableToPointInTimeRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ListBackupsRequest;
import software.amazon.awssdk.services.dynamodb.model.ListExportsRequest;
import software.amazon.awssdk.services.dynamodb.model.ListTablesRequest;
import software.amazon.awssdk.services.dynamodb.model.ListTagsOfResourceRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.RestoreTableFromBackupRequest;
import software.amazon.awssdk.services.dynamodb.model.RestoreTableToPointInTimeRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TagResourceRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UntagResourceRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateContinuousBackupsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;

/**
 * The engine's dispatch table: each operation the server serves, by its wire name, with its request
 * type's builder and the engine method that serves it. An operation not listed here is answered
 * {@code UnknownOperationException}, never a silent success.
 */
final class Operations {
  private Operations() {}

  /** The operations {@code engine} serves, by wire name. */
  static Map<String, Operation> of(LocalEngine engine) {
    Map<String, Operation> table = new TreeMap<>();
    for (Operation op :
        new Operation[] {
          op(
              "CreateTable",
              CreateTableRequest::builder,
              r -> engine.createTable((CreateTableRequest) r)),
          op(
              "DescribeTable",
              DescribeTableRequest::builder,
              r -> engine.describeTable((DescribeTableRequest) r)),
          op(
              "DeleteTable",
              DeleteTableRequest::builder,
              r -> engine.deleteTable((DeleteTableRequest) r)),
          op(
              "ListTables",
              ListTablesRequest::builder,
              r -> engine.listTables((ListTablesRequest) r)),
          op(
              "UpdateTable",
              UpdateTableRequest::builder,
              r -> engine.updateTable((UpdateTableRequest) r)),
          op(
              "TagResource",
              TagResourceRequest::builder,
              r -> engine.tagResource((TagResourceRequest) r)),
          op(
              "UntagResource",
              UntagResourceRequest::builder,
              r -> engine.untagResource((UntagResourceRequest) r)),
          op(
              "ListTagsOfResource",
              ListTagsOfResourceRequest::builder,
              r -> engine.listTagsOfResource((ListTagsOfResourceRequest) r)),
          op("PutItem", PutItemRequest::builder, r -> engine.putItem((PutItemRequest) r)),
          op("GetItem", GetItemRequest::builder, r -> engine.getItem((GetItemRequest) r)),
          op(
              "DeleteItem",
              DeleteItemRequest::builder,
              r -> engine.deleteItem((DeleteItemRequest) r)),
          op(
              "UpdateItem",
              UpdateItemRequest::builder,
              r -> engine.updateItem((UpdateItemRequest) r)),
          op("Query", QueryRequest::builder, r -> engine.query((QueryRequest) r)),
          op("Scan", ScanRequest::builder, r -> engine.scan((ScanRequest) r)),
          op(
              "BatchWriteItem",
              BatchWriteItemRequest::builder,
              r -> engine.batchWriteItem((BatchWriteItemRequest) r)),
          op(
              "BatchGetItem",
              BatchGetItemRequest::builder,
              r -> engine.batchGetItem((BatchGetItemRequest) r)),
          op(
              "TransactWriteItems",
              TransactWriteItemsRequest::builder,
              r -> engine.transactWriteItems((TransactWriteItemsRequest) r)),
          op(
              "TransactGetItems",
              TransactGetItemsRequest::builder,
              r -> engine.transactGetItems((TransactGetItemsRequest) r)),
          op(
              "UpdateContinuousBackups",
              UpdateContinuousBackupsRequest::builder,
              r -> engine.updateContinuousBackups((UpdateContinuousBackupsRequest) r)),
          op(
              "DescribeContinuousBackups",
              DescribeContinuousBackupsRequest::builder,
              r -> engine.describeContinuousBackups((DescribeContinuousBackupsRequest) r)),
          op(
              "RestoreTableToPointInTime",
              RestoreTableToPointInTimeRequest::builder,
              r -> engine.restoreTableToPointInTime((RestoreTableToPointInTimeRequest) r)),
          op(
              "CreateBackup",
              CreateBackupRequest::builder,
              r -> engine.createBackup((CreateBackupRequest) r)),
          op(
              "DescribeBackup",
              DescribeBackupRequest::builder,
              r -> engine.describeBackup((DescribeBackupRequest) r)),
          op(
              "DeleteBackup",
              DeleteBackupRequest::builder,
              r -> engine.deleteBackup((DeleteBackupRequest) r)),
          op(
              "ListBackups",
              ListBackupsRequest::builder,
              r -> engine.listBackups((ListBackupsRequest) r)),
          op(
              "RestoreTableFromBackup",
              RestoreTableFromBackupRequest::builder,
              r -> engine.restoreTableFromBackup((RestoreTableFromBackupRequest) r)),
          op(
              "ExportTableToPointInTime",
              ExportTableToPointInTimeRequest::builder,
              r -> engine.exportTableToPointInTime((ExportTableToPointInTimeRequest) r)),
          op(
              "DescribeExport",
              DescribeExportRequest::builder,
              r -> engine.describeExport((DescribeExportRequest) r)),
          op(
              "ListExports",
              ListExportsRequest::builder,
              r -> engine.listExports((ListExportsRequest) r)),
          op(
              "UpdateTimeToLive",
              UpdateTimeToLiveRequest::builder,
              r -> engine.updateTimeToLive((UpdateTimeToLiveRequest) r)),
          op(
              "DescribeTimeToLive",
              DescribeTimeToLiveRequest::builder,
              r -> engine.describeTimeToLive((DescribeTimeToLiveRequest) r)),
          op(
              "DescribeLimits",
              DescribeLimitsRequest::builder,
              r -> engine.describeLimits((DescribeLimitsRequest) r)),
          op(
              "DescribeEndpoints",
              DescribeEndpointsRequest::builder,
              r -> engine.describeEndpoints((DescribeEndpointsRequest) r))
        }) {
      table.put(op.name(), op);
    }
    return Map.copyOf(table);
  }

  @SuppressWarnings("unchecked")
  private static Operation op(
      String name, Supplier<? extends SdkPojo> builder, OperationHandler handler) {
    return new Operation(name, (Supplier<SdkPojo>) builder, handler);
  }
}
