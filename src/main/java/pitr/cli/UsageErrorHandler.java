package pitr.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
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
 * fix: "error: --concurrency 100000000 is out of range; pass 1-1,000". With {@code --output json}
 * the same message is one JSON document on stdout ({@link ErrorJson}).
 */
final class UsageErrorHandler implements IParameterExceptionHandler {
  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine commandLine = ex.getCommandLine();
    PrintWriter err = commandLine.getErr();
    if (ErrorJson.requested(PitrCommand.of(commandLine.getCommandSpec()), args)) {
      boolean invalid = ex.getCause() instanceof InvalidOptionValue && ex.getArgSpec() != null;
      String message =
          invalid ? name(ex.getArgSpec()) + " " + ex.getCause().getMessage() : ex.getMessage();
      StringWriter suggestions = new StringWriter();
      UnmatchedArgumentException.printSuggestions(ex, new PrintWriter(suggestions));
      String hint =
          suggestions.toString().strip()
              + (suggestions.getBuffer().length() == 0 ? "" : " ")
              + "Try '"
              + commandLine.getCommandSpec().qualifiedName()
              + " --help' for more information.";
      ErrorJson.print(
          commandLine.getOut(),
          ErrorCode.USAGE,
          message,
          invalid ? ErrorJson.hintOf(message) : hint.replaceAll("\\s+", " "),
          null);
      return ErrorCode.USAGE.exitCode();
    }
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
