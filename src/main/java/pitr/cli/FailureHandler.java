package pitr.cli;

import java.io.PrintWriter;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;
import pitr.ErrorCode;
import pitr.PitrException;
import reactor.core.Exceptions;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Turns a failed command into a short message on stderr and an exit code: a {@link PitrException}
 * prints its message and exits with its {@link ErrorCode}; anything else is {@link
 * ErrorCode#FAILED}. The stack trace is printed only with {@code --stacktrace}. With {@code
 * --output json} the failure is one JSON document on stdout instead ({@link ErrorJson}).
 */
final class FailureHandler implements IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(
      Exception ex, CommandLine commandLine, ParseResult parseResult) {
    Throwable failure = unwrap(ex);
    PitrCommand root = PitrCommand.of(commandLine.getCommandSpec());
    boolean stacktrace = root.stacktrace();
    PrintWriter err = commandLine.getErr();
    if (ErrorJson.requested(root, null)) {
      ErrorCode code = failure instanceof PitrException pitr ? pitr.code() : ErrorCode.FAILED;
      String message =
          failure instanceof PitrException pitr ? pitr.getMessage() : describe(failure);
      String hint =
          failure instanceof PitrException ? null : "Rerun with --stacktrace for details.";
      ErrorJson.print(
          commandLine.getOut(),
          code,
          message,
          hint,
          failure instanceof CommandFailure withResult ? withResult.result() : null);
      if (stacktrace) {
        failure.printStackTrace(err);
        err.flush();
      }
      return code.exitCode();
    }
    ErrorCode code;
    if (failure instanceof PitrException pitr) {
      code = pitr.code();
      err.println("error: " + IamHint.named(pitr.getMessage(), commandLine));
    } else {
      code = ErrorCode.FAILED;
      err.println("error: " + describe(failure));
      if (!stacktrace) {
        err.println("Rerun with --stacktrace for details.");
      }
    }
    if (stacktrace) {
      failure.printStackTrace(err);
    }
    err.flush();
    return code.exitCode();
  }

  /** One line: the AWS error code and message for service errors, else type and message. */
  static String describe(Throwable failure) {
    if (failure instanceof AwsServiceException aws && aws.awsErrorDetails() != null) {
      return aws.awsErrorDetails().serviceName()
          + " returned "
          + aws.awsErrorDetails().errorCode()
          + ": "
          + aws.awsErrorDetails().errorMessage()
          + " (request "
          + aws.requestId()
          + ")";
    }
    String message = failure.getMessage();
    return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /**
   * The failure to report: wrappers of futures, proxies and blocking Reactor calls taken off, and,
   * when parallel work failed in several places at once (a Reactor composite), the most telling of
   * its failures: the first of pitr's own, else the first.
   */
  static Throwable unwrap(Throwable failure) {
    Throwable current = failure;
    while (true) {
      if (Exceptions.isMultiple(current)) {
        current = mostTelling(Exceptions.unwrapMultiple(current));
      } else if (Exceptions.unwrap(current) != current) {
        current = Exceptions.unwrap(current);
      } else if ((current instanceof CompletionException
              || current instanceof ExecutionException
              || current instanceof UndeclaredThrowableException)
          && current.getCause() != null) {
        current = current.getCause();
      } else {
        return current;
      }
    }
  }

  private static Throwable mostTelling(List<Throwable> failures) {
    Throwable first = null;
    for (Throwable f : failures) {
      Throwable u = unwrap(f);
      if (u instanceof PitrException) {
        return u;
      }
      if (first == null) {
        first = u;
      }
    }
    return first;
  }
}
