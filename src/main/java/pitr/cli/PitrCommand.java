package pitr.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The root {@code pitr} command. It holds the global options, which every subcommand inherits and
 * may be given before or after the subcommand name.
 *
 * <p>A subcommand reaches them with {@code @Spec CommandSpec spec} and {@link #of(CommandSpec)}:
 * {@code PitrCommand.of(spec).target().client()} builds the DynamoDB client the options select.
 */
@Command(
    name = "pitr",
    mixinStandardHelpOptions = true,
    versionProvider = ManifestVersionProvider.class,
    description = "DynamoDB data migrations that are safe to run and fast to undo.",
    subcommands = {
      LocalCommand.class,
      BenchCommand.class,
      MigrateCommand.class,
      StatusCommand.class,
      RestoreCommand.class,
      CopyBackCommand.class,
      DiffCommand.class,
      DropCommand.class,
      RunsCommand.class,
      RollbackCommand.class,
      ExportCommand.class,
      ChangesCommand.class,
      DrillCommand.class,
      BatchCommand.class,
      LogsCommand.class,
      IamPolicyCommand.class,
      CompletionCommand.class
    },
    usageHelpAutoWidth = true)
final class PitrCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin TargetOptions target = new TargetOptions();

  @Mixin OutputOptions output = new OutputOptions();

  boolean verbose;

  @Option(
      names = "--stacktrace",
      scope = ScopeType.INHERIT,
      description = "Print the full stack trace when a command fails.")
  boolean stacktrace;

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Log what pitr does (debug level) to stderr.")
  void verbose(boolean on) {
    verbose = on;
    if (on) {
      // Read by slf4j-simple when pitr's first logger is created, which happens after parsing.
      System.setProperty("org.slf4j.simpleLogger.log.pitr", "debug");
    }
  }

  /** The root command of the tree {@code spec} belongs to, holding the global options. */
  static PitrCommand of(CommandSpec spec) {
    return (PitrCommand) spec.root().userObject();
  }

  /** Where to send DynamoDB calls: AWS, another endpoint, or the embedded engine. */
  TargetOptions target() {
    return target;
  }

  /** How to print results. */
  OutputOptions output() {
    return output;
  }

  boolean verbose() {
    return verbose;
  }

  boolean stacktrace() {
    return stacktrace;
  }

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
  }
}
