package pitr.local.ops;

import java.time.Duration;
import java.time.Instant;
import pitr.local.EngineConfig;
import pitr.local.Errors;
import pitr.local.Table;
import software.amazon.awssdk.services.dynamodb.model.ExportFormat;
import software.amazon.awssdk.services.dynamodb.model.ExportTableToPointInTimeRequest;
import software.amazon.awssdk.services.dynamodb.model.ExportType;
import software.amazon.awssdk.services.dynamodb.model.ExportViewType;
import software.amazon.awssdk.services.dynamodb.model.IncrementalExportSpecification;
import software.amazon.awssdk.services.dynamodb.model.InvalidExportTimeException;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryUnavailableException;

/**
 * The checks of an ExportTableToPointInTime request, in the order DynamoDB makes them: the
 * request's own members first (format, type, the incremental window's length), then the table's
 * PITR setting, then the instants against its recovery period.
 *
 * @param incremental whether this is an INCREMENTAL_EXPORT
 * @param exportTime a full export's instant (epoch ms)
 * @param from an incremental export's ExportFromTime (epoch ms, inclusive)
 * @param to an incremental export's ExportToTime (epoch ms, exclusive)
 * @param viewType NEW_AND_OLD_IMAGES or NEW_IMAGE
 */
record ExportWindow(
    boolean incremental, long exportTime, long from, long to, ExportViewType viewType) {

  /**
   * Checks what the request alone decides, before any table is looked up, beyond the model's
   * constraints (required members, enums), which the engine checked already.
   */
  static void checkRequest(ExportTableToPointInTimeRequest r, EngineConfig.Exports settings) {
    if (r.exportFormat() == ExportFormat.ION) {
      throw Errors.validation(
          "ExportFormat ION is not supported by the pitr local engine, which writes DYNAMODB_JSON"
              + " only; omit ExportFormat or set it to DYNAMODB_JSON");
    }
    IncrementalExportSpecification spec = r.incrementalExportSpecification();
    if (r.exportType() != ExportType.INCREMENTAL_EXPORT) {
      if (spec != null) {
        throw Errors.validation(
            "IncrementalExportSpecification is only valid with ExportType INCREMENTAL_EXPORT");
      }
      return;
    }
    if (r.exportTime() != null) {
      throw Errors.validation(
          "ExportTime is only valid with ExportType FULL_EXPORT; an INCREMENTAL_EXPORT takes"
              + " IncrementalExportSpecification.ExportFromTime and ExportToTime");
    }
    if (spec == null || spec.exportFromTime() == null) {
      throw Errors.validation(
          "IncrementalExportSpecification.ExportFromTime is required for ExportType"
              + " INCREMENTAL_EXPORT");
    }
    if (spec.exportToTime() != null) {
      checkLength(spec.exportFromTime(), spec.exportToTime(), settings.minWindow());
    }
  }

  /**
   * The window of a checked request on table {@code t} now, refused when PITR is off or an instant
   * lies outside the recovery period.
   */
  static ExportWindow of(
      ExportTableToPointInTimeRequest r, Table t, long now, EngineConfig.Exports settings) {
    if (!t.pitrEnabled) {
      throw (PointInTimeRecoveryUnavailableException)
          Errors.build(
              PointInTimeRecoveryUnavailableException.builder(),
              "PointInTimeRecoveryUnavailableException",
              "Point in time recovery is not enabled for table '" + t.name + "'",
              400);
    }
    long earliest = t.earliestRestorable(now);
    if (r.exportType() != ExportType.INCREMENTAL_EXPORT) {
      long at = r.exportTime() == null ? now : r.exportTime().toEpochMilli();
      checkInWindow("ExportTime", at, earliest, now, t);
      return new ExportWindow(false, at, 0, 0, null);
    }
    IncrementalExportSpecification spec = r.incrementalExportSpecification();
    long from = spec.exportFromTime().toEpochMilli();
    long to = spec.exportToTime() == null ? now : spec.exportToTime().toEpochMilli();
    if (spec.exportToTime() == null) {
      checkLength(spec.exportFromTime(), Instant.ofEpochMilli(to), settings.minWindow());
    }
    checkInWindow("ExportFromTime", from, earliest, now, t);
    checkInWindow("ExportToTime", to, earliest, now, t);
    ExportViewType view =
        spec.exportViewType() == null ? ExportViewType.NEW_AND_OLD_IMAGES : spec.exportViewType();
    return new ExportWindow(true, 0, from, to, view);
  }

  private static void checkLength(Instant from, Instant to, Duration min) {
    Duration length = Duration.between(from, to);
    if (length.isNegative() || length.isZero()) {
      throw Errors.validation(
          "IncrementalExportSpecification.ExportFromTime "
              + from
              + " must be before ExportToTime "
              + to);
    }
    Duration max = EngineConfig.Exports.MAX_WINDOW;
    if (length.compareTo(min) < 0 || length.compareTo(max) > 0) {
      throw Errors.validation(
          "The incremental export period from ExportFromTime "
              + from
              + " to ExportToTime "
              + to
              + " is "
              + words(length)
              + "; it must be at least "
              + words(min)
              + " and at most "
              + words(max));
    }
  }

  private static void checkInWindow(String member, long at, long earliest, long latest, Table t) {
    if (at < earliest || at > latest) {
      throw (InvalidExportTimeException)
          Errors.build(
              InvalidExportTimeException.builder(),
              "InvalidExportTimeException",
              member
                  + " "
                  + Instant.ofEpochMilli(at)
                  + " is outside the point in time recovery period ["
                  + Instant.ofEpochMilli(earliest)
                  + ", "
                  + Instant.ofEpochMilli(latest)
                  + "] of table "
                  + t.name,
              400);
    }
  }

  /** "15 minutes", "24 hours", "90 seconds", "1 minute 30 seconds". */
  static String words(Duration d) {
    long s = d.getSeconds();
    if (s % 3600 == 0 && s > 0) {
      return plural(s / 3600, "hour");
    }
    if (s % 60 == 0 && s > 0) {
      return plural(s / 60, "minute");
    }
    if (s >= 60) {
      return plural(s / 60, "minute") + " " + plural(s % 60, "second");
    }
    return d.toMillis() % 1000 == 0 ? plural(s, "second") : d.toMillis() + " ms";
  }

  private static String plural(long n, String unit) {
    return n + " " + unit + (n == 1 ? "" : "s");
  }
}
