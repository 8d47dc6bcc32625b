package pitr.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.export.ChangeReport;
import pitr.export.ExportChange;
import pitr.export.ExportManifest;
import pitr.export.Exporter;
import pitr.files.AtomicFiles;
import software.amazon.awssdk.services.dynamodb.model.ExportDescription;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * {@code pitr changes TABLE --from T0 --to T1 --bucket B} (or {@code --export ARN}): reads an
 * incremental export of the window (requesting it first when given a bucket) and prints what
 * changed: counts of inserts, updates and deletes, sample keys, and with {@code --keys-out} every
 * changed key in the file format {@code copy-back --keys} reads.
 */
@Command(
    name = "changes",
    mixinStandardHelpOptions = true,
    description = {
      "Print what changed in TABLE in [--from, --to), from an incremental export: inserts,"
          + " updates, deletes, samples.",
      "--bucket exports the window now (15m-24h on AWS); --export ARN reads one made before.",
      "--keys-out FILE writes the changed keys for 'pitr copy-back --keys FILE'."
    })
final class ChangesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Time for relative instants and progress; tests inject their own. */
  Clock clock = Clock.systemUTC();

  @Parameters(index = "0", paramLabel = "TABLE", description = "The table.")
  String table;

  @Option(names = "--from", paramLabel = "T0", description = "Start of the window (inclusive).")
  String from;

  @Option(names = "--to", paramLabel = "T1", description = "End of the window (exclusive).")
  String to;

  @Option(
      names = "--sample",
      paramLabel = "N",
      defaultValue = "5",
      converter = Ranges.Sample.class,
      description = "Sample keys to print of each kind, 0-1,000 (default: ${DEFAULT-VALUE}).")
  int sample;

  @Option(
      names = "--keys-out",
      paramLabel = "FILE",
      description = "Write every changed key to FILE (sealed JSON lines, for copy-back --keys).")
  Path keysOut;

  @Mixin ExportOptions export = new ExportOptions();

  @Override
  public Integer call() {
    export.check();
    Instant t0 = from == null ? null : ExportCommand.instant("--from", from, clock);
    Instant t1 = to == null ? null : ExportCommand.instant("--to", to, clock);
    if (export.bucket != null && (t0 == null || t1 == null)) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Give the window with --from T0 --to T1 to export it to --bucket " + export.bucket);
    }
    if (keysOut != null) {
      AtomicFiles.checkWritable(keysOut, "--keys-out");
    }
    try (Targets t = Targets.of(spec);
        ExportOptions.Stores stores = export.open(spec)) {
      Exporter exporter =
          Exporter.create(t.gateway, stores.store(), clock).polling(export.pollInterval);
      TableDescription described = t.gateway.describeTable(table).block();
      String arn = export.exportArn;
      if (arn == null) {
        arn =
            exporter
                .start(
                    new Exporter.ExportRequest(table, t0, t1, export.bucket, export.prefix),
                    "restore the two instants with 'pitr restore' and compare them with 'pitr"
                        + " diff --keys-out FILE'")
                .block()
                .exportArn();
      } else {
        check(exporter.describe(arn).block(), described, t0, t1);
      }
      ExportDescription d =
          exporter.await(arn, export.exportTimeout, ExportCommand.progress(spec, clock)).block();
      ExportManifest m = exporter.manifest(d).block();
      ChangeReport report = ChangeReport.read(exporter.reader(), m, sample, keysOut).block();
      print(spec.commandLine().getOut(), report);
    }
    return 0;
  }

  /** Refuses an export of another table, a full export, or one of another window than asked. */
  private void check(ExportDescription d, TableDescription table, Instant t0, Instant t1) {
    String problem = null;
    if (!table.tableArn().equals(d.tableArn())) {
      problem = "it is an export of " + d.tableArn() + ", not of " + table.tableArn();
    } else if (d.incrementalExportSpecification() == null) {
      problem = "it is a full export, which has no changes";
    } else if ((t0 != null
            && !millis(t0).equals(d.incrementalExportSpecification().exportFromTime()))
        || (t1 != null && !millis(t1).equals(d.incrementalExportSpecification().exportToTime()))) {
      problem =
          "it covers ["
              + d.incrementalExportSpecification().exportFromTime()
              + ", "
              + d.incrementalExportSpecification().exportToTime()
              + "), not the window asked for";
    }
    if (problem != null) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Export "
              + d.exportArn()
              + " cannot say what changed in "
              + this.table
              + ": "
              + problem
              + "; pass an incremental export of the table, or --bucket with --from and --to to"
              + " export the window now");
    }
  }

  private static Instant millis(Instant i) {
    return i.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
  }

  private void print(PrintWriter out, ChangeReport r) {
    ExportManifest m = r.manifest();
    if (Targets.json(spec)) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("table", table);
      json.put("exportArn", m.exportArn());
      json.put("from", m.fromTime());
      json.put("to", m.toTime());
      json.put("inserts", r.inserts());
      json.put("updates", r.updates());
      json.put("deletes", r.deletes());
      json.put("unchanged", r.unchanged());
      Map<String, List<String>> samples = new LinkedHashMap<>();
      r.samples().forEach((k, v) -> samples.put(k.name().toLowerCase(java.util.Locale.ROOT), v));
      json.put("samples", samples);
      json.put("keysOut", r.keysOut() == null ? null : r.keysOut().toString());
      Json.print(out, json);
      return;
    }
    out.println(
        "Changes to "
            + table
            + " in ["
            + m.fromTime()
            + ", "
            + m.toTime()
            + ") from export "
            + m.exportArn()
            + ":");
    out.println("  inserted: " + r.inserts());
    out.println("  updated:  " + r.updates());
    out.println("  deleted:  " + r.deletes());
    if (r.unchanged() > 0) {
      out.println("  written but the same at both ends: " + r.unchanged());
    }
    for (ExportChange.Kind kind :
        List.of(ExportChange.Kind.INSERT, ExportChange.Kind.UPDATE, ExportChange.Kind.DELETE)) {
      List<String> keys = r.samples().get(kind);
      if (!keys.isEmpty()) {
        out.println("  sample " + kind.name().toLowerCase(java.util.Locale.ROOT) + "s:");
        keys.forEach(k -> out.println("    " + k));
      }
    }
    if (r.keysOut() != null) {
      out.println(
          r.changed()
              + " changed keys written to "
              + r.keysOut()
              + "; 'pitr copy-back --from RECOVERY --to "
              + table
              + " --keys "
              + r.keysOut()
              + "' copies just those");
    }
    out.flush();
  }
}
