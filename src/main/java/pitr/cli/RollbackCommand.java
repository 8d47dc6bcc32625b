package pitr.cli;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.batch.ArrayJob;
import pitr.batch.StagedFiles;
import pitr.copy.Worker;
import pitr.files.AtomicFiles;
import pitr.rollback.ApplyRequest;
import pitr.rollback.ApplyResult;
import pitr.rollback.ExportRollbacks;
import pitr.rollback.PlanFile;
import pitr.rollback.PlanText;
import pitr.rollback.RollbackPlan;
import pitr.rollback.Rollbacks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * {@code pitr rollback TABLE --to T0}: restores T0 (and T1) into recovery tables, plans item by
 * item, prints and saves the plan, applies it with conditional writes and checkpoints, verifies,
 * and drops the recovery tables. {@code --apply PLAN [--resume RUN_ID]} applies a saved plan.
 */
@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    description = {
      "Roll a table back to T0, item by item, without clobbering later writes.",
      "With --incident-end T1 only items the incident changed are restored; items changed since"
          + " are conflicts, kept unless --on-conflict overwrite.",
      "--dry-run prints the plan and writes nothing to TABLE; --plan FILE also saves it; --apply"
          + " FILE executes exactly that plan, and --resume RUN_ID continues an apply that was"
          + " interrupted.",
      "--source export --bucket B plans from an incremental export of [T0, T1) instead of"
          + " restored tables (a window of 15m-24h on AWS).",
      "Before its first write an apply prints the command that continues it if it is"
          + " interrupted: pitr rollback --apply FILE --resume RUN_ID, with the target, --state-dir"
          + " and --checkpoint-table given."
    })
final class RollbackCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Time for plans and durations; tests inject their own. */
  Clock clock = Clock.systemUTC();

  /** Where retries and waits run; tests inject their own. */
  Scheduler scheduler = Schedulers.parallel();

  /** Where the confirmation is read from; tests inject their own. */
  BufferedReader input;

  @Parameters(paramLabel = "TABLE", arity = "0..1", description = "The live table.")
  String table;

  @Option(
      names = "--to",
      paramLabel = "T0",
      description = "Go back to this instant (ISO-8601, or -15m for 15 minutes ago).")
  String to;

  @Option(
      names = "--incident-end",
      paramLabel = "T1",
      description = "When the bad change ended; enables the three-way plan.")
  String incidentEnd;

  @Option(
      names = "--plan",
      paramLabel = "FILE",
      description = "Save the plan to FILE (JSON lines) and stop.")
  Path plan;

  @Option(
      names = "--dry-run",
      description =
          "Make the plan and print it, or with --apply FILE read and check that plan, and stop:"
              + " nothing is written to TABLE (planning still restores, or reads an export).")
  boolean dryRun;

  @Option(
      names = "--apply",
      paramLabel = "FILE",
      description =
          "Apply exactly this saved plan; FILE is a path or an S3 URI (fetched into the state"
              + " folder and checked first).")
  String apply;

  @Option(
      names = "--resume",
      converter = RunIdConverter.class,
      paramLabel = "RUN_ID",
      description =
          "With --apply: continue this interrupted apply, skipping the chunks it finished.")
  String resume;

  @Option(
      names = "--run-id",
      converter = RunIdConverter.class,
      paramLabel = "RUN_ID",
      description =
          "With --apply: id for a new apply, or one to join (shared by --worker processes).")
  String runId;

  @Option(
      names = "--worker",
      paramLabel = "I/N",
      defaultValue = "1/1",
      description =
          "With --apply: apply only this share of the plan's chunks (every N-th), e.g. 2/3; auto/N"
              + " inside an AWS Batch array job of size N takes I from AWS_BATCH_JOB_ARRAY_INDEX.")
  String worker;

  @Option(
      names = "--on-conflict",
      paramLabel = "skip|overwrite",
      defaultValue = "skip",
      description = "What to do with items changed after the incident (default: ${DEFAULT-VALUE}).")
  String onConflict;

  @Option(
      names = "--delete-extra",
      description = "Without --incident-end: delete items created after T0.")
  boolean deleteExtra;

  @Option(
      names = "--source",
      paramLabel = "restore|export",
      description =
          "Plan from two restored tables (restore), or from an incremental export of [T0, T1)"
              + " (export: no recovery tables, reads only the changed keys of TABLE; needs"
              + " --incident-end and --bucket or --export). Default: export when --bucket or"
              + " --export is given, else restore.")
  String source;

  @Mixin ExportOptions export = new ExportOptions();

  @Mixin ProgressIntervalOption progress = new ProgressIntervalOption();

  @Option(
      names = "--max-rcu",
      paramLabel = "RCU",
      defaultValue = "0",
      converter = Ranges.ReadUnits.class,
      description =
          "With --source export: read capacity units per second at most for reading the changed"
              + " keys of TABLE, 0-1,000,000; 0 = no cap (default: ${DEFAULT-VALUE}).")
  double maxRcu;

  @Mixin RollbackOptions rollbackOptions = new RollbackOptions();

  @Mixin ApplyOptions applyOptions = new ApplyOptions();

  @Mixin SubmitOptions submit = new SubmitOptions();

  @Override
  public Integer call() {
    // With --output json, what is said along the way goes to stderr; stdout holds the result.
    PrintWriter out =
        Targets.json(spec) ? spec.commandLine().getErr() : spec.commandLine().getOut();
    boolean overwrite = overwrite(onConflict);
    if (resume != null && apply == null) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--resume "
              + resume
              + " continues an apply; pass the plan it applied too: 'pitr rollback --apply PLAN"
              + " --resume "
              + resume
              + "'");
    }
    Worker share = ArrayJob.worker(worker, PitrCommand.of(spec).target().env);
    submit.refuseWithoutSubmit(spec);
    if (apply == null && (share.count() > 1 || runId != null || submit.requested())) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--worker, --run-id and --submit share the apply of a saved plan; make the plan with"
              + " --plan FILE, then pass --apply FILE");
    }
    refuseDryRunWith();
    if (resume != null && runId != null) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--resume "
              + resume
              + " continues that run; drop --run-id "
              + runId
              + " (pass one of them)");
    }
    if (submit.requested()) {
      long items = readPlan(true).size();
      String id = resume != null ? resume : runId != null ? runId : Rollbacks.newId(4);
      int code =
          submit.submit(
              spec,
              "rollback",
              applyOptions.state.checkpointTable,
              id,
              resume != null,
              new SubmitOptions.Input("--apply", apply, "The plan"));
      out.println(
          "  the workers fetch the plan ("
              + items
              + (items == 1 ? " item" : " items")
              + ") from "
              + submit.staged()
              + " and check it before applying it");
      out.flush();
      return code;
    }
    applyOptions.checkPaths();
    if (apply != null) {
      return applySaved(out, share);
    }
    if (table == null || to == null) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Give the table and --to T0, e.g. 'pitr rollback orders --to 2026-11-30T12:00:00Z', or --apply FILE");
    }
    Instant t0 = instant("--to", to);
    Instant t1 = incidentEnd == null ? null : instant("--incident-end", incidentEnd);
    Rollbacks.TableRequest tableRequest =
        new Rollbacks.TableRequest(
            table, t0, t1, overwrite, deleteExtra, rollbackOptions.restoreTimeout);
    // Everything is checked before the first restore: restoring is a change too.
    tableRequest.check();
    if (plan != null) {
      AtomicFiles.checkWritable(plan, "--plan");
    }
    boolean fromExport = fromExport();
    String newId = Rollbacks.newId(4);
    try (Targets t = Targets.of(spec)) {
      Rollbacks rollbacks = applyOptions.rollbacks(t, clock, scheduler);
      ApplyRequest request = applyOptions.request(t, newId, false, rollbackOptions.rate.maxWcu());
      if (!fromExport) {
        LeftoverNotes.print(spec, t.gateway, java.util.List.of(table));
      }
      Rollbacks.Prepared prepared;
      try (PlanScanProgress scan = PlanScanProgress.start(spec, progress.interval)) {
        prepared =
            fromExport
                ? planFromExport(t, tableRequest, scan)
                : rollbacks.reporting(scan).planTable(tableRequest).block();
        scan.finish();
      }
      RollbackPlan planned = prepared.plan();
      boolean keepPlan = false;
      ApplyRunNotice run = null;
      RuntimeException failure = null;
      try {
        out.print(PlanText.plan(planned, rollbackOptions.rate.maxWcu()));
        if (dryRun) {
          return dryRunDone(out, planned);
        }
        if (plan != null) {
          PlanFile.write(
              rollbackOptions.keep ? planned : planned.withRecoveryTables(List.of()), plan);
          out.println(
              "Plan saved to " + plan + "; apply it with 'pitr rollback --apply " + plan + "'");
          ApplyOutcome.printJson(spec, planned, null, plan, rollbackOptions.rate.maxWcu());
          return 0;
        }
        if (!rollbackOptions.yes) {
          Prompt.confirmOrRefuse(
              spec, input, "Apply this plan to " + table + "?", "nothing was written");
        }
        run = new ApplyRunNotice(out, spec, planned.file().toString(), newId, Worker.ALL);
        keepPlan = true;
        ApplyResult result =
            ApplyOutcome.applyWatched(
                spec, out, rollbacks, planned, request, run, progress.interval);
        keepPlan = !result.complete();
        ApplyOutcome.printJson(spec, planned, result, null, rollbackOptions.rate.maxWcu());
        return ApplyOutcome.finish(result, run.resumeCommand());
      } catch (RuntimeException e) {
        failure = e;
        throw e;
      } finally {
        if (keepPlan) {
          // The saved plan names them; the apply that completes it drops them.
          run.kept(planned, prepared.recoveryTables(), null, failure);
        }
        if (!keepPlan || !run.keepsPlan(failure)) {
          ApplyOutcome.dropOrKeep(
              out, rollbacks, prepared.recoveryTables(), rollbackOptions.keep, spec.commandLine());
          rollbacks.discard(planned);
        }
      }
    }
  }

  /**
   * Whether the plan is made from an export: {@code --source}, else whether a bucket or an export
   * was given. Refuses a source that is not known and export options without {@code --source
   * export}.
   */
  private boolean fromExport() {
    if (source != null && !List.of("restore", "export").contains(source)) {
      throw new PitrException(
          ErrorCode.USAGE, "--source " + source + " is not known; pass restore or export");
    }
    boolean fromExport = source == null ? export.given() : source.equals("export");
    if (!fromExport && export.given()) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--bucket and --export are for --source export; drop them to roll back from restored"
              + " tables");
    }
    if (fromExport) {
      export.check();
    }
    return fromExport;
  }

  private Rollbacks.Prepared planFromExport(
      Targets t, Rollbacks.TableRequest tableRequest, PlanScanProgress scan) {
    try (ExportOptions.Stores stores = export.open(spec)) {
      return ExportRollbacks.create(
              t.client,
              clock,
              scheduler,
              applyOptions.settings(t),
              stores.store(),
              export.pollInterval)
          .planTable(
              tableRequest,
              new ExportRollbacks.Source(
                  export.bucket, export.prefix, export.exportArn, export.exportTimeout, maxRcu),
              ExportCommand.progress(spec, clock),
              scan)
          .block();
    }
  }

  /** {@code --apply FILE}: the plan is read and checked against its seal before connecting. */
  private int applySaved(PrintWriter out, Worker share) {
    if (table != null
        || to != null
        || incidentEnd != null
        || plan != null
        || source != null
        || export.given()) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--apply FILE executes a saved plan as it is; drop TABLE, --to, --incident-end,"
              + " --plan, --source, --bucket and --export");
    }
    RollbackPlan saved = readPlan(dryRun);
    if (dryRun) {
      out.print(PlanText.plan(saved, rollbackOptions.rate.maxWcu()));
      return dryRunDone(out, saved);
    }
    String id = resume != null ? resume : runId != null ? runId : Rollbacks.newId(4);
    ApplyRunNotice run = new ApplyRunNotice(out, spec, apply, id, share);
    try (Targets t = Targets.of(spec)) {
      Rollbacks rollbacks = applyOptions.rollbacks(t, clock, scheduler);
      ApplyRequest request =
          applyOptions
              .request(t, id, resume != null, rollbackOptions.rate.maxWcu())
              .withWorker(share);
      out.print(PlanText.plan(saved, rollbackOptions.rate.maxWcu()));
      ApplyResult result;
      try {
        result =
            ApplyOutcome.applyWatched(spec, out, rollbacks, saved, request, run, progress.interval);
      } catch (RuntimeException e) {
        if (!run.isRecorded() && resume == null) {
          // The same command applies the plan anew; it joins run --run-id if others recorded it.
          run.kept(saved, saved.recoveryTables(), runId, e);
        }
        throw e;
      }
      if (result.runComplete()) {
        ApplyOutcome.dropOrKeep(
            out, rollbacks, saved.recoveryTables(), rollbackOptions.keep, spec.commandLine());
        // A plan pitr kept in the state folder for a resume is done with; one saved elsewhere
        // stays.
        rollbacks.discard(saved);
      }
      ApplyOutcome.printJson(spec, saved, result, null, rollbackOptions.rate.maxWcu());
      return ApplyOutcome.finish(result, run.resumeCommand());
    }
  }

  /**
   * The plan {@code --apply} names, as a local file: an {@code s3://} one is fetched into the
   * rollbacks folder (which an apply that completes the run empties) and checked.
   */
  private Path planFile() {
    return StagedInputs.local(
        spec, "--apply", apply, applyOptions.state.stateDir().resolve("rollbacks"));
  }

  /**
   * The plan {@code --apply} names, read and checked; a refusal of an {@code s3://} one names the
   * address. {@code discard}: drop the fetched copy at once (the submitter only checks it).
   */
  private RollbackPlan readPlan(boolean discard) {
    Path file = planFile();
    try {
      RollbackPlan plan = PlanFile.read(file);
      if (discard) {
        StagedInputs.discard(apply, file);
      }
      return plan;
    } catch (PitrException e) {
      StagedInputs.discard(apply, file);
      if (!StagedFiles.Location.is(apply)) {
        throw e;
      }
      throw new PitrException(
          e.code(), e.getMessage().replace(file.toString(), apply + " (its copy " + file + ")"), e);
    }
  }

  /**
   * Refuses {@code --dry-run} with what it would contradict: {@code --plan} (which writes nothing
   * to the table already), a resume, a run shared by workers, a submit.
   */
  private void refuseDryRunWith() {
    if (!dryRun) {
      return;
    }
    String other =
        plan != null
            ? "--plan FILE (which writes nothing to the table either)"
            : resume != null
                ? "--resume"
                : runId != null ? "--run-id" : submit.requested() ? "--submit" : null;
    if (other == null && !"1/1".equals(worker)) {
      other = "--worker";
    }
    if (other != null) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--dry-run stops before the first write, so it cannot go with "
              + other
              + "; drop one of them. Nothing was changed.");
    }
  }

  /**
   * Ends a dry run of {@code planned}, printed already: says what was not done and how to do it,
   * prints the plan as JSON with {@code --output json}, and returns the exit code, 0.
   */
  private int dryRunDone(PrintWriter out, RollbackPlan planned) {
    out.println(
        apply != null
            ? "Dry run: nothing was written. Apply it with 'pitr rollback --apply " + apply + "'"
            : "Dry run: nothing was written to "
                + table
                + ". Apply it by running the command again without --dry-run, or save it with"
                + " --plan FILE and apply that with --apply FILE");
    ApplyOutcome.printJson(spec, planned, null, null, rollbackOptions.rate.maxWcu());
    return 0;
  }

  static boolean overwrite(String onConflict) {
    if (!List.of("skip", "overwrite").contains(onConflict)) {
      throw new PitrException(
          ErrorCode.USAGE, "--on-conflict " + onConflict + " is not known; pass skip or overwrite");
    }
    return onConflict.equals("overwrite");
  }

  private Instant instant(String option, String text) {
    return ExportCommand.instant(option, text, clock);
  }
}
