package pitr.cli;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import pitr.dynamo.Durations;
import pitr.migrate.MigrationEnvironment;
import pitr.migrate.MigrationOverview;
import pitr.migrate.MigrationStatus;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/** {@code pitr migrate stale}: migrations finalized longer ago than a threshold. */
@Command(
    name = "stale",
    mixinStandardHelpOptions = true,
    description = {
      "List migrations whose latest succeeded run finished longer ago than --older-than:"
          + " candidates to delete from the folder.",
      "The ledger keeps their records after the files are deleted."
    })
final class MigrateStaleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin MigrateCommand.Options options = new MigrateCommand.Options();

  @Option(
      names = "--older-than",
      paramLabel = "DURATION",
      defaultValue = "365d",
      converter = Ranges.Age.class,
      description = "0s-36500d, e.g. 365d, 180d, 30d (default: ${DEFAULT-VALUE}).")
  Duration olderThan;

  @Override
  public Integer call() {
    MigrateCommand parent = MigrateCommand.of(spec);
    try (DynamoDbAsyncClient client = PitrCommand.of(spec).target().client()) {
      MigrationEnvironment env = parent.environment(spec, client, options);
      LedgerRuns.noteAbsence(spec, env.ledger());
      List<MigrationStatus> stale =
          new MigrationOverview(options.catalog(), env.ledger())
              .stale(olderThan, parent.clock.instant())
              .block();
      if (stale.isEmpty() && PitrCommand.of(spec).output().format() == OutputOptions.Format.TEXT) {
        spec.commandLine()
            .getOut()
            .println(
                "No migration was finalized more than " + Durations.format(olderThan) + " ago.");
        spec.commandLine().getOut().flush();
      } else {
        MigrateListCommand.print(spec, stale);
      }
    }
    return 0;
  }
}
