package pitr.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
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
import pitr.files.AtomicFiles;
import pitr.migrate.Lease;
import pitr.migrate.MigrationEnvironment;
import pitr.migrate.RunRecord;
import pitr.rollback.ApplyResult;
import pitr.rollback.MigrationExportRollbacks;
import pitr.rollback.PlanFile;
import pitr.rollback.PlanText;
import pitr.rollback.Rollbacks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code pitr migrate rollback NAME}: undoes the latest run of a migration, restoring exactly the
 * keys its journal lists to the run's restore point; an item changed since the run wrote it is a
 * conflict and is kept. It holds the environment's migration lock throughout, so it refuses (exit
 * 3) while a migration runs and no migration starts meanwhile; the ledger records the run as
 * ROLLED_BACK under that lock. {@code --resume ROLLBACK_ID} continues an interrupted rollback with
 * the plans it saved. {@code --plan FILE} saves the plans and stops, writing no item. {@code
 * --source export --bucket B} takes the items' images before the run from an incremental export of
 * each table (from the run's restore point to its latest restorable time) instead of a restore
 * ({@link MigrationExportRollbacks}).
 */
@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    description = {
      "Undo the latest run of a migration: restore its restore point and put back exactly the"
          + " items it journaled.",
      "Items changed since the run wrote them are conflicts, kept unless --on-conflict overwrite.",
      "--dry-run shows what it would undo from the ledger and journal alone (no restore); --plan"
          + " FILE restores, saves the item-by-item plan and stops (no item is written).",
      "--source export --bucket B takes the images before the run from an incremental export of"
          + " each table instead of a restore: no recovery table."
    })
final class MigrateRollbackCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin MigrateCommand.Options options = new MigrateCommand.Options();

  @Parameters(paramLabel = "NAME", description = "Migration, e.g. 0001_cars_get_a_price.")
  String name;

  @Option(
      names = "--on-conflict",
      paramLabel = "skip|overwrite",
      defaultValue = "skip",
      description = "What to do with items changed since the run (default: ${DEFAULT-VALUE}).")
  String onConflict;

  @Mixin RollbackOptions rollbackOptions = new RollbackOptions();

  @Option(
      names = "--resume",
      converter = RunIdConverter.class,
      paramLabel = "ROLLBACK_ID",
      description = "Continue this interrupted rollback with the plans it saved (no new restore).")
  String resume;

  @Option(
      names = "--plan",
      paramLabel = "FILE",
      description = {
        "Save the plan to FILE (JSON lines) and stop: a preview that writes no item. With several"
            + " tables, one file each: FILE with the table's name before its extension."
      })
  Path plan;

  @Option(
      names = "--dry-run",
      description =
          "Show the run a rollback would undo, its restore point and the writes it journaled, per"
              + " table; restore nothing, write nothing, take no lock.")
  boolean dryRun;

  @Mixin ApplyOptions applyOptions = new ApplyOptions();

  @Mixin ProgressIntervalOption progress = new ProgressIntervalOption();

  @Option(
      names = "--source",
      paramLabel = "restore|export",
      description =
          "Take the images before the run from a restore of its restore point (restore), or from"
              + " an incremental export of each table from the restore point on (export: no"
              + " recovery tables; needs --bucket, and 15 minutes to 24 hours since the restore"
              + " point). Default: export when --bucket is given, else restore.")
  String source;

  @Mixin ExportOptions export = new ExportOptions();

  /** Plan files by table, for {@code --plan}; empty without it. */
  private Map<String, Path> planFiles = Map.of();

  @Override
  public Integer call() {
    boolean overwrite = RollbackCommand.overwrite(onConflict);
    if (plan != null && resume != null) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--plan makes a new plan and --resume "
              + resume
              + " applies saved ones; pass one of them");
    }
    if (dryRun && (plan != null || resume != null)) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--dry-run previews without restoring; drop "
              + (plan != null ? "--plan (which restores to make the plan)" : "--resume")
              + " or --dry-run");
    }
    boolean fromExport = fromExport();
    MigrateCommand parent = MigrateCommand.of(spec);
    String migration = migrationName();
    if (dryRun) {
      try (Targets t = Targets.of(spec)) {
        MigrationEnvironment env = parent.environment(spec, t.client, options);
        Rollbacks rollbacks = applyOptions.rollbacks(t, parent.clock, parent.scheduler);
        List<MigrationExportRollbacks.Window> windows = null;
        if (fromExport) {
          try (ExportOptions.Stores stores = export.open(spec)) {
            windows =
                exports(t, parent, stores)
                    .windows(rollbacks.lastRun(env, migration).block())
                    .block();
          }
        }
        return MigrateRollbackPreview.preview(
            t,
            env,
            rollbacks,
            parent.clock,
            migration,
            windows == null
                ? null
                : new MigrateRollbackPreview.Exports(windows, export.bucket, export.prefix),
            Targets.json(spec),
            spec.commandLine().getOut());
      }
    }
    applyOptions.checkPaths();
    String id = resume != null ? resume : Rollbacks.newId(4);
    try (Targets t = Targets.of(spec)) {
      MigrationEnvironment env = parent.environment(spec, t.client, options);
      Rollbacks rollbacks = applyOptions.rollbacks(t, parent.clock, parent.scheduler);
      // Checked before the first change (a restore), as the writes take it later.
      applyOptions.request(t, id + "-1", false, rollbackOptions.rate.maxWcu());
      // Refuse a migration without a run before taking the lock (which lives in the ledger);
      // under the lock the run is read again.
      if (resume == null) {
        RunRecord run = rollbacks.lastRun(env, migration).block();
        if (plan != null) {
          planFiles = planFiles(run.tables());
        }
        if (!source(true)) {
          LeftoverNotes.print(spec, t.gateway, run.tables());
        }
      } else {
        env.ledger().requireExists("to roll back").block();
      }
      // The lock keeps migrations out while the rollback runs; a live holder refuses (exit 3).
      return env.underLock(
              "rollback-" + id,
              migration,
              MigrateCommand.operator(),
              MigrateCommand.host(),
              lease ->
                  Mono.fromCallable(
                          () ->
                              rollBack(parent, t, env, rollbacks, lease, migration, id, overwrite))
                      .subscribeOn(Schedulers.boundedElastic()))
          .block();
    }
  }

  private int rollBack(
      MigrateCommand parent,
      Targets t,
      MigrationEnvironment env,
      Rollbacks rollbacks,
      Lease lease,
      String migration,
      String id,
      boolean overwrite) {
    // With --output json, what is said along the way goes to stderr; stdout holds the result.
    PrintWriter out =
        Targets.json(spec) ? spec.commandLine().getErr() : spec.commandLine().getOut();
    Rollbacks.MigrationRollback rollback;
    if (resume != null) {
      rollback = rollbacks.resumeMigration(env, migration, resume).block();
      // Before the first item write: a rollback that could not record itself writes nothing.
      rollbacks.proveCanRecordRolledBack(env, rollback.run(), lease).block();
      boolean planned = !rollback.plans().isEmpty();
      out.println(
          "Resuming rollback "
              + id
              + " of run "
              + rollback.run().runId()
              + " of "
              + migration
              + " to its restore point "
              + rollback.run().restorePoint()
              + (planned
                  ? ""
                  : ": it was stopped before it saved its plans, so it plans again, using the"
                      + " recovery tables its restores made"));
      out.flush();
      if (!planned) {
        rollback =
            rollbacks
                .planMigration(
                    env, rollback.run(), overwrite, rollbackOptions.restoreTimeout, id, true)
                .block();
      }
    } else {
      RunRecord run = rollbacks.lastRun(env, migration).block();
      if (plan != null) {
        // Under the lock the run may be a newer one, of other tables.
        planFiles = planFiles(run.tables());
      } else {
        // Before the restore and the first item write: a rollback that could not record the run
        // ROLLED_BACK in the ledger is refused with the tables as they were.
        rollbacks.proveCanRecordRolledBack(env, run, lease).block();
      }
      out.println(
          "Rolling back run "
              + run.runId()
              + " of "
              + run.migration()
              + " to its restore point "
              + run.restorePoint()
              + (source(resume == null)
                  ? " from exports to s3://"
                      + export.bucket
                      + "/"
                      + (export.prefix == null ? "" : export.prefix)
                  : " as rollback "
                      + id
                      + (plan != null
                          ? ""
                          : "; if it is interrupted, continue it with: "
                              + ResumeCommands.of(
                                  spec, "migrate rollback " + migration + " --resume " + id))));
      out.flush();
      if (source(resume == null)) {
        try (ExportOptions.Stores stores = export.open(spec)) {
          rollback =
              exports(t, parent, stores)
                  .planMigration(
                      env,
                      run,
                      overwrite,
                      new MigrationExportRollbacks.Source(
                          export.bucket, export.prefix, export.exportTimeout),
                      id,
                      ExportCommand.progress(spec, parent.clock))
                  .block();
        }
      } else {
        rollback =
            rollbacks
                .planMigration(env, run, overwrite, rollbackOptions.restoreTimeout, id)
                .block();
      }
    }
    RunRecord run = rollback.run();
    boolean keepPlans = false;
    try {
      rollback
          .plans()
          .forEach(p -> out.print(PlanText.plan(p.plan(), rollbackOptions.rate.maxWcu())));
      if (plan != null) {
        savePlans(out, rollback, migration);
        printJson(rollback, List.of(), false);
        return 0;
      }
      if (!rollbackOptions.yes) {
        Prompt.confirmOrRefuse(
            spec,
            parent.input,
            "Apply to " + String.join(", ", run.tables()) + "?",
            "nothing was written");
      }
      keepPlans = true;
      String resumeCommand =
          ResumeCommands.of(spec, "migrate rollback " + migration + " --resume " + id);
      out.println(
          "Applying as rollback "
              + id
              + "; if it is interrupted, continue it with: "
              + resumeCommand);
      out.flush();
      List<ApplyResult> results = new ArrayList<>();
      // A signal stops the apply once the chunks in flight settle; the lock is then let go, so
      // the printed resume goes on at once.
      try (Interruption interruption =
          Interruption.watch(spec.commandLine().getErr(), rollbacks::requestStop, resumeCommand)) {
        for (int i = 0; i < rollback.plans().size(); i++) {
          String runId = id + "-" + (i + 1);
          ApplyResult result;
          try (ApplyProgressLines lines = ApplyProgressLines.start(spec, progress.interval)) {
            result =
                rollbacks
                    .apply(
                        rollback.plans().get(i).plan(),
                        applyOptions
                            .request(t, runId, false, rollbackOptions.rate.maxWcu())
                            .forRun(runId, applyOptions.failureFile(runId)),
                        () -> {},
                        lines)
                    .block();
          }
          out.print(PlanText.result(result));
          results.add(result);
          ApplyOutcome.endIfStopped(out, result, interruption);
        }
      }
      for (ApplyResult result : results) {
        if (!result.complete()) {
          ApplyOutcome.finish(result, resumeCommand);
        }
      }
      rollbacks.recordRolledBack(env, rollback, lease, Targets.createdBy(), results).block();
      keepPlans = false;
      printJson(rollback, results, true);
      out.println(
          "Run "
              + run.runId()
              + " of "
              + run.migration()
              + " is ROLLED_BACK in "
              + env.ledger().table());
      return 0;
    } finally {
      if (keepPlans && !rollback.recoveryTables().isEmpty()) {
        out.println(
            "Kept recovery tables until the rollback completes: "
                + String.join(", ", rollback.recoveryTables()));
      } else if (!keepPlans) {
        ApplyOutcome.dropOrKeep(
            out, rollbacks, rollback.recoveryTables(), rollbackOptions.keep, spec.commandLine());
        rollbacks.discard(rollback);
      }
      out.flush();
    }
  }

  /** Whether this rollback plans from exports (checked by {@link #fromExport} already). */
  private boolean source(boolean planning) {
    return planning && (source == null ? export.given() : source.equals("export"));
  }

  /**
   * Whether the images come from exports: {@code --source}, else whether a bucket was given.
   * Refuses, before anything is read, a source that is not known, export options without {@code
   * --source export}, {@code --export ARN} (one export of one table, where a run may have written
   * several), and export options with {@code --resume} (which applies saved plans).
   */
  private boolean fromExport() {
    if (source != null && !List.of("restore", "export").contains(source)) {
      throw new PitrException(
          ErrorCode.USAGE, "--source " + source + " is not known; pass restore or export");
    }
    boolean fromExport = source == null ? export.given() : source.equals("export");
    if (export.exportArn != null) {
      throw oneExport();
    }
    if (!fromExport && export.given()) {
      throw new PitrException(
          ErrorCode.USAGE, "--bucket is for --source export; drop it to roll back from a restore");
    }
    if (fromExport && resume != null) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--resume "
              + resume
              + " applies the plans rollback "
              + resume
              + " saved, wherever their images came from; drop --source and --bucket");
    }
    if (fromExport) {
      export.check();
    }
    return fromExport;
  }

  /**
   * The refusal of {@code --export ARN}: one export is of one table, and a run may have written
   * several. {@code pitr iam-policy migrate rollback --export} refuses alike.
   */
  static PitrException oneExport() {
    return new PitrException(
        ErrorCode.USAGE,
        "--export names one export of one table, and 'pitr migrate rollback' exports every"
            + " table the run wrote from its restore point; pass --bucket BUCKET instead");
  }

  private MigrationExportRollbacks exports(
      Targets t, MigrateCommand parent, ExportOptions.Stores stores) {
    return MigrationExportRollbacks.create(
        t.client,
        parent.clock,
        parent.scheduler,
        applyOptions.settings(t),
        stores.store(),
        export.pollInterval);
  }

  /** With {@code --output json}: the plans, what applying each did, and the run's new state. */
  private void printJson(
      Rollbacks.MigrationRollback rollback, List<ApplyResult> results, boolean rolledBack) {
    if (!Targets.json(spec)) {
      return;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rollbackId", rollback.id());
    m.put("migration", rollback.run().migration());
    m.put("runId", rollback.run().runId());
    m.put("restorePoint", rollback.run().restorePoint());
    m.put("source", rollback.recoveryTables().isEmpty() ? "export" : "restore");
    List<Object> plans = new ArrayList<>();
    for (Rollbacks.Prepared p : rollback.plans()) {
      Map<String, Object> each = PlanJson.plan(p.plan(), rollbackOptions.rate.maxWcu());
      if (planFiles.containsKey(p.plan().table())) {
        each.put("savedTo", planFiles.get(p.plan().table()).toString());
      }
      plans.add(each);
    }
    m.put("plans", plans);
    m.put("results", results.stream().map(PlanJson::result).toList());
    m.put("rolledBack", rolledBack);
    Json.print(spec.commandLine().getOut(), m);
  }

  /**
   * Where {@code --plan} saves the plan of each table: FILE for one table; for several, FILE with
   * the table's name before its extension ({@code plan.jsonl} to {@code plan.cars.jsonl}). Each is
   * checked writable now, before anything is restored.
   */
  private Map<String, Path> planFiles(List<String> tables) {
    Map<String, Path> files = new LinkedHashMap<>();
    for (String table : tables) {
      Path file = plan;
      if (tables.size() > 1) {
        String name = plan.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String each =
            dot > 0
                ? name.substring(0, dot) + "." + table + name.substring(dot)
                : name + "." + table;
        file = plan.resolveSibling(each);
      }
      AtomicFiles.checkWritable(file, "--plan");
      files.put(table, file);
    }
    return files;
  }

  private void savePlans(PrintWriter out, Rollbacks.MigrationRollback rollback, String migration) {
    for (Rollbacks.Prepared p : rollback.plans()) {
      Path file = planFiles.get(p.plan().table());
      PlanFile.write(
          rollbackOptions.keep ? p.plan() : p.plan().withRecoveryTables(List.of()), file);
      out.println("Plan for " + p.plan().table() + " saved to " + file);
    }
    out.println(
        "Nothing was written. To roll back, run 'pitr migrate rollback "
            + migration
            + "': it plans again, so items changed since are seen, and marks the run ROLLED_BACK");
  }

  /**
   * The full name from the catalog; the name as given when the file is gone (the ledger keeps
   * runs).
   */
  private String migrationName() {
    try {
      return options.catalog().resolve(name).name();
    } catch (PitrException e) {
      return name;
    }
  }
}
