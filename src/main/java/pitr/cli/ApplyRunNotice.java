package pitr.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import pitr.copy.Worker;

/**
 * What an apply of a rollback plan says about its run: the command that resumes it, printed once
 * the run is recorded (in the state folder or the checkpoint table) and before its first write, as
 * {@code --resume} finds only a recorded run; and, when the apply ends unfinished, the command that
 * completes it and drops the recovery tables it kept.
 *
 * <p>An apply that fails before its run is recorded (IAM denies a call on the checkpoint table, or
 * the write proof on the live table) has written nothing and has no run to resume: it names instead
 * the command that applies the kept plan anew, which is safe to run as often as needed (each item
 * is read back first, and written only if it still is as planned).
 *
 * <p>Both commands repeat {@code --keep} when it was given, so the apply that completes the
 * rollback keeps the recovery tables as the operator asked, rather than dropping them.
 */
final class ApplyRunNotice {
  private final PrintWriter out;
  private final CommandSpec spec;
  private final String planFile;
  private final String runId;
  private final Worker share;

  /** Whether the recovery tables are kept when the rollback completes ({@code --keep}). */
  private final boolean keep;

  private final AtomicBoolean recorded = new AtomicBoolean();

  /**
   * @param out where notices go (stdout, or stderr with {@code --output json})
   * @param spec the command applying, whose target and state options the printed commands repeat
   * @param planFile the plan applied, as {@code --apply} takes it
   * @param runId the run applying it
   * @param share this process's share of the plan's chunks
   */
  ApplyRunNotice(PrintWriter out, CommandSpec spec, String planFile, String runId, Worker share) {
    this.out = out;
    this.spec = spec;
    this.planFile = planFile;
    this.runId = runId;
    this.share = share;
    CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
    this.keep = parsed != null && parsed.hasMatchedOption("--keep");
  }

  /** The command that resumes this process's share of the run. */
  String resumeCommand() {
    return applyCommand(" --resume " + runId);
  }

  /** The command that applies the plan as this share, then {@code more} (" --resume ID"). */
  private String applyCommand(String more) {
    return ResumeCommands.of(
        spec,
        "rollback --apply "
            + ResumeCommands.quote(planFile)
            + more
            + (share.count() > 1 ? " --worker " + share : "")
            + (keep ? " --keep" : ""));
  }

  /** The run is recorded: says how to resume it. Called by the apply before its first write. */
  void recorded() {
    recorded.set(true);
    out.println(
        "Applying as run "
            + runId
            + "; if it is interrupted, resume it with '"
            + resumeCommand()
            + "'");
    out.flush();
  }

  /** Whether the run was recorded, so that {@code --resume} continues it. */
  boolean isRecorded() {
    return recorded.get();
  }

  /**
   * The apply to {@code table} ended unfinished and kept its plan and {@code recoveryTables}: says
   * the command that completes it and drops them: the resume command once the run is recorded, else
   * one that applies the plan anew (joining run {@code join} when not null, as {@code --run-id}
   * does).
   */
  void kept(String table, List<String> recoveryTables, String join) {
    String tables = String.join(", ", recoveryTables);
    if (recorded.get()) {
      if (!recoveryTables.isEmpty()) {
        out.println(
            "Kept recovery tables until the apply completes: "
                + tables
                + " ('"
                + resumeCommand()
                + (keep ? "' completes it and keeps them)" : "' completes it and drops them)"));
      }
    } else {
      out.println(
          "Nothing was written to "
              + table
              + ": the apply ended before its run was recorded, so there is no run to resume;"
              + " once the error is fixed, apply the plan with '"
              + applyCommand(join == null ? "" : " --run-id " + join)
              + "'"
              + (recoveryTables.isEmpty() || keep
                  ? ""
                  : ", which drops the recovery "
                      + (recoveryTables.size() == 1 ? "table " : "tables ")
                      + tables
                      + " when the rollback completes"));
    }
    out.flush();
  }
}
