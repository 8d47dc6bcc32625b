package pitr.cli;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.metrics.MetricsSession;
import pitr.migrate.FixtureSeeder;
import pitr.migrate.MigrationEnvironment;
import pitr.migrate.MigrationFile;
import pitr.migrate.MigrationRunner;
import pitr.migrate.RunFailedException;
import pitr.migrate.RunReport;
import pitr.migrate.RunRequest;
import pitr.migrate.api.RunMode;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * {@code pitr migrate dev NAME}: runs a migration against the local environment, the embedded
 * engine in-process by default or a {@code pitr local serve} endpoint with {@code --endpoint-url}.
 */
@Command(
    name = "dev",
    mixinStandardHelpOptions = true,
    description = {
      "Run a migration against the local environment: the embedded engine in-process (the"
          + " default) or --endpoint-url of 'pitr local serve'.",
      "--seed loads a fixture first; --dry-run writes nothing and reports what would change."
    })
final class MigrateDevCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin MigrateCommand.Options options = new MigrateCommand.Options();

  @Parameters(paramLabel = "NAME", description = "Migration, e.g. 0001_cars_get_a_price or 0001.")
  String name;

  @Option(
      names = "--seed",
      paramLabel = "FILE",
      description = "Load this JSON-lines fixture first (see migrations/fixtures/README.md).")
  Path seed;

  @Option(names = "--dry-run", description = "Read real data, write nothing, report what would.")
  boolean dryRun;

  @Mixin WriteRateOptions rate = WriteRateOptions.liveTable();

  @Mixin MetricsOptions metrics = new MetricsOptions();

  @Mixin NewRunOption newRun = new NewRunOption();

  @Override
  public Integer call() {
    TargetOptions target = PitrCommand.of(spec).target();
    if (!target.local && target.endpointUrl() == null) {
      target.local = true;
    }
    MigrateCommand parent = MigrateCommand.of(spec);
    MigrationFile file = options.catalog().resolve(name);
    PrintWriter out = spec.commandLine().getOut();
    try (DynamoDbAsyncClient client = parent.clients.apply(target.client())) {
      MigrationEnvironment env = parent.environment(spec, client, options, metrics.interval);
      MeterRegistry registry = metrics.registry();
      MigrationRunner runner = env.runner(options.dir, registry);
      runner.check(file);
      if (seed != null) {
        FixtureSeeder.Seeded seeded = env.seeder().seed(seed).block();
        seeded.items().forEach((t, n) -> out.println("Seeded " + n + " items into " + t));
      }
      RunRequest request =
          RunRequest.of(file, RunMode.DEV, MigrateCommand.operator(), MigrateCommand.host())
              .withDryRun(dryRun)
              .withMaxWcu(rate.maxWcu())
              .withNewRun(newRun.newRun);
      // An in-process engine is gone with the process: only a served one can be resumed.
      RunReport report;
      try (MetricsSession session = metrics.start(spec, "migrate", registry)) {
        report =
            target.local || dryRun
                ? inProcess(runner, request)
                : MigrateProdCommand.runWatched(
                    spec, runner, request, RunFailedException.resumeArgs(file.name(), RunMode.DEV));
        session.finish();
      }
      MigrateProdCommand.print(spec, report, rate.maxWcu());
    }
    return 0;
  }

  /**
   * Runs {@code request} where it cannot be resumed: a dry run, or a run on an in-process engine,
   * whose tables are gone with this process, so its failure says to run it again instead.
   */
  private static RunReport inProcess(MigrationRunner runner, RunRequest request) {
    try {
      return runner.run(request).block();
    } catch (RunFailedException e) {
      throw new PitrException(
          ErrorCode.FAILED,
          "Migration "
              + e.migration()
              + " failed in run "
              + e.runId()
              + " on the in-process engine: "
              + e.failure()
              + ". That engine and its tables end with this command, so there is nothing to"
              + " resume or roll back: fix the cause and run it again (--seed starts from the"
              + " fixture again), or run it against 'pitr local serve' (--endpoint-url) to keep"
              + " the tables between commands",
          e);
    }
  }
}
