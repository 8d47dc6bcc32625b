package pitr;

import java.util.Objects;

/**
 * A failure the toolkit reports to the operator: a message that names the object, what happened and
 * the fix, and an {@link ErrorCode} that decides the exit code. Domain code throws it; the CLI
 * prints the message (the stack trace only with {@code --stacktrace}) and exits with the code.
 */
public class PitrException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public PitrException(ErrorCode code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  public PitrException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** Whether {@code e} or any of its causes is a {@code type}. */
  public static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  /** What kind of failure this is, and so the exit code. */
  public ErrorCode code() {
    return code;
  }
}
