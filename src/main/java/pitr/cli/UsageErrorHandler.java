package pitr.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;
import pitr.ErrorCode;

/**
 * Answers an invalid command line with the problem, any "did you mean" suggestion, and where to
 * find help, and exits with {@link ErrorCode#USAGE}. A value a converter refused ({@link
 * InvalidOptionValue}) gets one line that names the option, the value, the allowed values and the
 * fix: "error: --concurrency 100000000 is out of range; pass 1-1,000".
 */
final class UsageErrorHandler implements IParameterExceptionHandler {
  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine commandLine = ex.getCommandLine();
    PrintWriter err = commandLine.getErr();
    if (ex.getCause() instanceof InvalidOptionValue invalid && ex.getArgSpec() != null) {
      err.println("error: " + name(ex.getArgSpec()) + " " + invalid.getMessage());
      err.flush();
      return ErrorCode.USAGE.exitCode();
    }
    err.println("error: " + ex.getMessage());
    UnmatchedArgumentException.printSuggestions(ex, err);
    err.println(
        "Try '" + commandLine.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return ErrorCode.USAGE.exitCode();
  }

  /** The option's longest name, or a positional parameter's label. */
  static String name(ArgSpec arg) {
    if (arg instanceof OptionSpec option) {
      return option.longestName();
    }
    return ((PositionalParamSpec) arg).paramLabel();
  }
}
