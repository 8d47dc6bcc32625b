package pitr;

/**
 * The outcome classes of a pitr command, each owning the process exit code the CLI returns. Scripts
 * and CI can branch on the code; the message printed with it says what to do.
 */
public enum ErrorCode {
  /** The command did everything it was asked to. Nothing to do. */
  OK(0),

  /**
   * The command failed: an AWS call, the network, or the toolkit itself. Nothing is known to be
   * half done unless the message says so. Read the message, rerun with {@code --stacktrace} for
   * detail, and rerun the command once the cause is fixed; commands are safe to rerun.
   */
  FAILED(1),

  /**
   * The input was invalid: an unknown option, a bad value, a missing region or credentials, a port
   * in use. Nothing was changed. Fix the command line or the configuration the message names and
   * rerun.
   */
  USAGE(2),

  /**
   * A safety check refused to go on, e.g. point-in-time recovery is off or the restore window does
   * not reach the requested time. Nothing was changed. Fix what the check names, or pass the
   * override the message offers if you accept the risk.
   */
  REFUSED(3),

  /**
   * The command finished but some items failed; they are listed in the failure file the message
   * names. Inspect that file, fix the cause, and rerun: completed work is checkpointed and is not
   * repeated.
   */
  PARTIAL(4),

  /**
   * Stopped by Ctrl-C (SIGINT) or SIGTERM: the writes in flight were settled and checkpointed. The
   * message gives the command that resumes the run where it stopped.
   */
  INTERRUPTED(130);

  private final int exitCode;

  ErrorCode(int exitCode) {
    this.exitCode = exitCode;
  }

  /** The process exit code for this outcome. */
  public int exitCode() {
    return exitCode;
  }
}
