package pitr.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
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
import pitr.batch.ArrayJob;
import pitr.copy.Checkpoints;
import pitr.copy.CopyBack;
import pitr.copy.CopyPlan;
import pitr.copy.CopyRequest;
import pitr.copy.CopyResult;
import pitr.copy.CopyRunRecord;
import pitr.copy.CopySource;
import pitr.copy.FailureLog;
import pitr.copy.RunLimits;
import pitr.copy.Worker;
import pitr.files.AtomicFiles;
import pitr.metrics.MetricsSession;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** {@code pitr copy-back --from RECOVERY --to TABLE}: writes a recovery table's items back. */
@Command(
    name = "copy-back",
    mixinStandardHelpOptions = true,
    description = {
      "Copy items from a recovery table back into TABLE: parallel scan, batches of 25, adaptive"
          + " write rate, checkpoints per page.",
      "Never drops an item: what cannot be written goes to a failure file (exit 4), replayable"
          + " with --replay.",
      "Before its first write it prints the command that continues it if it is interrupted:"
          + " pitr copy-back --resume RUN_ID, with the target, --state-dir and --checkpoint-table"
          + " given."
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

  @Mixin SubmitOptions submit = new SubmitOptions();

  @Option(
      names = "--keys",
      paramLabel = "FILE",
      description = "Copy only these keys (a key as JSON a line); FILE is a path or an S3 URI.")
  String keys;

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
      description =
          "Also delete items of TABLE that RECOVERY lacks: counted first, then asked (unless"
              + " --yes). Only from a recovery table into its source, unless --force.")
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
        converter = RunIdConverter.class,
        paramLabel = "RUN_ID",
        description =
            "Continue this run from its checkpoints: its tables, segments and limits (--max-wcu,"
                + " --max-rcu, --concurrency, --filter, --keys) come from them, and the items its"
                + " earlier processes could not write are written again. A cap or --concurrency"
                + " may be lowered, not raised.")
    String resume;

    @Option(
        names = "--run-id",
        converter = RunIdConverter.class,
        paramLabel = "RUN_ID",
        description = "Id for a new run, or one to continue (e.g. shared by --worker processes).")
    String runId;
  }

  @Option(
      names = "--worker",
      paramLabel = "I/N",
      defaultValue = "1/1",
      description =
          "Take only this share of the segments, e.g. 2/3; auto/N inside an AWS Batch array job"
              + " of size N takes I from AWS_BATCH_JOB_ARRAY_INDEX.")
  String worker;

  @Option(
      names = "--failures",
      paramLabel = "FILE",
      description =
          "Failure file, which must not exist yet (default: a new"
              + " <state-dir>/runs/<run>/failures-<worker>[.N].jsonl).")
  Path failures;

  @Option(
      names = "--replay",
      paramLabel = "FILE",
      description = "Write the items of a failure file again (with --to, or to their table).")
  Path replay;

  @Mixin RetryOptions.PerBatch retry = new RetryOptions.PerBatch();

  @Option(
      names = "--into-recovery-table",
      description =
          "Write into TABLE although it is tagged as a recovery table (pitr:recovery-of); refused"
              + " without it, since --from and --to are then usually swapped.")
  boolean intoRecoveryTable;

  @Option(
      names = "--force",
      description =
          "With --delete-extra: delete although RECOVERY is not a recovery table of TABLE.")
  boolean force;

  Clock clock = Clock.systemUTC();

  /** The {@code --keys} file (an {@code s3://} one fetched) with its origin, or null. */
  private CopySource.Keys keysFile;

  @Override
  public Integer call() {
    Worker share = ArrayJob.worker(worker, PitrCommand.of(spec).target().env);
    if (replay == null && run.resume == null && (from == null || to == null)) {
      throw new PitrException(
          ErrorCode.USAGE, "copy-back needs --from RECOVERY and --to TABLE (or --replay FILE)");
    }
    if (replay != null && to == null) {
      throw new PitrException(ErrorCode.USAGE, "--replay needs --to TABLE, the table to write to");
    }
    if (replay != null && run.resume != null) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--resume continues a copy-back run and writes the failure files of its earlier"
              + " processes again by itself; pass --replay FILE --to TABLE without --resume");
    }
    String id = run.resume != null ? run.resume : run.runId != null ? run.runId : newRunId();
    submit.refuseWithoutSubmit(spec);
    checkCheckpointTable();
    if (submit.requested()) {
      if (replay != null) {
        throw new PitrException(
            ErrorCode.USAGE, "--replay reads a local file; run it here, without --submit");
      }
      StagedInputs.discard(keys, StagedInputs.local(spec, "--keys", keys, stagedDir()));
      return submit.submit(
          spec,
          "copy-back",
          state.checkpointTable,
          id,
          run.resume != null,
          keys == null ? null : new SubmitOptions.Input("--keys", keys, "The keys file"));
    }
    Path failureFile = outputs(id, share);
    keysFile = KeysInput.given(spec, keys, stagedDir());
    Map<String, String> names = ExpressionJson.names("--filter-names", filterNames);
    Map<String, AttributeValue> values = ExpressionJson.values("--filter-values", filterValues);
    PrintWriter err = spec.commandLine().getErr();
    CopyRequest request = request(id, share, failureFile, names, values);
    CopyRunRecord record = null;
    if (run.resume != null) {
      // The run's checkpoints know what it copies, and its limits.
      record = CopyBackResume.record(spec, state, id);
      request = CopyBackResume.request(spec, record, request, stagedDir());
      from = request.source();
      to = request.target();
    }
    CopyResult result;
    CopyBackText text;
    String resumeCommand;
    // Up to --concurrency writes, as many segment scans and their checkpoint saves, and a
    // heartbeat.
    try (Targets t = Targets.of(spec, 3 * request.throughput().concurrency() + 1);
        MetricsSession session = metrics.start(spec, "copy-back")) {
      Checkpoints checkpoints = state.checkpoints(t.gateway);
      checkCheckpointTable(); // again: a resumed run's tables come from its record
      state.checkCheckpointTable(t.gateway);
      CopyBack copy =
          CopyBack.create(
              t.gateway.withRetryListener(e -> session.meters().add(pitr.metrics.Meter.RETRIES, 1)),
              checkpoints,
              session.meters(),
              clock);
      CopyPlan plan = copy.plan(request).block();
      // A resume deletes as its run did (recorded), or as this command adds.
      boolean deleting = request.deleteExtra();
      boolean confirmed =
          record != null && record.limits() != null && record.limits().deleteExtra();
      text = new CopyBackText(spec, plan, replay, deleting, rate.maxWcu());
      if (record != null) {
        err.println(RunLimits.resumeLine(record, request));
      }
      text.announce(err);
      if (deleting && !confirmed && !yes && !dryRun && plan.extraItems() > 0) {
        confirmDelete(err, plan);
      }
      resumeCommand = CopyBackResume.command(spec, replay, to, id, share, worker);
      if (!dryRun) {
        err.println(
            (replay != null ? "Replay" : "Run " + id)
                + ": if it is interrupted, continue it with: "
                + resumeCommand);
        err.flush();
      }
      try (Interruption interruption = Interruption.watch(err, copy::requestStop, resumeCommand)) {
        result = copy(t, session, copy, plan);
        if (result.abandoned() != null) {
          text.print(result);
          throw new PitrException(
              ErrorCode.FAILED,
              result.abandoned().stopped(id, "wrote " + CopyBackText.items(result.itemsWritten())));
        }
        if (result.stopped()) {
          text.print(result);
          throw interruption.stopped(
              "wrote "
                  + CopyBackText.items(result.itemsWritten())
                  + (result.itemsFailed() > 0
                      ? " ("
                          + CopyBackText.items(result.itemsFailed())
                          + " to "
                          + result.failureFile()
                          + ")"
                      : ""));
        }
      }
    }
    text.print(result);
    if (result.itemsFailed() > 0) {
      throw text.partial(result, resumeCommand);
    }
    return 0;
  }

  /**
   * Refuses output paths that cannot be written before any work, and returns the failure file of
   * this process: {@code --failures}, which must not exist yet, or a new one in the run's folder.
   */
  private Path outputs(String id, Worker share) {
    if (dryRun) {
      return failures != null ? failures : runDir(id).resolve("failures.jsonl");
    }
    if (state.checkpointTable == null && replay == null) {
      AtomicFiles.checkWritable(runDir(id).resolve("run.json"), "--state-dir");
    }
    if (failures != null) {
      if (Files.exists(failures)) {
        throw new PitrException(
            ErrorCode.USAGE,
            "--failures "
                + failures
                + " already exists; each process of a run writes its failures to a new file (a"
                + " resume reads back those of the processes before it), so pass a new file, or"
                + " leave --failures out to use "
                + runDir(id)
                + ". Nothing was changed.");
      }
      AtomicFiles.checkWritable(failures, "--failures");
      return failures;
    }
    Path fresh =
        FailureLog.freshFile(
            runDir(id).resolve("failures-" + share.index() + "-of-" + share.count() + ".jsonl"));
    AtomicFiles.checkWritable(fresh, "--state-dir");
    return fresh;
  }

  /**
   * Where {@code --keys s3://...} is fetched to: one path for one object, so the processes of a run
   * agree on the keys file their checkpoints record, and a resume finds it.
   */
  private Path stagedDir() {
    return state.stateDir().resolve("staged");
  }

  private Path runDir(String id) {
    return state.stateDir().resolve("runs").resolve(id);
  }

  private void confirmDelete(PrintWriter err, CopyPlan plan) {
    String question =
        plan.extraItemsUpperBound()
            ? "Delete up to "
                + plan.extraItems()
                + " items of "
                + to
                + ", the keys in --keys "
                + keys
                + " that "
                + from
                + " does not have ("
                + plan.direction()
                + ")?"
            : "Delete "
                + plan.extraItems()
                + " items of "
                + to
                + " that "
                + from
                + " does not have ("
                + plan.direction()
                + ")?";
    if (!Prompt.confirm(err, question)) {
      throw new PitrException(
          ErrorCode.REFUSED,
          "--delete-extra was not confirmed, so nothing was written; answer y or pass --yes");
    }
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
    return CopyRequest.builder(id, failureFile)
        .tables(from, to)
        .items(KeysInput.items(keysFile, replay, filter, names, values))
        .throughput(new CopyRequest.Throughput(segments, concurrency, rate.maxWcu(), rate.maxRcu()))
        .resume(run.resume != null)
        .worker(share)
        .retry(
            new CopyRequest.Retry(
                retry.retries(), java.time.Duration.ofMillis(100), retry.maxBackoff))
        .deleteExtra(deleteExtra)
        .dryRun(dryRun)
        .overrides(new CopyRequest.Overrides(intoRecoveryTable, force))
        .build();
  }

  private CopyResult copy(Targets t, MetricsSession session, CopyBack copy, CopyPlan plan) {
    CopyRequest request = plan.request();
    if (request.source() != null && !(request.items() instanceof CopySource.Keys)) {
      session.expect(DiffCommand.itemCount(t, request.source()));
    }
    CopyResult result = copy.run(plan).block();
    session.finish();
    return result;
  }

  private static String newRunId() {
    byte[] b = new byte[4];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
