package pitr.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.rollback.ApplyRequest;
import pitr.rollback.ApplyResult;
import pitr.rollback.PlanText;
import pitr.rollback.RollbackPlan;
import pitr.rollback.Rollbacks;

/**
 * How an apply of a rollback plan ends the command that runs it ({@code rollback}, {@code migrate
 * rollback}): a signal stops it once the chunks in flight settle (exit 130, naming the command that
 * resumes it); a run abandoned meanwhile fails it (exit 1); writes that failed, or did not read
 * back as planned, make it partial (exit 4, naming the failure file and the resume command). The
 * recovery tables of a rollback that is done are dropped, or said to be kept, and with {@code
 * --output json} the plan and what applying did are one document on stdout.
 */
final class ApplyOutcome {
  private ApplyOutcome() {}

  /**
   * Applies {@code plan}, printing its result to {@code out}; a signal (SIGINT/SIGTERM) stops it
   * after the chunks in flight settle, and it then ends with exit 130 and the command that resumes
   * it ({@code run}). Its progress goes to stderr every {@code progressInterval} ({@link
   * ApplyProgressLines}).
   */
  static ApplyResult applyWatched(
      CommandSpec spec,
      PrintWriter out,
      Rollbacks rollbacks,
      RollbackPlan plan,
      ApplyRequest request,
      ApplyRunNotice run,
      Duration progressInterval) {
    try (Interruption interruption =
        Interruption.watch(
            spec.commandLine().getErr(), rollbacks::requestStop, run.resumeCommand())) {
      ApplyResult result;
      try (ApplyProgressLines progress = ApplyProgressLines.start(spec, progressInterval)) {
        result = rollbacks.apply(plan, request, run::recorded, progress).block();
      } catch (PitrException e) {
        if (!run.isRecorded() || e.code() != ErrorCode.FAILED) {
          throw e;
        }
        // The run's checkpoints hold what was applied: the way on is its resume.
        throw new PitrException(
            e.code(),
            e.getMessage()
                + ". The run did not finish; once the cause is fixed, continue it with: "
                + run.resumeCommand(),
            e);
      }
      out.print(PlanText.result(result));
      endIfStopped(out, result, interruption);
      return result;
    }
  }

  /**
   * Ends the command when {@code result} stopped before its plan was done: abandoned under it (exit
   * 1), or stopped by a signal ({@code interruption}, exit 130, naming the resume).
   */
  static void endIfStopped(PrintWriter out, ApplyResult result, Interruption interruption) {
    if (!result.stopped()) {
      return;
    }
    out.flush();
    String wrote = "restored " + result.restored() + " and deleted " + result.deleted() + " items";
    if (result.abandoned() != null) {
      throw new PitrException(ErrorCode.FAILED, result.abandoned().stopped(result.runId(), wrote));
    }
    throw interruption.stopped(wrote);
  }

  /**
   * With {@code --output json}, the plan and what applying did as one document on stdout; an apply
   * that is not complete has it printed with the error instead ({@link #finish}).
   */
  static void printJson(
      CommandSpec spec, RollbackPlan plan, ApplyResult result, Path savedTo, double maxWcu) {
    if (!Targets.json(spec) || (result != null && !result.complete())) {
      return;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("plan", PlanJson.plan(plan, maxWcu));
    if (savedTo != null) {
      m.put("savedTo", savedTo.toString());
    }
    if (result != null) {
      m.put("result", PlanJson.result(result));
    }
    Json.print(spec.commandLine().getOut(), m);
  }

  /**
   * Drops the recovery tables of a rollback that is done, or says they are kept; a drop that fails
   * is said, naming the fix, and does not change the outcome. {@code command} is the command run,
   * named in an access-denied hint.
   */
  static void dropOrKeep(
      PrintWriter out,
      Rollbacks rollbacks,
      List<String> recoveryTables,
      boolean keep,
      CommandLine command) {
    if (recoveryTables.isEmpty()) {
      return;
    }
    if (keep) {
      out.println(
          "Kept recovery tables: "
              + String.join(", ", recoveryTables)
              + " ('pitr status' lists them, 'pitr drop' removes them)");
      return;
    }
    List<String> dropped;
    try {
      dropped = rollbacks.drop(recoveryTables).block();
    } catch (RuntimeException e) {
      // Said, not thrown: the outcome of the rollback itself stands.
      out.println(
          "Could not drop recovery tables "
              + String.join(", ", recoveryTables)
              + " ("
              + IamHint.named(e.getMessage(), command)
              + "); drop each with 'pitr drop TABLE --yes' ('pitr status' on the live table lists"
              + " them)");
      return;
    }
    if (!dropped.isEmpty()) {
      out.println("Dropped recovery tables: " + String.join(", ", dropped));
    }
  }

  /**
   * Exits 0 when everything was applied and verified.
   *
   * @throws PitrException {@link ErrorCode#PARTIAL} naming the failure file and how to resume
   */
  static int finish(ApplyResult result, String resumeCommand) {
    if (result.complete()) {
      return 0;
    }
    StringBuilder why = new StringBuilder();
    if (!result.failed().isEmpty()) {
      why.append(result.failed().size())
          .append(" writes failed after retries and are in ")
          .append(result.failureFile())
          .append("; fix the cause and resume with '")
          .append(resumeCommand)
          .append(
              "' (items already restored are counted, not written again; the failure file can"
                  + " also be replayed with 'pitr copy-back --replay FILE --to TABLE', which"
                  + " writes without conditions)");
    }
    if (!result.notVerified().isEmpty()) {
      why.append(why.length() == 0 ? "" : ". ")
          .append(result.notVerified().size())
          .append(
              " written items did not read back as planned (written over right after the"
                  + " rollback?); check them, then rerun '")
          .append(resumeCommand)
          .append("' to report them as conflicts");
    }
    throw new CommandFailure(ErrorCode.PARTIAL, why.toString(), PlanJson.result(result));
  }
}
