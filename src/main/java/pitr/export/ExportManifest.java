package pitr.export;

import java.time.Instant;
import java.util.List;

/**
 * An export's {@code manifest-summary.json} and {@code manifest-files.json}.
 *
 * @param bucket the bucket the export is in
 * @param summaryKey the key of its manifest-summary.json
 * @param exportArn the export's ARN
 * @param tableArn the exported table's ARN
 * @param incremental whether it is an INCREMENTAL_EXPORT
 * @param exportTime a full export's instant, or null
 * @param fromTime an incremental export's ExportFromTime (inclusive), or null
 * @param toTime an incremental export's ExportToTime (exclusive), or null
 * @param outputView NEW_AND_OLD_IMAGES or NEW_IMAGE for an incremental export, or null
 * @param itemCount lines in all data files together
 * @param files the data files, as manifest-files.json lists them
 */
public record ExportManifest(
    String bucket,
    String summaryKey,
    String exportArn,
    String tableArn,
    boolean incremental,
    Instant exportTime,
    Instant fromTime,
    Instant toTime,
    String outputView,
    long itemCount,
    List<DataFile> files) {

  /**
   * One data file.
   *
   * @param key its object key
   * @param itemCount its lines
   * @param md5Checksum the MD5 of its (gzipped) bytes, base64
   */
  public record DataFile(String key, long itemCount, String md5Checksum) {}
}
