package pitr.local.ops;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import pitr.local.DurableStore;
import pitr.local.EngineConfig;
import pitr.local.Errors;
import pitr.local.StoreKey;
import pitr.local.Table;
import pitr.local.Version;
import pitr.local.capacity.Throughput;
import pitr.local.export.ExportDestination;
import pitr.local.export.ExportHeader;
import pitr.local.export.ExportWriter;
import pitr.local.export.ExportedItem;
import pitr.local.store.Catalog;
import pitr.local.store.ItemWriter;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DescribeExportRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeExportResponse;
import software.amazon.awssdk.services.dynamodb.model.ExportConflictException;
import software.amazon.awssdk.services.dynamodb.model.ExportDescription;
import software.amazon.awssdk.services.dynamodb.model.ExportFormat;
import software.amazon.awssdk.services.dynamodb.model.ExportNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ExportStatus;
import software.amazon.awssdk.services.dynamodb.model.ExportSummary;
import software.amazon.awssdk.services.dynamodb.model.ExportTableToPointInTimeRequest;
import software.amazon.awssdk.services.dynamodb.model.ExportTableToPointInTimeResponse;
import software.amazon.awssdk.services.dynamodb.model.ExportType;
import software.amazon.awssdk.services.dynamodb.model.ExportViewType;
import software.amazon.awssdk.services.dynamodb.model.IncrementalExportSpecification;
import software.amazon.awssdk.services.dynamodb.model.ListExportsRequest;
import software.amazon.awssdk.services.dynamodb.model.ListExportsResponse;
import software.amazon.awssdk.services.dynamodb.model.S3SseAlgorithm;

/**
 * Point-in-time exports: ExportTableToPointInTime, DescribeExport and ListExports. An export reads
 * the table's PITR history at the requested instants (a full export: every item as of ExportTime,
 * exactly what a restore to that instant holds; an incremental export: every item written in
 * [ExportFromTime, ExportToTime) with its images at both ends) and writes DynamoDB's export files
 * to the engine's destination before it answers. It then stays IN_PROGRESS for the configured
 * export duration, as restores stay CREATING, and is COMPLETED after; an export to a bucket that
 * does not exist is FAILED at once with S3NoSuchBucket. A durable engine keeps every export's
 * description in its store, so that ListExports and DescribeExport know it after a restart.
 */
public final class ExportOps extends OperationFamily {
  private static final int MAX_LIST_RESULTS = 25;

  private final ExportDestination destination;
  private final Map<String, Export> exports =
      java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>());
  private final Map<String, String> byClientToken = new ConcurrentHashMap<>();

  /** One export, as DescribeExport reports it. */
  record Export(
      ExportHeader header,
      ExportTableToPointInTimeRequest request,
      long completesAt,
      long itemCount,
      long billedSizeBytes,
      String failureCode,
      String failureMessage) {}

  public ExportOps(
      EngineConfig config,
      Catalog catalog,
      ItemWriter writer,
      Throughput throughput,
      ExportDestination destination) {
    super(config, catalog, writer, throughput);
    this.destination = destination;
  }

  /**
   * Loads the exports a durable store holds, in the order they were started, before the engine
   * serves.
   */
  public void load(DurableStore store) {
    List<StoredExport> stored = new ArrayList<>();
    for (String json : store.loadExports()) {
      stored.add(StoredExport.read(json));
    }
    stored.sort(java.util.Comparator.comparingLong(StoredExport::order));
    synchronized (byClientToken) {
      for (StoredExport s : stored) {
        Export e = s.export();
        exports.put(s.exportArn(), e);
        if (e.request().clientToken() != null) {
          byClientToken.put(e.request().clientToken(), s.exportArn());
        }
      }
    }
  }

  /** ExportTableToPointInTime. */
  public ExportTableToPointInTimeResponse exportTableToPointInTime(
      ExportTableToPointInTimeRequest r) {
    return Requests.guard(
        () -> {
          ExportWindow.checkRequest(r, config.exports());
          synchronized (byClientToken) {
            if (r.clientToken() != null) {
              String earlier = byClientToken.get(r.clientToken());
              if (earlier != null) {
                Export e = exports.get(earlier);
                if (!e.request().equals(r)) {
                  throw (ExportConflictException)
                      Errors.build(
                          ExportConflictException.builder(),
                          "ExportConflictException",
                          "ClientToken "
                              + r.clientToken()
                              + " was used by export "
                              + earlier
                              + " with different parameters; use a new ClientToken for a new"
                              + " export",
                          400);
                }
                return ExportTableToPointInTimeResponse.builder()
                    .exportDescription(describe(e))
                    .build();
              }
            }
            Export e = start(r);
            long order = exports.size();
            exports.put(e.header().exportArn(), e);
            writer.lock();
            try {
              writer.ifDurable(
                  d -> d.saveExport(e.header().exportArn(), StoredExport.json(order, e)));
            } finally {
              writer.unlock();
            }
            if (r.clientToken() != null) {
              byClientToken.put(r.clientToken(), e.header().exportArn());
            }
            return ExportTableToPointInTimeResponse.builder()
                .exportDescription(describe(e))
                .build();
          }
        });
  }

  /** DescribeExport. */
  public DescribeExportResponse describeExport(DescribeExportRequest r) {
    return Requests.guard(
        () -> {
          Export e = r.exportArn() == null ? null : exports.get(r.exportArn());
          if (e == null) {
            throw (ExportNotFoundException)
                Errors.build(
                    ExportNotFoundException.builder(),
                    "ExportNotFoundException",
                    "Export not found: " + r.exportArn(),
                    400);
          }
          return DescribeExportResponse.builder().exportDescription(describe(e)).build();
        });
  }

  /** ListExports, optionally for one table, in the order requested, paginated by NextToken. */
  public ListExportsResponse listExports(ListExportsRequest r) {
    return Requests.guard(
        () -> {
          int limit = r.maxResults() == null ? MAX_LIST_RESULTS : r.maxResults();
          List<Export> all;
          synchronized (exports) {
            all = new ArrayList<>(exports.values());
          }
          boolean started = r.nextToken() == null;
          List<ExportSummary> out = new ArrayList<>();
          String last = null;
          boolean more = false;
          for (Export e : all) {
            if (!started) {
              started = e.header().exportArn().equals(r.nextToken());
              continue;
            }
            if (r.tableArn() != null && !r.tableArn().equals(e.header().tableArn())) {
              continue;
            }
            if (out.size() == limit) {
              more = true;
              break;
            }
            out.add(
                ExportSummary.builder()
                    .exportArn(e.header().exportArn())
                    .exportStatus(status(e))
                    .exportType(
                        e.header().incremental()
                            ? ExportType.INCREMENTAL_EXPORT
                            : ExportType.FULL_EXPORT)
                    .build());
            last = e.header().exportArn();
          }
          ListExportsResponse.Builder resp = ListExportsResponse.builder().exportSummaries(out);
          if (more) {
            resp.nextToken(last);
          }
          return resp.build();
        });
  }

  private Export start(ExportTableToPointInTimeRequest r) {
    long now = clock.millis();
    Table t = null;
    for (Table candidate : catalog.tables().values()) {
      if (candidate.arn.equals(r.tableArn())) {
        t = candidate;
      }
    }
    if (t == null) {
      throw Catalog.tableNotFoundForBackup(r.tableArn());
    }
    ExportWindow window = ExportWindow.of(r, t, now, config.exports());
    String arn =
        t.arn + "/export/" + String.format("%014d", now) + "-" + ExportWriter.randomSuffix();
    long completesAt = now + config.exports().duration().toMillis();
    ExportHeader header =
        new ExportHeader(
            arn,
            t.arn,
            t.id,
            r.s3Bucket(),
            r.s3Prefix(),
            window.incremental(),
            window.incremental() ? null : Instant.ofEpochMilli(window.exportTime()),
            window.incremental() ? Instant.ofEpochMilli(window.from()) : null,
            window.incremental() ? Instant.ofEpochMilli(window.to()) : null,
            window.incremental() ? window.viewType().toString() : null,
            Instant.ofEpochMilli(now),
            Instant.ofEpochMilli(completesAt));
    try {
      if (!destination.bucketExists(r.s3Bucket())) {
        return new Export(
            header, r, now, 0, 0, "S3NoSuchBucket", "The specified bucket does not exist");
      }
      List<ExportedItem> items = snapshot(t, window);
      ExportWriter.Written written = ExportWriter.write(destination, header, items);
      return new Export(
          header, r, completesAt, written.itemCount(), written.billedSizeBytes(), null, null);
    } catch (IOException e) {
      return new Export(
          header,
          r,
          now,
          0,
          0,
          "S3WriteFailed",
          "Could not write to " + destination.describe() + ": " + e.getMessage());
    }
  }

  /** The export's lines, read from the history under the write lock so no write interleaves. */
  private List<ExportedItem> snapshot(Table t, ExportWindow w) {
    List<ExportedItem> out = new ArrayList<>();
    writer.lock();
    try {
      for (Map.Entry<StoreKey, Version> e : t.items.entrySet()) {
        Version head = e.getValue();
        if (!w.incremental()) {
          Version v = head.asOf(w.exportTime());
          if (v != null && v.image() != null) {
            out.add(ExportedItem.item(v.image()));
          }
          continue;
        }
        Version last = head.asOf(w.to() - 1);
        if (last == null || last.at() < w.from()) {
          continue;
        }
        Version before = head.asOf(w.from() - 1);
        Map<String, AttributeValue> old =
            before == null || w.viewType() == ExportViewType.NEW_IMAGE ? null : before.image();
        out.add(new ExportedItem(keys(t, e.getKey()), old, last.image(), last.at() * 1000));
      }
    } finally {
      writer.unlock();
    }
    return out;
  }

  private static Map<String, AttributeValue> keys(Table t, StoreKey k) {
    return t.sortKey == null
        ? Map.of(t.partitionKey, k.partition())
        : Map.of(t.partitionKey, k.partition(), t.sortKey, k.sort());
  }

  private ExportStatus status(Export e) {
    if (e.failureCode() != null) {
      return ExportStatus.FAILED;
    }
    return clock.millis() < e.completesAt() ? ExportStatus.IN_PROGRESS : ExportStatus.COMPLETED;
  }

  private ExportDescription describe(Export e) {
    ExportHeader h = e.header();
    ExportTableToPointInTimeRequest r = e.request();
    ExportStatus status = status(e);
    ExportDescription.Builder d =
        ExportDescription.builder()
            .exportArn(h.exportArn())
            .exportStatus(status)
            .startTime(h.startTime())
            .tableArn(h.tableArn())
            .tableId(h.tableId())
            .clientToken(r.clientToken())
            .s3Bucket(h.bucket())
            .s3BucketOwner(r.s3BucketOwner() != null ? r.s3BucketOwner() : config.accountId())
            .s3Prefix(h.prefix())
            .s3SseAlgorithm(r.s3SseAlgorithm() != null ? r.s3SseAlgorithm() : S3SseAlgorithm.AES256)
            .s3SseKmsKeyId(r.s3SseKmsKeyId())
            .exportFormat(ExportFormat.DYNAMODB_JSON)
            .exportType(h.incremental() ? ExportType.INCREMENTAL_EXPORT : ExportType.FULL_EXPORT);
    if (h.incremental()) {
      d.incrementalExportSpecification(
          IncrementalExportSpecification.builder()
              .exportFromTime(h.fromTime())
              .exportToTime(h.toTime())
              .exportViewType(h.viewType())
              .build());
    } else {
      d.exportTime(h.exportTime());
    }
    if (status == ExportStatus.COMPLETED) {
      d.endTime(h.endTime())
          .exportManifest(h.manifestSummaryKey())
          .itemCount(e.itemCount())
          .billedSizeBytes(e.billedSizeBytes());
    } else if (status == ExportStatus.FAILED) {
      d.endTime(h.startTime()).failureCode(e.failureCode()).failureMessage(e.failureMessage());
    }
    return d.build();
  }
}
