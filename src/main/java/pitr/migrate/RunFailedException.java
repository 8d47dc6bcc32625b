package pitr.migrate;

import pitr.ErrorCode;
import pitr.PitrException;
import pitr.migrate.api.RunMode;

/**
 * A migration run that started and then failed ({@link ErrorCode#FAILED}): its writes so far are
 * journaled, and it is resumed or rolled back. The message names both commands with the arguments
 * the toolkit knows; a caller that knows where the run's tables and state are (the CLI's target,
 * migrations folder and ledger options) says it with {@link #withCommands}.
 */
public final class RunFailedException extends PitrException {
  private static final long serialVersionUID = 1L;

  private final String migration;
  private final String runId;
  private final RunMode mode;
  private final String cause;

  RunFailedException(String migration, String runId, RunMode mode, String cause, Throwable e) {
    this(
        migration,
        runId,
        mode,
        cause,
        "pitr " + resumeArgs(migration, mode),
        "pitr migrate rollback " + migration + " --dry-run",
        e);
  }

  private RunFailedException(
      String migration,
      String runId,
      RunMode mode,
      String cause,
      String resume,
      String rollback,
      Throwable e) {
    super(
        ErrorCode.FAILED,
        "Migration "
            + migration
            + " failed in run "
            + runId
            + ": "
            + cause
            + "; its writes so far are journaled. Fix the cause, then continue it with: "
            + resume
            + " (or see what undoing it would restore with: "
            + rollback
            + ")",
        e);
    this.migration = migration;
    this.runId = runId;
    this.mode = mode;
    this.cause = cause;
  }

  /**
   * The arguments of the {@code pitr} command that continues a run of {@code migration} in {@code
   * mode}: {@code migrate resume NAME}, with {@code --prod} for a prod run.
   */
  public static String resumeArgs(String migration, RunMode mode) {
    return "migrate resume " + migration + (mode == RunMode.PROD ? " --prod" : "");
  }

  /** The migration whose run failed. */
  public String migration() {
    return migration;
  }

  /** What went wrong, as the ledger records it. */
  public String failure() {
    return cause;
  }

  /** The run that failed. */
  public String runId() {
    return runId;
  }

  /**
   * This failure naming {@code resume} and {@code rollback} as the commands that continue the run
   * and show what rolling it back would do (each a whole command line).
   */
  public RunFailedException withCommands(String resume, String rollback) {
    return new RunFailedException(migration, runId, mode, cause, resume, rollback, getCause());
  }
}
