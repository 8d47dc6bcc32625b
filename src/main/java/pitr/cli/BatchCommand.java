package pitr.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code pitr batch}: set up AWS Batch to run pitr's commands. */
@Command(
    name = "batch",
    mixinStandardHelpOptions = true,
    description = {
      "Set up AWS Batch to run pitr: 'batch setup' registers the job definition that"
          + " 'migrate submit', 'copy-back --submit batch' and 'rollback --submit batch' submit.",
      "Batch, Scheduler and CloudWatch Logs calls honour AWS_ENDPOINT_URL_BATCH,"
          + " AWS_ENDPOINT_URL_SCHEDULER, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS and AWS_ENDPOINT_URL."
    },
    subcommands = {BatchSetupCommand.class})
final class BatchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
  }
}
