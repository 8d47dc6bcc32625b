package pitr.migrate;

import java.util.List;
import pitr.ErrorCode;
import pitr.PitrException;

/** Finds the run a {@code pitr migrate resume} continues, or says why there is none. */
final class ResumeCheck {
  private ResumeCheck() {}

  /**
   * The run {@code request} resumes: the latest run of {@code name} in {@code prior} ({@link
   * RunRecord#latest}), provided it was interrupted (FAILED, or RUNNING when its process died), ran
   * in the same mode and from the same source.
   *
   * @throws PitrException {@link ErrorCode#USAGE} naming what to do instead
   */
  static RunRecord interrupted(
      String name, List<RunRecord> prior, CompiledMigration compiled, RunRequest request) {
    RunRecord last = RunRecord.latest(prior);
    if (last == null
        || !(last.status() == MigrationState.FAILED || last.status() == MigrationState.RUNNING)) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Migration "
              + name
              + " has no interrupted run to resume"
              + (last == null
                  ? ""
                  : " (its latest run " + last.runId() + " is " + last.status() + ")")
              + "; start a new run with 'pitr migrate "
              + request.mode().name().toLowerCase(java.util.Locale.ROOT)
              + " "
              + name
              + "'");
    }
    if (last.workers() > 1) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Run "
              + last.runId()
              + " of "
              + name
              + " runs across "
              + last.workers()
              + " workers; resume its unfinished workers here with 'pitr "
              + RunFailedException.resumeArgs(name, last.mode())
              + " --run-id "
              + last.runId()
              + "', or each with --worker I/"
              + last.workers()
              + " added ('pitr migrate list' shows which)");
    }
    if (last.mode() != request.mode()) {
      throw new PitrException(
          ErrorCode.USAGE,
          "The interrupted run "
              + last.runId()
              + " of "
              + name
              + " ran in "
              + last.mode()
              + " mode; resume it with --mode "
              + last.mode().name().toLowerCase(java.util.Locale.ROOT));
    }
    if (!last.checksum().equals(compiled.checksum())) {
      throw new PitrException(
          ErrorCode.USAGE,
          "The source of "
              + name
              + " changed since run "
              + last.runId()
              + " started; resuming would mix two versions. Restore the file as it was, or roll"
              + " the run back and start a new one");
    }
    return last;
  }
}
