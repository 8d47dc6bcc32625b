package pitr.cli;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
import pitr.copy.Worker;
import pitr.metrics.MetricsSession;
import pitr.migrate.InProcessWorkers;
import pitr.migrate.MigrationEnvironment;
import pitr.migrate.MigrationFile;
import pitr.migrate.MigrationRunner;
import pitr.migrate.RunFailedException;
import pitr.migrate.RunReport;
import pitr.migrate.RunRequest;
import pitr.migrate.api.RunMode;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * {@code pitr migrate prod NAME}: runs a migration against the configured AWS account (or {@code
 * --endpoint-url}) after the preflight snapshot checks, asking for confirmation unless {@code
 * --yes}.
 */
@Command(
    name = "prod",
    mixinStandardHelpOptions = true,
    description = {
      "Run a migration against the configured AWS account, after checking on every declared"
          + " table that point-in-time recovery can undo it.",
      "A failed check refuses with exit code 3 and says how to fix it.",
      "--workers N runs the migration as one run across N workers in this process (worker I"
          + " takes every N-th scan segment of each forEachItem pass; together they keep to"
          + " --max-wcu): one lock lease, one ledger entry whose counts are the workers' sum, one"
          + " journal. A worker that fails leaves the others to finish; the run then ends FAILED"
          + " and 'pitr migrate resume NAME --prod' continues it.",
      "--worker I/N --run-id R runs only worker I's share of run R, for N processes on N"
          + " machines. --submit batch --workers N (the same as 'pitr migrate submit NAME"
          + " --workers N') runs them on AWS Batch.",
      "Before its first write it prints the command that continues it if it is interrupted:"
          + " pitr migrate resume NAME --prod, with the target, --migrations-dir, --ledger-table"
          + " and --journal-table given."
    })
final class MigrateProdCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin MigrateCommand.Options options = new MigrateCommand.Options();

  @Parameters(paramLabel = "NAME", description = "Migration, e.g. 0001_cars_get_a_price or 0001.")
  String name;

  @Option(names = "--dry-run", description = "Read real data, write nothing, report what would.")
  boolean dryRun;

  @Option(names = "--yes", description = "Do not ask for confirmation.")
  boolean yes;

  @Mixin ProdRunOptions run = new ProdRunOptions();

  @Mixin MigrateWorkerOptions share = new MigrateWorkerOptions();

  @Option(
      names = "--workers",
      paramLabel = "N",
      converter = BatchRanges.Workers.class,
      description =
          "Run the migration as one run across N workers, 1-10,000: here, concurrently (sharing"
              + " --max-wcu, at most 4 per processor, at least 16), or with --submit batch as an"
              + " AWS Batch array job of N children.")
  Integer workers;

  @Option(
      names = "--submit",
      paramLabel = "batch",
      description =
          "Run on AWS Batch instead of here, as 'pitr migrate submit NAME' does (same checks,"
              + " same output): one job, or with --workers N an array job of N workers sharing"
              + " one run id; needs --job-queue.")
  SubmitOptions.Where submit;

  @Mixin BatchOptions batch = new BatchOptions();

  @Override
  public Integer call() {
    TargetOptions target = PitrCommand.of(spec).target();
    if (submit != null) {
      return submit();
    }
    if (batch.jobQueue != null
        || spec.commandLine().getParseResult().hasMatchedOption("--job-definition")) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--job-queue and --job-definition are for --submit batch; add --submit batch to run on"
              + " AWS Batch, or leave them out to run here");
    }
    if (target.local) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--local is for dev runs; run 'pitr migrate dev "
              + name
              + "', or point prod at AWS (--region/--profile) or an --endpoint-url");
    }
    Worker worker = share.share(spec, name, false, dryRun, run.backup, workers);
    if (workers != null) {
      InProcessWorkers.checkWorkers(workers);
    }
    MigrationFile file = options.catalog().resolve(name);
    if (workers != null && workers > 1) {
      return acrossWorkers(target, file);
    }
    MigrateCommand parent = MigrateCommand.of(spec);
    try (DynamoDbAsyncClient client = parent.clients.apply(target.client())) {
      MigrationEnvironment env = parent.environment(spec, client, options, run.metrics.interval);
      MeterRegistry registry = run.metrics.registry();
      MigrationRunner runner = env.runner(options.dir, registry);
      RunRequest request =
          run.applyTo(
              RunRequest.of(file, RunMode.PROD, MigrateCommand.operator(), MigrateCommand.host())
                  .withDryRun(dryRun)
                  .withWorker(worker, worker.count() > 1 ? share.runId : null));
      runner.preflight(request).block();
      if (!dryRun && !yes) {
        parent.confirm(
            spec,
            "Preflight passed. Run "
                + file.name()
                + (worker.count() > 1 ? " (worker " + worker + " of run " + share.runId + ")" : "")
                + " in prod against "
                + target.describe()
                + "?",
            "nothing was written");
      }
      RunReport report;
      try (MetricsSession session = run.metrics.start(spec, "migrate", registry)) {
        report =
            runWatched(
                spec,
                runner,
                request,
                RunFailedException.resumeArgs(file.name(), RunMode.PROD)
                    + (worker.count() > 1
                        ? " --run-id " + share.runId + " --worker " + worker
                        : ""));
        session.finish();
      }
      print(spec, report, run.rate.maxWcu());
    }
    return 0;
  }

  /** {@code --submit batch}: {@code migrate submit NAME} with these options. */
  private int submit() {
    if (share.worker != null || dryRun) {
      throw new PitrException(
          ErrorCode.USAGE,
          (dryRun ? "--dry-run" : "--worker")
              + " runs here; drop it from --submit batch (the submitted workers take their"
              + " shares themselves)");
    }
    MigrateSubmitCommand submitted = new MigrateSubmitCommand();
    submitted.spec = spec;
    submitted.options = options;
    submitted.batch = batch;
    submitted.name = name;
    submitted.run = run;
    submitted.workers = workers == null ? 1 : workers;
    submitted.runId = share.runId;
    return submitted.call();
  }

  /** {@code --workers N}: every worker here, as one run. */
  private int acrossWorkers(TargetOptions target, MigrationFile file) {
    MigrateCommand parent = MigrateCommand.of(spec);
    try (DynamoDbAsyncClient client = parent.clients.apply(target.client())) {
      MigrationEnvironment env = parent.environment(spec, client, options, run.metrics.interval);
      MeterRegistry registry = run.metrics.registry();
      MigrationRunner runner = env.runner(options.dir, registry);
      InProcessWorkers here = new InProcessWorkers(runner);
      String runId = share.runId != null ? share.runId : here.newRunId();
      RunRequest request =
          run.applyTo(
              RunRequest.of(file, RunMode.PROD, MigrateCommand.operator(), MigrateCommand.host()));
      runner.preflight(request).block();
      if (!yes) {
        parent.confirm(
            spec,
            "Preflight passed. Run "
                + file.name()
                + " across "
                + workers
                + " workers here (run "
                + runId
                + ") in prod against "
                + target.describe()
                + "?",
            "nothing was written");
      }
      try (MetricsSession session = run.metrics.start(spec, "migrate", registry)) {
        return MigrateWorkersRun.run(
            spec,
            runner,
            file.name(),
            workers,
            here.run(request, workers, runId),
            RunFailedException.resumeArgs(file.name(), RunMode.PROD) + " --run-id " + runId,
            run.rate.maxWcu(),
            session);
      }
    }
  }

  /**
   * Runs {@code request}; Ctrl-C (SIGINT) or SIGTERM stops it as {@link
   * MigrationRunner#requestStop} says, and it then ends with exit 130 and the command that resumes
   * it ({@code pitr}, the target options given, and {@code resumeArgs}).
   */
  static RunReport runWatched(
      CommandSpec spec, MigrationRunner runner, RunRequest request, String resumeArgs) {
    String resumeCommand = ResumeCommands.of(spec, resumeArgs);
    PrintWriter err = spec.commandLine().getErr();
    java.util.concurrent.atomic.AtomicReference<String> started =
        new java.util.concurrent.atomic.AtomicReference<>();
    runner.onStarted(
        runId -> {
          started.set(runId);
          err.println(
              "Run "
                  + runId
                  + " of "
                  + request.file().name()
                  + " started; if it is interrupted, continue it with: "
                  + resumeCommand);
          err.flush();
        });
    try (Interruption interruption = Interruption.watch(err, runner::requestStop, resumeCommand)) {
      try {
        return runner.run(request).block();
      } catch (RunFailedException e) {
        throw e.withCommands(
            resumeCommand,
            ResumeCommands.of(spec, "migrate rollback " + e.migration() + " --dry-run"));
      } catch (PitrException e) {
        if (e.code() == ErrorCode.INTERRUPTED) {
          throw interruption.stopped("was told to stop: " + e.getMessage());
        }
        if (started.get() != null && e.code() == ErrorCode.FAILED) {
          // Stopped by something other than its migration (DynamoDB unreachable, say), perhaps
          // before the ledger could say so: the way on is the run itself, not a new one.
          throw new PitrException(
              e.code(),
              "Run "
                  + started.get()
                  + " of "
                  + request.file().name()
                  + " did not finish: "
                  + e.getMessage()
                  + ". Once the cause is fixed, continue it with: "
                  + resumeCommand
                  + " (a new run would apply the migration again to the items this one changed)",
              e);
        }
        throw e;
      }
    }
  }

  /** Prints a run report as text or JSON, as {@code --output} asks. */
  static void print(CommandSpec spec, RunReport r, double maxWcu) {
    print(spec, r, maxWcu, List.of());
  }

  /**
   * As {@link #print(CommandSpec, RunReport, double)}, as text, with {@code lines} before notes.
   */
  static void print(CommandSpec spec, RunReport r, double maxWcu, List<String> lines) {
    PrintWriter out = spec.commandLine().getOut();
    if (PitrCommand.of(spec).output().format() == OutputOptions.Format.JSON) {
      out.println(MigrateCommand.json(toJson(r)));
      out.flush();
      return;
    }
    String mode = r.mode().name().toLowerCase(Locale.ROOT);
    if (r.dryRun()) {
      out.println("Dry run of " + r.migration() + " in " + mode + ": nothing was written");
      for (RunReport.TableReport t : r.tables()) {
        out.println(
            "  "
                + t.table()
                + ": read "
                + t.read()
                + ", would put "
                + t.puts()
                + ", update "
                + t.updates()
                + ", delete "
                + t.deletes()
                + (t.conditionFailed() > 0
                    ? ", skip "
                        + t.conditionFailed()
                        + " (their condition would fail, or the item is gone)"
                    : ""));
      }
      out.println(
          "  estimate: "
              + format(r.estimatedWcu())
              + " WCU with journal"
              + (maxWcu > 0
                  ? ", " + human(r.estimatedDuration()) + " at --max-wcu " + format(maxWcu)
                  : ", no --max-wcu limit"));
      for (RunReport.Sample s : r.samples()) {
        out.println("  sample " + s.table() + " " + s.op() + " " + s.key());
        out.println("    before " + (s.before() == null ? "(none)" : s.before()));
        out.println("    after  " + (s.after() == null ? "(deleted)" : s.after()));
      }
    } else {
      out.println(
          "Migration "
              + r.migration()
              + " "
              + r.status().name().toLowerCase(Locale.ROOT)
              + " in "
              + mode
              + " (run "
              + r.runId()
              + ")");
      out.println("  restore point " + r.restorePoint());
      for (RunReport.TableReport t : r.tables()) {
        out.println(
            "  "
                + t.table()
                + ": read "
                + t.read()
                + ", put "
                + t.puts()
                + ", updated "
                + t.updates()
                + ", deleted "
                + t.deletes()
                + ", condition failed "
                + t.conditionFailed()
                + ", "
                + format(t.wcu())
                + " WCU");
      }
      out.println(
          "  journal: " + r.journalEntries() + " entries, " + format(r.journalWcu()) + " WCU");
    }
    lines.forEach(l -> out.println("  " + l));
    r.counters().forEach((k, v) -> out.println("  counter " + k + " = " + v));
    r.notes().forEach(n -> out.println("  note: " + n));
    out.flush();
  }

  static Map<String, Object> toJson(RunReport r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("runId", r.runId());
    m.put("migration", r.migration());
    m.put("mode", r.mode().name().toLowerCase(Locale.ROOT));
    m.put("dryRun", r.dryRun());
    m.put("status", r.status().name().toLowerCase(Locale.ROOT));
    m.put("restorePoint", r.restorePoint() == null ? null : r.restorePoint().toString());
    m.put("startedAt", r.startedAt().toString());
    m.put("finishedAt", r.finishedAt().toString());
    m.put("tables", r.tables());
    m.put("journalEntries", r.journalEntries());
    m.put("journalWcu", r.journalWcu());
    if (r.dryRun()) {
      m.put("estimatedWcu", r.estimatedWcu());
      m.put("estimatedSeconds", r.estimatedDuration().toMillis() / 1000.0);
      m.put("samples", r.samples());
    }
    m.put("counters", r.counters());
    m.put("notes", r.notes());
    return m;
  }

  static String format(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  static String human(Duration d) {
    if (d.toSeconds() < 60) {
      return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }
    List<String> parts = new ArrayList<>();
    if (d.toHours() > 0) {
      parts.add(d.toHours() + "h");
    }
    parts.add(d.toMinutesPart() + "m");
    parts.add(d.toSecondsPart() + "s");
    return String.join(" ", parts);
  }
}
