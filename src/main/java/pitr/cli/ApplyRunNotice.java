package pitr.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import pitr.copy.TableCheckpoints;
import pitr.copy.Worker;
import pitr.rollback.RollbackPlan;
import pitr.rollback.StalePlanException;

/**
 * What an apply of a rollback plan says about its run: the command that resumes it, printed once
 * the run is recorded (in the state folder or the checkpoint table) and before its first write, as
 * {@code --resume} finds only a recorded run; and, when the apply ends unfinished, the command that
 * completes it and drops the recovery tables it kept.
 *
 * <p>An apply that fails before its run is recorded (IAM denies creating the checkpoint table, or
 * the write proof on the live table) has written nothing and has no run to resume: it names instead
 * the command that applies the kept plan anew, which is safe to run as often as needed (each item
 * is read back first, and written only if it still is as planned). Where that apply would be
 * refused again, it names what works instead: for a plan that no longer matches its table, the
 * command that plans again (a rollback that planned drops its recovery tables, unless {@code
 * --keep}); for a checkpoint table of another key, the apply with its checkpoints in the state
 * folder.
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
    return ResumeCommands.of(spec, applyRest(more));
  }

  /** {@code rollback --apply PLAN}, then {@code more}, this share and {@code --keep} if given. */
  private String applyRest(String more) {
    return "rollback --apply "
        + ResumeCommands.quote(planFile)
        + more
        + (share.count() > 1 ? " --worker " + share : "")
        + (keep ? " --keep" : "");
  }

  /** The run is recorded: says how to resume it. Called by the apply before its first write. */
  void recorded() {
    recorded.set(true);
    out.println(
        "Applying as run "
            + runId
            + "; if it is interrupted, continue it with: "
            + resumeCommand());
    out.flush();
  }

  /** Whether the run was recorded, so that {@code --resume} continues it. */
  boolean isRecorded() {
    return recorded.get();
  }

  /**
   * Whether the plan is kept for an apply after {@code failure} (null: the apply ended, partial or
   * stopped): not when the plan no longer matches its table, before the run was recorded, as an
   * apply of it would be refused again and a new plan is the fix.
   */
  boolean keepsPlan(Throwable failure) {
    return recorded.get() || failure == null || !StalePlanException.isCause(failure);
  }

  /**
   * The apply of {@code plan} ended unfinished ({@code failure}, or null when it ended partial or
   * stopped), and {@code recoveryTables} are kept: says the next step that works. Once the run is
   * recorded, the resume command, which completes it and drops them. Before that, by what refused
   * the apply: a plan that no longer matches the table, the command that plans again; a checkpoint
   * table of another key, the apply of the kept plan with its checkpoints in the state folder;
   * anything else (IAM, the write proof), the apply of the kept plan once the error is fixed
   * (joining run {@code join} when not null, as {@code --run-id} does).
   */
  void kept(RollbackPlan plan, List<String> recoveryTables, String join, Throwable failure) {
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
    } else if (failure != null && StalePlanException.isCause(failure)) {
      out.println(
          "Nothing was written to "
              + plan.table()
              + ": the plan no longer matches the table, so an apply of it would be refused"
              + " again; plan again with '"
              + (fresh()
                  ? ResumeCommands.given(spec) + "'"
                  : planAgainCommand(plan)
                      + "', with the --source, --delete-extra or --on-conflict it was made with"
                      + (recoveryTables.isEmpty()
                          ? ""
                          : ", and drop its "
                              + named(recoveryTables)
                              + " with 'pitr drop TABLE --yes'")));
    } else if (failure != null && TableCheckpoints.refusedForItsKey(failure)) {
      String table = spec.findOption("--checkpoint-table").getValue();
      out.println(
          "Nothing was written to "
              + plan.table()
              + ": the apply ended before its run was recorded, so there is no run to resume;"
              + " checkpoint table "
              + table
              + " cannot keep it, so apply the plan with its checkpoints in the state folder: '"
              + applyCommandWithout("--checkpoint-table", join)
              + "'"
              + dropsThem(recoveryTables)
              + " (or add a --checkpoint-table that does not exist yet: pitr creates it)");
    } else {
      out.println(
          "Nothing was written to "
              + plan.table()
              + ": the apply ended before its run was recorded, so there is no run to resume;"
              + " once the error is fixed, apply the plan with '"
              + applyCommand(join == null ? "" : " --run-id " + join)
              + "'"
              + dropsThem(recoveryTables));
    }
    out.flush();
  }

  /** ", which drops the recovery tables ... when the rollback completes", unless kept. */
  private String dropsThem(List<String> recoveryTables) {
    return recoveryTables.isEmpty() || keep
        ? ""
        : ", which drops the " + named(recoveryTables) + " when the rollback completes";
  }

  /** "recovery table X", or "recovery tables X, Y". */
  private static String named(List<String> recoveryTables) {
    return (recoveryTables.size() == 1 ? "recovery table " : "recovery tables ")
        + String.join(", ", recoveryTables);
  }

  /** Whether the plan was made by this command (TABLE --to T0), not read from {@code --apply}. */
  private boolean fresh() {
    CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
    return parsed == null || !parsed.hasMatchedOption("--apply");
  }

  /**
   * A rollback of {@code plan}'s table to its instants, with this command's target and state
   * options: the command that plans a saved plan again.
   */
  private String planAgainCommand(RollbackPlan plan) {
    return ResumeCommands.of(
        spec,
        "rollback "
            + ResumeCommands.quote(plan.table())
            + " --to "
            + plan.to()
            + (plan.incidentEnd() == null ? "" : " --incident-end " + plan.incidentEnd()));
  }

  /** {@link #applyCommand} (joining {@code join} when not null) without {@code option}. */
  private String applyCommandWithout(String option, String join) {
    return ResumeCommands.without(spec, option, applyRest(join == null ? "" : " --run-id " + join));
  }
}
