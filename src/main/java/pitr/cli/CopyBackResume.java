package pitr.cli;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;
import pitr.copy.Checkpoints;
import pitr.copy.CopyRequest;
import pitr.copy.CopyRunRecord;
import pitr.copy.RunLimits;
import pitr.copy.Worker;

/**
 * How a copy-back is continued: the command that continues this process's share of its run (or
 * replays the failure file again), printed before the first write and when it stops; and, for
 * {@code copy-back --resume RUN_ID}, the run read back from its checkpoints (refused when there is
 * none or it was abandoned, before anything about the resume is said or done) and the request that
 * continues it, with the limits given again on the command line in place of the run's.
 */
final class CopyBackResume {
  private CopyBackResume() {}

  /**
   * The command that continues this process's share of run {@code id}, or, with {@code replay},
   * that replays it into {@code to} again; {@code worker} is {@code --worker} as given.
   */
  static String command(
      CommandSpec spec, Path replay, String to, String id, Worker share, String worker) {
    if (replay != null) {
      return replay(spec, replay, to);
    }
    return ResumeCommands.of(
        spec, "copy-back --resume " + id + (share.count() > 1 ? " --worker " + worker : ""));
  }

  /** The command that writes the items of failure file {@code file} into {@code to} again. */
  static String replay(CommandSpec spec, Path file, String to) {
    return ResumeCommands.of(
        spec,
        "copy-back --replay "
            + ResumeCommands.quote(file.toString())
            + " --to "
            + ResumeCommands.quote(to));
  }

  /** The run to resume, read before the client for the copy is sized to the run's concurrency. */
  static CopyRunRecord record(CommandSpec spec, StateOptions state, String id) {
    if (state.checkpointTable == null) {
      return find(state.checkpoints(null), id);
    }
    try (Targets lookup = Targets.of(spec)) {
      return find(state.checkpoints(lookup.gateway), id);
    }
  }

  private static CopyRunRecord find(Checkpoints checkpoints, String id) {
    CopyRunRecord run =
        checkpoints.find(id).blockOptional().orElseThrow(() -> RunLimits.noRun(id, checkpoints));
    // Refused before anything about the resume is said or done.
    run.refuseIfAbandoned(checkpoints.describe());
    return run;
  }

  /**
   * The request of a resume of {@code run}: the run's limits, save those the command line gives
   * again, and without {@code --keys} the run's own keys file ({@link KeysInput#resume}).
   */
  static CopyRequest request(
      CommandSpec spec, CopyRunRecord run, CopyRequest request, Path stagedDir) {
    return KeysInput.resume(spec, run, request, given(spec), stagedDir);
  }

  /** The run limits given on the command line, which a resume uses instead of its run's. */
  private static Set<RunLimits.Limit> given(CommandSpec spec) {
    ParseResult parsed = spec.commandLine().getParseResult();
    Set<RunLimits.Limit> out = EnumSet.noneOf(RunLimits.Limit.class);
    for (RunLimits.Limit limit : RunLimits.Limit.values()) {
      if (parsed.hasMatchedOption(limit.option())) {
        out.add(limit);
      }
    }
    if (parsed.hasMatchedOption("--filter-values") || parsed.hasMatchedOption("--filter-names")) {
      out.add(RunLimits.Limit.FILTER);
    }
    return out;
  }
}
