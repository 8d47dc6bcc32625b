package pitr.migrate;

import java.util.List;
import pitr.ErrorCode;
import pitr.PitrException;

/**
 * Refuses a new run of a migration whose latest run did not finish: FAILED, or RUNNING when its
 * process died (found when the new run takes its lapsed lock over; while that process lives, the
 * lock refuses). The new run would apply the migration again to every item the unfinished one
 * already changed, which a migration that is not idempotent (a counter, a move) turns into wrong
 * data. The way on is to continue that run, or to roll it back first; {@link RunRequest#newRun}
 * starts one anyway. Dry runs, resumes and workers joining a run are not new runs.
 */
final class UnfinishedRuns {
  private UnfinishedRuns() {}

  private static boolean newRun(RunRequest request) {
    return !request.resume() && !request.dryRun() && !request.newRun() && !request.shared();
  }

  /**
   * @throws PitrException {@link ErrorCode#REFUSED} when {@code request} would start a new run
   *     while the latest run of {@code name} in {@code prior} is FAILED
   */
  static void check(String name, List<RunRecord> prior, RunRequest request) {
    RunRecord last = RunRecord.latest(prior);
    if (!newRun(request) || last == null || last.status() != MigrationState.FAILED) {
      return;
    }
    throw refusal(
        name,
        last.runId()
            + " FAILED"
            + (last.error() == null ? "" : " (" + last.error() + ")")
            + ", and its ledger counts "
            + last.itemsWritten()
            + " items written",
        "'pitr "
            + RunFailedException.resumeArgs(name, last.mode())
            + (last.workers() > 1 ? " --run-id " + last.runId() : "")
            + "'");
  }

  /**
   * The refusal of {@code request}, a new run of {@code name} that took over the lapsed lock of run
   * {@code dead} of the same migration (now marked FAILED), resumed with {@code resume}; null when
   * {@code request} is not a new run.
   */
  static PitrException afterTakeOver(
      String name, LockInfo dead, String resume, RunRequest request) {
    if (!newRun(request) || !dead.migration().equals(name)) {
      return null;
    }
    return refusal(
        name,
        dead.runId() + ", whose process died (its lease lapsed at " + dead.expiresAt() + ")",
        resume);
  }

  private static PitrException refusal(String name, String run, String resume) {
    return new PitrException(
        ErrorCode.REFUSED,
        "Migration "
            + name
            + " has an unfinished run: "
            + run
            + ". A new run would apply the migration again to the items that run changed."
            + " Continue it with "
            + resume
            + (resume.endsWith(",") ? "" : ",")
            + " or undo it first with 'pitr migrate rollback "
            + name
            + "'; to start a new run anyway, add --new-run. Nothing was written.");
  }
}
