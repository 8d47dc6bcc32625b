package pitr.local.export;

import java.time.Instant;

/**
 * What an export's manifest says about it.
 *
 * @param exportArn the export's ARN; its last segment is the ExportId
 * @param tableArn the exported table
 * @param tableId the exported table's id
 * @param bucket the S3 bucket
 * @param prefix the S3 prefix, or null
 * @param incremental whether this is an INCREMENTAL_EXPORT
 * @param exportTime a full export's instant, or null
 * @param fromTime an incremental export's ExportFromTime (inclusive), or null
 * @param toTime an incremental export's ExportToTime (exclusive), or null
 * @param viewType NEW_AND_OLD_IMAGES or NEW_IMAGE for an incremental export, or null
 * @param startTime when the export was requested
 * @param endTime when it completes
 */
public record ExportHeader(
    String exportArn,
    String tableArn,
    String tableId,
    String bucket,
    String prefix,
    boolean incremental,
    Instant exportTime,
    Instant fromTime,
    Instant toTime,
    String viewType,
    Instant startTime,
    Instant endTime) {

  /** The ExportId: the ARN's last segment. */
  public String exportId() {
    return exportArn.substring(exportArn.lastIndexOf('/') + 1);
  }

  /** The key every object of this export starts with, ending in a slash. */
  public String root() {
    String p = prefix == null ? "" : prefix.replaceAll("/+$", "");
    return (p.isEmpty() ? "" : p + "/") + "AWSDynamoDB/" + exportId() + "/";
  }

  /** The key of {@code manifest-summary.json}, DescribeExport's ExportManifest. */
  public String manifestSummaryKey() {
    return root() + "manifest-summary.json";
  }
}
