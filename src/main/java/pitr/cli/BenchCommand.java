package pitr.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code pitr bench}: benchmarks whose results the README reports. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measure pitr's speed; results are medians of interleaved rounds.",
    subcommands = {
      BenchEngineCommand.class,
      BenchScaleCommand.class,
      BenchRestoreCommand.class,
      BenchCopyBackCommand.class,
      BenchWorkersCommand.class,
      BenchRollbackCommand.class
    })
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
  }
}
