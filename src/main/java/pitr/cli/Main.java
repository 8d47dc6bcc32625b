package pitr.cli;

import picocli.CommandLine;

/** Entry point of the pitr command line. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    FatalErrorHandler.install();
    Interruption.install();
    int code = execute(args);
    // A signal's hook waits for this, then exits 130; without one, System.exit exits as usual.
    Interruption.mainDone();
    System.exit(code);
  }

  /** Runs one command line and returns its exit code, without exiting. */
  public static int execute(String... args) {
    CommandLine commandLine = commandLine();
    int code = commandLine.execute(args);
    // Autoflush covers println only; flush what commands wrote with print before exiting.
    commandLine.getOut().flush();
    commandLine.getErr().flush();
    return code;
  }

  /**
   * The configured command line: the command tree, case-insensitive enum values, and the handlers
   * that turn failures into a short message and an {@link pitr.ErrorCode} exit code.
   */
  static CommandLine commandLine() {
    return new CommandLine(new PitrCommand())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionStrategy(new CheckedExecution())
        .setParameterExceptionHandler(new UsageErrorHandler())
        .setExecutionExceptionHandler(new FailureHandler());
  }
}
