package pitr.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code pitr local}: commands for the embedded DynamoDB-compatible engine. */
@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description = "Run the embedded DynamoDB-compatible engine.",
    subcommands = {ServeCommand.class, DemoCommand.class})
final class LocalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
  }
}
