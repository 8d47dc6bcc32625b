package pitr.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.Durations;
import pitr.export.ExportStore;
import pitr.export.Exporter;
import software.amazon.awssdk.services.dynamodb.model.ExportDescription;
import software.amazon.awssdk.services.dynamodb.model.ExportStatus;

/**
 * {@code pitr export TABLE --to WHEN | --from T0 --to T1 --bucket B}: checks the window, requests a
 * point-in-time export to S3 (full, or incremental of [T0, T1)), and with {@code --wait} waits for
 * it with progress; prints the export's ARN and where it is.
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Export TABLE to S3 as it was at --to (full), or what changed in [--from, --to)"
          + " (incremental, 15m-24h on AWS).",
      "Checks PITR and the window first; an export reads no capacity of the table.",
      "'pitr changes' and 'pitr rollback --source export' read incremental exports."
    })
final class ExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Time for relative instants and progress; tests inject their own. */
  Clock clock = Clock.systemUTC();

  @Parameters(index = "0", paramLabel = "TABLE", description = "The table to export.")
  String table;

  @Option(
      names = "--from",
      paramLabel = "T0",
      description = "Start of an incremental export (inclusive): ISO-8601 or relative (-2h).")
  String from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "WHEN",
      description =
          "A full export's instant, or an incremental export's end (exclusive): ISO-8601 or"
              + " relative (-15m).")
  String to;

  @Option(names = "--wait", description = "Wait until the export is COMPLETED.")
  boolean waitDone;

  @Mixin ExportOptions export = new ExportOptions();

  @Override
  public Integer call() {
    if (export.exportArn != null) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--export names an export made before; 'pitr export' makes a new one: drop --export"
              + " (read an export with 'pitr changes "
              + table
              + " --export ARN')");
    }
    if (export.bucket == null) {
      throw new PitrException(
          ErrorCode.USAGE, "Give --bucket BUCKET, the S3 bucket to export " + table + " to");
    }
    export.check();
    Instant t1 = instant("--to", to, clock);
    Instant t0 = from == null ? null : instant("--from", from, clock);
    Exporter.ExportRequest request =
        new Exporter.ExportRequest(table, t0, t1, export.bucket, export.prefix);
    PrintWriter out = spec.commandLine().getOut();
    try (Targets t = Targets.of(spec);
        ExportOptions.Stores stores = export.open(spec)) {
      Exporter exporter =
          Exporter.create(t.gateway, stores.store(), clock).polling(export.pollInterval);
      String fix =
          t0 == null
              ? "pick an instant inside the window"
              : "export a window of 15m-24h (on AWS), or restore the two instants with 'pitr"
                  + " restore' and compare them with 'pitr diff'";
      ExportDescription d = exporter.start(request, fix).block();
      if (waitDone) {
        d = exporter.await(d.exportArn(), export.exportTimeout, progress(spec, clock)).block();
      }
      print(out, d, stores.store());
    }
    return 0;
  }

  /** Tells stderr each status of an export while waiting. */
  static Consumer<ExportDescription> progress(CommandSpec spec, Clock clock) {
    PrintWriter err = spec.commandLine().getErr();
    Instant start = clock.instant();
    return d -> {
      err.println(
          "exporting "
              + d.exportArn()
              + ": "
              + d.exportStatusAsString()
              + " (elapsed "
              + Durations.format(Duration.between(start, clock.instant()))
              + ")");
      err.flush();
    };
  }

  private void print(PrintWriter out, ExportDescription d, ExportStore store) {
    boolean incremental = d.incrementalExportSpecification() != null;
    String where = store.describe(d.s3Bucket(), d.s3Prefix() == null ? "" : d.s3Prefix());
    String manifest =
        d.exportManifest() == null ? null : store.describe(d.s3Bucket(), d.exportManifest());
    String next =
        "pitr changes "
            + table
            + " --export "
            + d.exportArn()
            + (export.exportDir == null ? "" : " --export-dir " + export.exportDir);
    if (Targets.json(spec)) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("exportArn", d.exportArn());
      json.put("table", table);
      json.put("status", d.exportStatusAsString());
      json.put("type", d.exportTypeAsString());
      if (incremental) {
        json.put("from", d.incrementalExportSpecification().exportFromTime());
        json.put("to", d.incrementalExportSpecification().exportToTime());
      } else {
        json.put("exportTime", d.exportTime());
      }
      json.put("location", where);
      json.put("manifest", manifest);
      json.put("itemCount", d.itemCount());
      Json.print(out, json);
      return;
    }
    out.println("Export " + d.exportArn() + " is " + d.exportStatusAsString());
    out.println(
        "  "
            + (incremental
                ? "changes to "
                    + table
                    + " in ["
                    + d.incrementalExportSpecification().exportFromTime()
                    + ", "
                    + d.incrementalExportSpecification().exportToTime()
                    + ")"
                : table + " as of " + d.exportTime())
            + " to "
            + where);
    if (d.exportStatus() == ExportStatus.COMPLETED) {
      out.println("  " + d.itemCount() + " items; manifest " + manifest);
    }
    if (incremental) {
      out.println(
          "Next: '"
              + next
              + "'"
              + (d.exportStatus() == ExportStatus.COMPLETED ? "" : " (it waits until COMPLETED)"));
    }
    out.flush();
  }

  /** {@code text} as an instant: ISO-8601 or relative to now ({@code -15m}). */
  static Instant instant(String option, String text, Clock clock) {
    try {
      if (text.startsWith("-")) {
        return clock.instant().minus(Durations.parse(text.substring(1)));
      }
      return Instant.parse(text);
    } catch (DateTimeParseException | IllegalArgumentException e) {
      throw new PitrException(
          ErrorCode.USAGE,
          option
              + " "
              + text
              + " is not an instant; pass ISO-8601 like 2026-11-30T12:00:00Z or a relative time"
              + " like -15m");
    }
  }
}
