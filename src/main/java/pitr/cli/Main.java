package pitr.cli;

import picocli.CommandLine;

/** Entry point of the pitr command line. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The configured command line: the command tree, case-insensitive enum values, and the handlers
   * that turn failures into a short message and an {@link pitr.ErrorCode} exit code.
   */
  static CommandLine commandLine() {
    return new CommandLine(new PitrCommand())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setParameterExceptionHandler(new UsageErrorHandler())
        .setExecutionExceptionHandler(new FailureHandler());
  }
}
