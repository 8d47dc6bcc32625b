package pitr.cli;

import static java.util.stream.Collectors.joining;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.copy.CopyPlan;
import pitr.copy.CopyResult;
import pitr.dynamo.Durations;

/**
 * What a copy-back says about its plan and result: before the first write, what it copies (or
 * replays) and the items of earlier processes it writes again; at the end, what it copied, or with
 * {@code --dry-run} what it would write and how long that would take, or with {@code --output json}
 * the result as one document on stdout; and, when items could not be written, the partial error
 * (exit 4) naming the failure file and the command that writes them again.
 */
final class CopyBackText {
  private final CommandSpec spec;
  private final CopyPlan plan;

  /** The failure file replayed ({@code --replay}), or null for a copy from a table. */
  private final Path replay;

  private final boolean deleteExtra;
  private final double maxWcu;

  CopyBackText(CommandSpec spec, CopyPlan plan, Path replay, boolean deleteExtra, double maxWcu) {
    this.spec = spec;
    this.plan = plan;
    this.replay = replay;
    this.deleteExtra = deleteExtra;
    this.maxWcu = maxWcu;
  }

  /** Tells the operator, before anything is written, what the copy does. */
  void announce(PrintWriter err) {
    err.println((replay != null ? "Replaying " + replay + " " : "Copying ") + plan.direction());
    if (plan.earlierFailures() > 0) {
      err.println(
          "Writing again "
              + plan.earlierFailures()
              + " items that earlier processes of run "
              + plan.request().runId()
              + " could not write, from "
              + plan.earlierFailureFiles().stream().map(Path::toString).collect(joining(", ")));
    }
    String overwrites = plan.overwriteNote();
    if (overwrites != null) {
      err.println("note: " + overwrites);
    }
    plan.notes().forEach(n -> err.println("note: " + n));
    err.flush();
  }

  /** Prints {@code r} on stdout: as text, or as one JSON document with {@code --output json}. */
  void print(CopyResult r) {
    PrintWriter out = spec.commandLine().getOut();
    if (Targets.json(spec)) {
      Json.print(out, r);
      return;
    }
    if (r.dryRun()) {
      out.println(
          "Dry run: would write "
              + r.itemsWritten()
              + " items ("
              + Math.round(r.writeUnits())
              + " WCU) from "
              + (plan.intoItsSource()
                  ? "recovery table " + r.source() + " to its source " + r.target()
                  : r.source() + " to " + r.target())
              + (deleteExtra
                  ? " and delete "
                      + r.itemsDeleted()
                      + " items of "
                      + r.target()
                      + " that "
                      + r.source()
                      + " does not have"
                  : "")
              + "; "
              + (r.estimate() == null
                  ? "no cap (--max-wcu 0), so the time depends on the table's capacity"
                  : "about "
                      + Durations.format(r.estimate())
                      + " at "
                      + String.format(Locale.ROOT, "%,d", Math.round(maxWcu))
                      + " WCU/s"));
      out.println("Nothing was written.");
    } else {
      out.println(
          "Copied "
              + r.itemsWritten()
              + " items from "
              + (r.source() == null ? replay : r.source())
              + " to "
              + r.target()
              + " in "
              + Durations.format(r.elapsed())
              + " ("
              + Math.round(r.writeUnits())
              + " WCU"
              + (r.itemsDeleted() > 0 ? ", " + r.itemsDeleted() + " extra items deleted" : "")
              + (r.itemsFailed() > 0 ? ", " + r.itemsFailed() + " failed" : "")
              + (r.keysMissing() > 0 ? ", " + r.keysMissing() + " keys not in the source" : "")
              + ")");
      if (r.segments() > 0) {
        out.println(
            "run "
                + r.runId()
                + ": "
                + r.segmentsCopied()
                + " segments copied, "
                + r.segmentsSkipped()
                + " already done, of "
                + r.segments());
      }
      for (Path resolved : r.resolvedFailureFiles()) {
        out.println(
            "resolved "
                + resolved
                + ": every item in it was written again or filed anew; renamed to "
                + resolved
                + ".resolved");
      }
    }
    out.flush();
  }

  /**
   * The error of a copy that left {@code r.itemsFailed()} items in its failure file: {@link
   * ErrorCode#PARTIAL}, naming the file and the command that writes them again: {@code
   * resumeCommand} (the resume of the run), or a replay of the file; each carries where the run's
   * state is ({@link ResumeCommands}).
   */
  PitrException partial(CopyResult r, String resumeCommand) {
    String replayFailures = CopyBackResume.replay(spec, r.failureFile(), r.target());
    return new PitrException(
        ErrorCode.PARTIAL,
        r.itemsFailed()
            + " items could not be written to "
            + r.target()
            + " and are in "
            + r.failureFile()
            + IamHint.deniedWrites(r.failureFile(), "copy-back")
            + "; fix the cause, then "
            + (replay != null
                ? "run " + replayFailures
                : "resume the run with "
                    + resumeCommand
                    + ", which writes them again (or replay them with "
                    + replayFailures
                    + ")"));
  }

  /** "1 item", or the count with thousands separators and "items". */
  static String items(long n) {
    return n == 1 ? "1 item" : String.format("%,d items", n);
  }
}
