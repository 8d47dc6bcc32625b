package pitr.local.ops;

import java.time.Instant;
import pitr.local.DurableStore;
import pitr.local.export.ExportHeader;
import software.amazon.awssdk.services.dynamodb.model.ExportTableToPointInTimeRequest;
import software.amazon.awssdk.services.dynamodb.model.IncrementalExportSpecification;

/**
 * An export as the durable store keeps it, so that DescribeExport and ListExports answer the same
 * after a restart: its header, its outcome, where it stands in ListExports' order, and the request
 * that started it (which a repeated ClientToken is compared with). Instants are ISO-8601 text, so
 * nothing is rounded.
 */
record StoredExport(
    long order,
    String exportArn,
    String tableArn,
    String tableId,
    String bucket,
    String prefix,
    boolean incremental,
    String exportTime,
    String fromTime,
    String toTime,
    String viewType,
    String startTime,
    String endTime,
    long completesAt,
    long itemCount,
    long billedSizeBytes,
    String failureCode,
    String failureMessage,
    Request request) {

  /** The request's members, as sent (enums as their wire text, unknown values included). */
  record Request(
      String tableArn,
      String exportTime,
      String clientToken,
      String s3Bucket,
      String s3BucketOwner,
      String s3Prefix,
      String s3SseAlgorithm,
      String s3SseKmsKeyId,
      String exportFormat,
      String exportType,
      String fromTime,
      String toTime,
      String viewType) {}

  /** The JSON the store keeps for {@code e}, the {@code order}-th export. */
  static String json(long order, ExportOps.Export e) {
    ExportHeader h = e.header();
    ExportTableToPointInTimeRequest r = e.request();
    IncrementalExportSpecification spec = r.incrementalExportSpecification();
    StoredExport stored =
        new StoredExport(
            order,
            h.exportArn(),
            h.tableArn(),
            h.tableId(),
            h.bucket(),
            h.prefix(),
            h.incremental(),
            text(h.exportTime()),
            text(h.fromTime()),
            text(h.toTime()),
            h.viewType(),
            text(h.startTime()),
            text(h.endTime()),
            e.completesAt(),
            e.itemCount(),
            e.billedSizeBytes(),
            e.failureCode(),
            e.failureMessage(),
            new Request(
                r.tableArn(),
                text(r.exportTime()),
                r.clientToken(),
                r.s3Bucket(),
                r.s3BucketOwner(),
                r.s3Prefix(),
                r.s3SseAlgorithmAsString(),
                r.s3SseKmsKeyId(),
                r.exportFormatAsString(),
                r.exportTypeAsString(),
                spec == null ? null : text(spec.exportFromTime()),
                spec == null ? null : text(spec.exportToTime()),
                spec == null ? null : spec.exportViewTypeAsString()));
    return DurableStore.toJson(stored);
  }

  /** Reads what {@link #json} wrote. */
  static StoredExport read(String json) {
    return DurableStore.fromJson(json, StoredExport.class);
  }

  /** The export as the engine holds it in memory. */
  ExportOps.Export export() {
    ExportHeader header =
        new ExportHeader(
            exportArn,
            tableArn,
            tableId,
            bucket,
            prefix,
            incremental,
            instant(exportTime),
            instant(fromTime),
            instant(toTime),
            viewType,
            instant(startTime),
            instant(endTime));
    ExportTableToPointInTimeRequest.Builder r =
        ExportTableToPointInTimeRequest.builder()
            .tableArn(request.tableArn())
            .exportTime(instant(request.exportTime()))
            .clientToken(request.clientToken())
            .s3Bucket(request.s3Bucket())
            .s3BucketOwner(request.s3BucketOwner())
            .s3Prefix(request.s3Prefix())
            .s3SseAlgorithm(request.s3SseAlgorithm())
            .s3SseKmsKeyId(request.s3SseKmsKeyId())
            .exportFormat(request.exportFormat())
            .exportType(request.exportType());
    if (request.fromTime() != null || request.toTime() != null || request.viewType() != null) {
      r.incrementalExportSpecification(
          IncrementalExportSpecification.builder()
              .exportFromTime(instant(request.fromTime()))
              .exportToTime(instant(request.toTime()))
              .exportViewType(request.viewType())
              .build());
    }
    return new ExportOps.Export(
        header, r.build(), completesAt, itemCount, billedSizeBytes, failureCode, failureMessage);
  }

  private static String text(Instant i) {
    return i == null ? null : i.toString();
  }

  private static Instant instant(String text) {
    return text == null ? null : Instant.parse(text);
  }
}
