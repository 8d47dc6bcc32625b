package pitr.local.iam;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteBackupRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeBackupRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeExportRequest;
import software.amazon.awssdk.services.dynamodb.model.ExportTableToPointInTimeRequest;
import software.amazon.awssdk.services.dynamodb.model.ListTagsOfResourceRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.RestoreTableFromBackupRequest;
import software.amazon.awssdk.services.dynamodb.model.RestoreTableToPointInTimeRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TagResourceRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItem;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UntagResourceRequest;

/**
 * The (action, resource) pairs DynamoDB authorizes for a request, following the Service
 * Authorization Reference and the developer guide:
 *
 * <ul>
 *   <li>most operations need {@code dynamodb:<Operation>} on the table's ARN; Query and Scan of an
 *       index on {@code table/T/index/I};
 *   <li>BatchGetItem and BatchWriteItem need their action on every table they name;
 *   <li>transactions have no action of their own: each item needs the action of its kind ({@code
 *       PutItem}, {@code UpdateItem}, {@code DeleteItem}, {@code ConditionCheckItem}, {@code
 *       GetItem}) on its table;
 *   <li>a restore needs RestoreTableToPointInTime on the source table (RestoreTableFromBackup on
 *       the backup) and, on the new table, the reads and writes that fill it: BatchWriteItem,
 *       DeleteItem, GetItem, PutItem, Query, Scan, UpdateItem;
 *   <li>backups and exports are named by their ARNs ({@code table/T/backup/*}, {@code
 *       table/T/export/*}), tags by the resource tagged; listings (ListTables, ListBackups,
 *       ListExports, DescribeLimits, DescribeEndpoints) by {@code *}.
 * </ul>
 */
public final class RequiredPermissions {
  private static final List<String> RESTORE_TARGET =
      List.of("BatchWriteItem", "DeleteItem", "GetItem", "PutItem", "Query", "Scan", "UpdateItem");

  private final String tablePrefix;

  /** For an engine whose ARNs are in {@code region} and {@code accountId}. */
  public RequiredPermissions(String region, String accountId) {
    this.tablePrefix = "arn:aws:dynamodb:" + region + ":" + accountId + ":table/";
  }

  /** What {@code operation} (its wire name, e.g. PutItem) with {@code request} needs. */
  public List<Permission> of(String operation, SdkRequest request) {
    Set<Permission> out = new LinkedHashSet<>();
    if (request instanceof BatchGetItemRequest r) {
      r.requestItems().keySet().forEach(t -> out.add(p(operation, table(t))));
    } else if (request instanceof BatchWriteItemRequest r) {
      r.requestItems().keySet().forEach(t -> out.add(p(operation, table(t))));
    } else if (request instanceof TransactWriteItemsRequest r) {
      for (TransactWriteItem i : r.transactItems()) {
        if (i.put() != null) {
          out.add(p("PutItem", table(i.put().tableName())));
        } else if (i.update() != null) {
          out.add(p("UpdateItem", table(i.update().tableName())));
        } else if (i.delete() != null) {
          out.add(p("DeleteItem", table(i.delete().tableName())));
        } else if (i.conditionCheck() != null) {
          out.add(p("ConditionCheckItem", table(i.conditionCheck().tableName())));
        }
      }
    } else if (request instanceof TransactGetItemsRequest r) {
      for (TransactGetItem i : r.transactItems()) {
        if (i.get() != null) {
          out.add(p("GetItem", table(i.get().tableName())));
        }
      }
    } else if (request instanceof QueryRequest r) {
      out.add(p(operation, indexed(r.tableName(), r.indexName())));
    } else if (request instanceof ScanRequest r) {
      out.add(p(operation, indexed(r.tableName(), r.indexName())));
    } else if (request instanceof RestoreTableToPointInTimeRequest r) {
      out.add(
          p(
              operation,
              r.sourceTableArn() != null ? r.sourceTableArn() : table(r.sourceTableName())));
      restoreTarget(out, r.targetTableName());
    } else if (request instanceof RestoreTableFromBackupRequest r) {
      out.add(p(operation, String.valueOf(r.backupArn())));
      restoreTarget(out, r.targetTableName());
    } else if (request instanceof DescribeBackupRequest r) {
      out.add(p(operation, String.valueOf(r.backupArn())));
    } else if (request instanceof DeleteBackupRequest r) {
      out.add(p(operation, String.valueOf(r.backupArn())));
    } else if (request instanceof DescribeExportRequest r) {
      out.add(p(operation, String.valueOf(r.exportArn())));
    } else if (request instanceof ExportTableToPointInTimeRequest r) {
      out.add(p(operation, String.valueOf(r.tableArn())));
    } else if (request instanceof TagResourceRequest r) {
      out.add(p(operation, String.valueOf(r.resourceArn())));
    } else if (request instanceof UntagResourceRequest r) {
      out.add(p(operation, String.valueOf(r.resourceArn())));
    } else if (request instanceof ListTagsOfResourceRequest r) {
      out.add(p(operation, String.valueOf(r.resourceArn())));
    } else {
      String table = request.getValueForField("TableName", String.class).orElse(null);
      out.add(p(operation, table == null ? "*" : table(table)));
    }
    return new ArrayList<>(out);
  }

  private void restoreTarget(Set<Permission> out, String target) {
    for (String action : RESTORE_TARGET) {
      out.add(p(action, table(target)));
    }
  }

  private static Permission p(String operation, String resource) {
    return new Permission("dynamodb:" + operation, resource);
  }

  private String table(String name) {
    return tablePrefix + name;
  }

  private String indexed(String table, String index) {
    return index == null ? table(table) : table(table) + "/index/" + index;
  }
}
