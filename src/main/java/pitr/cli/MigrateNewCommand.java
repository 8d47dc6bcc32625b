package pitr.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import pitr.migrate.MigrationFile;

/** {@code pitr migrate new NAME}: writes the next numbered migration from the template. */
@TargetUse(why = "only writes a file into --migrations-dir")
@Command(
    name = "new",
    mixinStandardHelpOptions = true,
    description = "Write migrations/NNNN_NAME.java, numbered after the last one, from a template.")
final class MigrateNewCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin MigrateCommand.Options options = new MigrateCommand.Options();

  @Parameters(
      paramLabel = "NAME",
      description = "The migration's name in snake_case, e.g. cars_get_a_price.")
  String name;

  @Override
  public Integer call() {
    MigrationFile file = options.catalog().create(name);
    if (Targets.json(spec)) {
      Json.print(
          spec.commandLine().getOut(),
          Map.of("created", file.path().toString(), "name", file.name()));
      return 0;
    }
    spec.commandLine().getOut().println("Created " + file.path());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
