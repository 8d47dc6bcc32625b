package pitr.cli;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import pitr.copy.Worker;
import pitr.metrics.MetricsSession;
import pitr.migrate.InProcessWorkers;
import pitr.migrate.MigrationEnvironment;
import pitr.migrate.MigrationFile;
import pitr.migrate.MigrationRunner;
import pitr.migrate.RunFailedException;
import pitr.migrate.RunRecord;
import pitr.migrate.RunReport;
import pitr.migrate.RunRequest;
import pitr.migrate.api.RunMode;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * {@code pitr migrate resume NAME}: continues the latest interrupted run of a migration, skipping
 * scan pages it checkpointed and the items of the page in progress that it had written, under the
 * same run id and restore point.
 */
@Command(
    name = "resume",
    mixinStandardHelpOptions = true,
    description = {
      "Continue the latest interrupted (failed or killed) run of a migration from its"
          + " checkpoints instead of redoing everything.",
      "Pages of forEachItem scans already done are skipped; the page in progress is redone,"
          + " except for its items that already hold the image the interrupted run wrote: those"
          + " are not handed to the migration again, so each item is written once.",
      "Writes the interrupted run journaled but never confirmed stay in the journal as intended,"
          + " so a rollback of the run still covers them; the ledger counts them once found"
          + " landed.",
      "A run across workers (the latest run, or --run-id R) is resumed here worker by worker,"
          + " concurrently: every worker that had not finished its share continues it (a finished"
          + " one is skipped, and one running elsewhere is left to end the run), as one run."
          + " --worker I/N continues only worker I's share.",
      "Before its first write it prints the command that continues it if it is interrupted"
          + " again: pitr migrate resume NAME, with --prod and the options given."
    })
final class MigrateResumeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin MigrateCommand.Options options = new MigrateCommand.Options();

  @Parameters(paramLabel = "NAME", description = "Migration, e.g. 0001_cars_get_a_price or 0001.")
  String name;

  @Option(names = "--prod", description = "Resume a prod run (runs the preflight checks again).")
  boolean prod;

  @Option(names = "--yes", description = "Do not ask for confirmation (prod).")
  boolean yes;

  @Mixin WriteRateOptions rate = WriteRateOptions.liveTable();

  @Mixin MigrateWorkerOptions share = new MigrateWorkerOptions();

  @Mixin MetricsOptions metrics = new MetricsOptions();

  @Override
  public Integer call() {
    TargetOptions target = PitrCommand.of(spec).target();
    if (!prod && !target.local && target.endpointUrl() == null) {
      target.local = true;
    }
    Worker worker = share.share(spec, name, true, false, false, null);
    MigrationFile file = options.catalog().resolve(name);
    MigrateCommand parent = MigrateCommand.of(spec);
    RunMode mode = prod ? RunMode.PROD : RunMode.DEV;
    try (DynamoDbAsyncClient client = parent.clients.apply(target.client())) {
      MigrationEnvironment env = parent.environment(spec, client, options, metrics.interval);
      env.ledger().requireExists("to resume").block();
      MeterRegistry registry = metrics.registry();
      MigrationRunner runner = env.runner(options.dir, registry);
      if (share.worker == null) {
        InProcessWorkers here = new InProcessWorkers(runner);
        RunRecord across = here.resumable(file.name(), share.runId).block();
        if (across != null) {
          return everyWorker(parent, target, runner, registry, here, file, mode, across);
        }
      }
      RunRequest request =
          RunRequest.of(file, mode, MigrateCommand.operator(), MigrateCommand.host())
              .withResume(true)
              .withMaxWcu(rate.maxWcu())
              .withWorker(worker, worker.count() > 1 ? share.runId : null);
      runner.preflight(request).block();
      if (prod && !yes) {
        parent.confirm(
            spec,
            "Resume " + file.name() + " in prod against " + target.describe() + "?",
            "nothing was written");
      }
      RunReport report;
      try (MetricsSession session = metrics.start(spec, "migrate", registry)) {
        report =
            MigrateProdCommand.runWatched(
                spec,
                runner,
                request,
                RunFailedException.resumeArgs(file.name(), mode)
                    + (worker.count() > 1
                        ? " --run-id " + share.runId + " --worker " + worker
                        : ""));
        session.finish();
      }
      MigrateProdCommand.print(spec, report, rate.maxWcu());
    }
    return 0;
  }

  /** Resumes {@code run}, a run across workers: every unfinished worker here. */
  private int everyWorker(
      MigrateCommand parent,
      TargetOptions target,
      MigrationRunner runner,
      MeterRegistry registry,
      InProcessWorkers here,
      MigrationFile file,
      RunMode mode,
      RunRecord run) {
    RunRequest request =
        RunRequest.of(file, mode, MigrateCommand.operator(), MigrateCommand.host())
            .withResume(true)
            .withMaxWcu(rate.maxWcu());
    runner.preflight(request).block();
    if (prod && !yes) {
      parent.confirm(
          spec,
          "Resume run "
              + run.runId()
              + " of "
              + file.name()
              + " (its unfinished workers of "
              + run.workers()
              + ", here) in prod against "
              + target.describe()
              + "?",
          "nothing was written");
    }
    try (MetricsSession session = metrics.start(spec, "migrate", registry)) {
      return MigrateWorkersRun.run(
          spec,
          runner,
          file.name(),
          run.workers(),
          here.resume(request, run),
          RunFailedException.resumeArgs(file.name(), mode) + " --run-id " + run.runId(),
          rate.maxWcu(),
          session);
    }
  }
}
