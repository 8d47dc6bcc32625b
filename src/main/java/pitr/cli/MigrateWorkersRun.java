package pitr.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.metrics.MetricsSession;
import pitr.migrate.MigrationRunner;
import pitr.migrate.MigrationState;
import pitr.migrate.WorkersReport;
import reactor.core.publisher.Mono;

/**
 * The part of {@code migrate prod NAME --workers N} and {@code migrate resume NAME} (of a run
 * across workers) that runs the workers here and says how they did: the run id and resume command
 * once the first worker holds the lock, Ctrl-C or SIGTERM stopping every worker (exit 130), and a
 * summary with each worker's outcome; a run that ends FAILED exits 1 with the resume command.
 */
final class MigrateWorkersRun {
  private MigrateWorkersRun() {}

  /**
   * Runs {@code run} (the workers, on {@code runner}) watched for signals, prints the summary and
   * returns 0; {@code resumeArgs} are the arguments of the {@code pitr} command that continues it.
   */
  static int run(
      CommandSpec spec,
      MigrationRunner runner,
      String migration,
      int workers,
      Mono<WorkersReport> run,
      String resumeArgs,
      double maxWcu,
      MetricsSession session) {
    String resumeCommand = ResumeCommands.of(spec, resumeArgs);
    PrintWriter err = spec.commandLine().getErr();
    AtomicBoolean said = new AtomicBoolean();
    runner.onStarted(
        runId -> {
          if (said.compareAndSet(false, true)) {
            err.println(
                "Run "
                    + runId
                    + " of "
                    + migration
                    + " across "
                    + workers
                    + " workers started; if it is interrupted, continue it with: "
                    + resumeCommand);
            err.flush();
          }
        });
    WorkersReport report;
    try (Interruption interruption = Interruption.watch(err, runner::requestStop, resumeCommand)) {
      try {
        report = run.block();
        session.finish();
      } catch (PitrException e) {
        if (e.code() == ErrorCode.INTERRUPTED) {
          throw interruption.stopped("was told to stop: " + e.getMessage());
        }
        throw e;
      }
      if (report.stopped()) {
        throw failure(
            spec,
            report,
            maxWcu,
            interruption.stopped(
                "was told to stop: every worker of run "
                    + report.report().runId()
                    + " stopped, its writes in flight seen through and journaled; the run is"
                    + " recorded "
                    + report.report().status()));
      }
    }
    if (report.report().status() == MigrationState.FAILED) {
      throw failure(
          spec,
          report,
          maxWcu,
          new PitrException(
              ErrorCode.FAILED,
              "Run "
                  + report.report().runId()
                  + " of "
                  + migration
                  + " FAILED: "
                  + report.workers().stream()
                      .filter(o -> o.state() == WorkersReport.State.FAILED)
                      .map(o -> "worker " + o.worker() + " failed (" + o.detail() + ")")
                      .collect(Collectors.joining("; "))
                  + "; the other workers finished their shares and its writes are journaled. Fix"
                  + " the cause, then continue it with: "
                  + resumeCommand));
    }
    print(spec, report, maxWcu);
    return 0;
  }

  /**
   * {@code e}, after the summary: printed first as text, or with {@code --output json} carried as
   * the error document's result (stdout holds one document).
   */
  private static PitrException failure(
      CommandSpec spec, WorkersReport report, double maxWcu, PitrException e) {
    if (json(spec)) {
      return new CommandFailure(e.code(), e.getMessage(), toJson(report));
    }
    print(spec, report, maxWcu);
    return e;
  }

  private static boolean json(CommandSpec spec) {
    return PitrCommand.of(spec).output().format() == OutputOptions.Format.JSON;
  }

  private static Map<String, Object> toJson(WorkersReport report) {
    Map<String, Object> m = MigrateProdCommand.toJson(report.report());
    List<Map<String, Object>> workers = new ArrayList<>();
    for (WorkersReport.Outcome o : report.workers()) {
      Map<String, Object> w = new LinkedHashMap<>();
      w.put("worker", o.worker().toString());
      w.put("state", o.state().name().toLowerCase(Locale.ROOT));
      w.put("read", o.read());
      w.put("written", o.written());
      w.put("detail", o.detail());
      workers.add(w);
    }
    m.put("workers", workers);
    return m;
  }

  /** Prints the run and each worker's outcome, as text or JSON as {@code --output} asks. */
  static void print(CommandSpec spec, WorkersReport report, double maxWcu) {
    if (json(spec)) {
      PrintWriter out = spec.commandLine().getOut();
      out.println(MigrateCommand.json(toJson(report)));
      out.flush();
      return;
    }
    MigrateProdCommand.print(
        spec,
        report.report(),
        maxWcu,
        report.workers().stream().map(WorkersReport.Outcome::describe).toList());
  }
}
