package pitr.cli;

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
import pitr.migrate.HeaderStamp;
import pitr.migrate.MigrationEnvironment;
import pitr.migrate.MigrationFile;
import pitr.migrate.MigrationState;
import pitr.migrate.RunRecord;
import pitr.migrate.api.RunMode;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * {@code pitr migrate stamp NAME}: writes Execution Time and Finalization Time lines into the
 * migration's class Javadoc from its succeeded runs in the ledger.
 */
@Command(
    name = "stamp",
    mixinStandardHelpOptions = true,
    description = {
      "Write 'Execution Time:' and 'Finalization Time:' into the migration's class Javadoc from"
          + " its succeeded runs in the ledger; a rerun appends a new pair.",
      "Stamp lines do not count as changing the source."
    })
final class MigrateStampCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin MigrateCommand.Options options = new MigrateCommand.Options();

  @Parameters(paramLabel = "NAME", description = "Migration, e.g. 0001_cars_get_a_price or 0001.")
  String name;

  @Option(
      names = "--mode",
      paramLabel = "dev|prod",
      defaultValue = "prod",
      description = "Stamp runs of this mode (default: ${DEFAULT-VALUE}).")
  RunMode mode;

  @Override
  public Integer call() {
    MigrationFile file = options.catalog().resolve(name);
    MigrateCommand parent = MigrateCommand.of(spec);
    try (DynamoDbAsyncClient client = PitrCommand.of(spec).target().client()) {
      MigrationEnvironment env = parent.environment(spec, client, options);
      env.ledger().requireExists("to stamp").block();
      List<RunRecord> runs =
          env.ledger().runs(file.name()).collectList().block().stream()
              .filter(r -> r.mode() == mode && r.status() == MigrationState.SUCCEEDED)
              .toList();
      if (runs.isEmpty()) {
        throw new PitrException(
            ErrorCode.USAGE,
            "Migration "
                + file.name()
                + " has no succeeded "
                + mode.name().toLowerCase(Locale.ROOT)
                + " run in ledger "
                + env.ledger().table()
                + "; run it first, or pass --mode dev to stamp dev runs");
      }
      int added = HeaderStamp.stamp(file, runs);
      if (Targets.json(spec)) {
        Json.print(
            spec.commandLine().getOut(),
            Map.of("file", file.path().toString(), "runs", runs.size(), "added", added));
        return 0;
      }
      spec.commandLine()
          .getOut()
          .println(
              added == 0
                  ? file.path() + " is already stamped with all " + runs.size() + " runs"
                  : "Stamped " + file.path() + " with " + added + " run" + (added == 1 ? "" : "s"));
      spec.commandLine().getOut().flush();
    }
    return 0;
  }
}
