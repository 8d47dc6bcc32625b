package pitr.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.copy.RunState;
import pitr.copy.RunStatus;

/**
 * {@code pitr runs abandon RUN_ID}: releases a dead run, so {@code pitr drop} no longer waits for
 * it and it can no longer be resumed. Its checkpoints stay, for the record.
 */
@Command(
    name = "abandon",
    mixinStandardHelpOptions = true,
    description = {
      "Release a dead run: pitr drop no longer waits for it, and copy-back --resume (or rollback"
          + " --resume) refuses it. Refuses a running run unless --force. Asks first unless --yes."
    })
final class RunsAbandonCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "RUN_ID",
      description = "The run, as pitr runs list shows it.")
  String runId;

  @Option(names = "--yes", description = "Do not ask for confirmation.")
  boolean yes;

  @Option(
      names = "--force",
      description =
          "Abandon a run whose heartbeat is still fresh: its process notices at its next"
              + " heartbeat (every 30 s), starts no new work, lets its writes in flight settle and"
              + " checkpoints them, and exits 1 saying so.")
  boolean force;

  @Mixin StateOptions state = new StateOptions();

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    Outcome outcome =
        RunsCommand.withRuns(
            spec,
            state,
            runs -> {
              RunStatus before = runs.checkAbandon(runId, force).block();
              if (before.state() == RunState.ABANDONED || before.state() == RunState.FINISHED) {
                return new Outcome(before, before);
              }
              if (!yes
                  && !Prompt.confirm(
                      err,
                      "Abandon run "
                          + runId
                          + " ("
                          + before.run().kind()
                          + " "
                          + RunsCommand.copies(before.run())
                          + ", "
                          + before.state().label()
                          + ", "
                          + before.lastHeartbeat()
                          + ")? It cannot be resumed afterwards.")) {
                throw new PitrException(
                    ErrorCode.REFUSED,
                    "Abandoning run "
                        + runId
                        + " was not confirmed; nothing changed. Answer y or pass"
                        + " --yes");
              }
              return new Outcome(before, runs.abandon(runId, force).block());
            });
    print(outcome.before(), outcome.after());
    return 0;
  }

  /** The run before and after. */
  private record Outcome(RunStatus before, RunStatus after) {}

  private void print(RunStatus before, RunStatus after) {
    PrintWriter out = spec.commandLine().getOut();
    boolean changed = before.state() != after.state();
    if (Targets.json(spec)) {
      Map<String, Object> m = RunsCommand.json(after);
      m.put("changed", changed);
      Json.print(out, m);
      return;
    }
    if (!changed && after.state() == RunState.FINISHED) {
      out.println("Run " + runId + " is finished; there is nothing to abandon.");
    } else if (!changed) {
      out.println(
          "Run "
              + runId
              + " was already abandoned at "
              + after.run().abandoned().at()
              + "; nothing changed.");
    } else {
      out.println(
          "Abandoned run "
              + runId
              + ": pitr drop no longer waits for it, and it cannot be resumed; to copy again, "
              + (after.run().kind().equals("rollback")
                  ? "apply the plan again without --resume."
                  : "start a new copy-back."));
      if (before.state() == RunState.RUNNING) {
        out.println(
            "Its process ("
                + (before.run().owner() == null ? "owner unknown" : before.run().owner().describe())
                + ") renewed its lease until "
                + before.run().expires()
                + " and may still be working: stop it.");
      }
    }
    out.flush();
  }
}
