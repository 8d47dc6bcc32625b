package pitr.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.copy.Checkpoints;
import pitr.copy.CopyBack;
import pitr.copy.CopyRequest;
import pitr.copy.CopyResult;
import pitr.copy.CopyRunRecord;
import pitr.copy.Worker;
import pitr.dynamo.Durations;
import pitr.metrics.MetricsSession;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** {@code pitr copy-back --from RECOVERY --to TABLE}: writes a recovery table's items back. */
@Command(
    name = "copy-back",
    mixinStandardHelpOptions = true,
    description = {
      "Copy items from a recovery table back into TABLE: parallel scan, batches of 25, adaptive",
      "write rate, checkpoints per page. Never drops an item: what cannot be written goes to a",
      "failure file (exit 4), replayable with --replay."
    })
final class CopyBackCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--from", paramLabel = "RECOVERY", description = "Table to copy from.")
  String from;

  @Option(names = "--to", paramLabel = "TABLE", description = "Table to copy into.")
  String to;

  @Option(
      names = "--segments",
      paramLabel = "N",
      converter = Ranges.CopySegments.class,
      description =
          "Parallel-scan segments, 1-10,000 (default: one per 128 MB of the source, 4 to 1,000).")
  int segments;

  @Option(
      names = "--concurrency",
      paramLabel = "N",
      defaultValue = "16",
      converter = Ranges.Concurrency.class,
      description = "Batches in flight at most, 1-1,000 (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Mixin RateOptions rate = new RateOptions();

  @Mixin StateOptions state = new StateOptions();

  @Mixin MetricsOptions metrics = new MetricsOptions();

  @Option(names = "--keys", paramLabel = "FILE", description = "Copy only these keys (JSON lines).")
  Path keys;

  @Option(
      names = {"--filter", "--filter-expression"},
      paramLabel = "EXPR",
      description = "Copy only items matching this DynamoDB filter expression, e.g. 'qty > :v'.")
  String filter;

  @Option(
      names = {"--filter-values", "--expression-attribute-values"},
      paramLabel = "JSON",
      description =
          "Values the filter's :placeholders stand for, as DynamoDB JSON, e.g."
              + " '{\":v\":{\"N\":\"3\"}}', or file://PATH.")
  String filterValues;

  @Option(
      names = {"--filter-names", "--expression-attribute-names"},
      paramLabel = "JSON",
      description =
          "Attribute names the filter's #placeholders stand for, e.g. '{\"#s\":\"status\"}', or"
              + " file://PATH.")
  String filterNames;

  @Option(
      names = "--delete-extra",
      description = "Also delete items of TABLE that RECOVERY lacks (asks first unless --yes).")
  boolean deleteExtra;

  @Option(names = "--yes", description = "Do not ask for confirmation.")
  boolean yes;

  @Option(names = "--dry-run", description = "Read everything, write nothing, print an estimate.")
  boolean dryRun;

  @ArgGroup(exclusive = true)
  RunChoice run = new RunChoice();

  static final class RunChoice {
    @Option(
        names = "--resume",
        paramLabel = "RUN_ID",
        description =
            "Continue this run from its checkpoints; its tables and segments come from them.")
    String resume;

    @Option(
        names = "--run-id",
        paramLabel = "RUN_ID",
        description = "Id for a new run, or one to continue (e.g. shared by --worker processes).")
    String runId;
  }

  @Option(
      names = "--worker",
      paramLabel = "I/N",
      defaultValue = "1/1",
      description = "Take only this share of the segments, e.g. 2/3.")
  String worker;

  @Option(
      names = "--failures",
      paramLabel = "FILE",
      description = "Failure file (default: <state-dir>/runs/<run>/failures-<worker>.jsonl).")
  Path failures;

  @Option(
      names = "--replay",
      paramLabel = "FILE",
      description = "Write the items of a failure file again (with --to, or to their table).")
  Path replay;

  @Option(
      names = "--retries",
      paramLabel = "N",
      defaultValue = "10",
      converter = Ranges.Retries.class,
      description =
          "Retries per batch before items go to the failure file, 0-100 (default:"
              + " ${DEFAULT-VALUE}).")
  int retries;

  @Option(
      names = "--max-backoff",
      hidden = true,
      defaultValue = "10s",
      converter = Ranges.MaxBackoff.class,
      description = "Longest wait between retries, 1ms-10m (default: ${DEFAULT-VALUE}).")
  java.time.Duration maxBackoff;

  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() {
    Worker share = Worker.parse(worker);
    if (replay == null && run.resume == null && (from == null || to == null)) {
      throw new PitrException(
          ErrorCode.USAGE, "copy-back needs --from RECOVERY and --to TABLE (or --replay FILE)");
    }
    if (replay != null && to == null) {
      throw new PitrException(ErrorCode.USAGE, "--replay needs --to TABLE, the table to write to");
    }
    PrintWriter err = spec.commandLine().getErr();
    if (deleteExtra && !yes && !dryRun) {
      String question =
          to == null || from == null
              ? "Delete every item of the table run " + run.resume + " copies to that its source"
              : "Delete every item of " + to + " that " + from;
      if (!Prompt.confirm(err, question + " does not have?")) {
        throw new PitrException(
            ErrorCode.REFUSED,
            "--delete-extra was not confirmed, so nothing was written; answer y or pass --yes");
      }
    }
    String id = run.resume != null ? run.resume : run.runId != null ? run.runId : newRunId();
    Path failureFile =
        failures != null
            ? failures
            : state
                .stateDir()
                .resolve("runs")
                .resolve(id)
                .resolve("failures-" + share.index() + "-of-" + share.count() + ".jsonl");
    if (replay != null && failureFile.toAbsolutePath().equals(replay.toAbsolutePath())) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--failures must differ from --replay " + replay + "; pass another file");
    }
    Map<String, String> names = ExpressionJson.names("--filter-names", filterNames);
    Map<String, AttributeValue> values = ExpressionJson.values("--filter-values", filterValues);
    CopyResult result;
    // Up to --concurrency writes, as many segment scans and their checkpoint saves, and a
    // heartbeat.
    try (Targets t = Targets.of(spec, 3 * concurrency + 1);
        MetricsSession session = metrics.start(spec, "copy-back")) {
      Checkpoints checkpoints = state.checkpoints(t.gateway);
      if (run.resume != null && replay == null && (from == null || to == null)) {
        // The run's checkpoints know what it copies.
        CopyRunRecord record =
            checkpoints
                .find(id)
                .blockOptional()
                .orElseThrow(
                    () ->
                        new PitrException(
                            ErrorCode.USAGE,
                            "No copy-back run "
                                + id
                                + " in "
                                + checkpoints.describe()
                                + "; check --state-dir or --checkpoint-table"));
        from = from != null ? from : record.source();
        to = to != null ? to : record.target();
      }
      checkCheckpointTable();
      result = copy(t, session, checkpoints, request(id, share, failureFile, names, values));
    }
    print(result);
    if (result.itemsFailed() > 0) {
      throw new PitrException(
          ErrorCode.PARTIAL,
          result.itemsFailed()
              + " items could not be written to "
              + result.target()
              + " and are in "
              + result.failureFile()
              + "; fix the cause and run pitr copy-back --replay "
              + result.failureFile()
              + " --to "
              + result.target());
    }
    return 0;
  }

  private void checkCheckpointTable() {
    String table = state.checkpointTable;
    if (table != null && (table.equals(from) || table.equals(to))) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--checkpoint-table "
              + table
              + " is the table copied "
              + (table.equals(from) ? "from" : "to")
              + "; name a table of its own for checkpoints, e.g. --checkpoint-table"
              + " pitr-checkpoints");
    }
  }

  private CopyRequest request(
      String id,
      Worker share,
      Path failureFile,
      Map<String, String> names,
      Map<String, AttributeValue> values) {
    return new CopyRequest(
        from,
        to,
        segments,
        concurrency,
        rate.maxWcu(),
        rate.maxRcu(),
        keys,
        filter,
        deleteExtra,
        dryRun,
        id,
        run.resume != null,
        share,
        failureFile,
        retries,
        java.time.Duration.ofMillis(100),
        maxBackoff,
        replay,
        names,
        values);
  }

  private CopyResult copy(
      Targets t, MetricsSession session, Checkpoints checkpoints, CopyRequest request) {
    CopyBack copy =
        CopyBack.create(
            t.gateway.withRetryListener(e -> session.meters().add(pitr.metrics.Meter.RETRIES, 1)),
            checkpoints,
            session.meters(),
            clock);
    if (request.source() != null && request.keysFile() == null) {
      t.gateway
          .findTable(request.source())
          .onErrorResume(e -> reactor.core.publisher.Mono.empty())
          .blockOptional()
          .ifPresent(d -> session.expect(d.itemCount() == null ? 0 : d.itemCount()));
    }
    CopyResult result = copy.run(request).block();
    session.finish();
    return result;
  }

  private static String newRunId() {
    byte[] b = new byte[4];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private void print(CopyResult r) {
    PrintWriter out = spec.commandLine().getOut();
    if (Targets.json(spec)) {
      Json.print(out, r);
      return;
    }
    if (r.dryRun()) {
      out.println(
          "Dry run: would write "
              + r.itemsWritten()
              + " items ("
              + Math.round(r.writeUnits())
              + " WCU) from "
              + r.source()
              + " to "
              + r.target()
              + (r.itemsDeleted() > 0 ? " and delete " + r.itemsDeleted() + " items" : "")
              + "; "
              + (r.estimate() == null
                  ? "no --max-wcu given, so the time depends on the table's capacity"
                  : "about "
                      + Durations.format(r.estimate())
                      + " at "
                      + Math.round(rate.maxWcu())
                      + " WCU/s"));
      out.println("Nothing was written.");
    } else {
      out.println(
          "Copied "
              + r.itemsWritten()
              + " items from "
              + (r.source() == null ? replay : r.source())
              + " to "
              + r.target()
              + " in "
              + Durations.format(r.elapsed())
              + " ("
              + Math.round(r.writeUnits())
              + " WCU"
              + (r.itemsDeleted() > 0 ? ", " + r.itemsDeleted() + " extra items deleted" : "")
              + (r.itemsFailed() > 0 ? ", " + r.itemsFailed() + " failed" : "")
              + (r.keysMissing() > 0 ? ", " + r.keysMissing() + " keys not in the source" : "")
              + ")");
      if (r.segments() > 0) {
        out.println(
            "run "
                + r.runId()
                + ": "
                + r.segmentsCopied()
                + " segments copied, "
                + r.segmentsSkipped()
                + " already done, of "
                + r.segments());
      }
    }
    out.flush();
  }
}
