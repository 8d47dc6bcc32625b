package pitr.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import pitr.copy.CopyRunRecord;
import pitr.copy.RunStatus;

/** {@code pitr runs show RUN_ID}: one run, whether it is alive, and what to do next. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = {
      "Show one run: what it copies, its state, the process that owns it (host, pid, AWS Batch"
          + " job), its last heartbeat and lease, and what to do next."
    })
final class RunsShowCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "RUN_ID",
      description = "The run, as pitr runs list shows it.")
  String runId;

  @Mixin StateOptions state = new StateOptions();

  @Override
  public Integer call() {
    RunStatus s = RunsCommand.withRuns(spec, state, runs -> runs.find(runId).block());
    PrintWriter out = spec.commandLine().getOut();
    if (Targets.json(spec)) {
      Json.print(out, RunsCommand.json(s));
      return 0;
    }
    print(out, s);
    out.flush();
    return 0;
  }

  /** The run, one field a line. */
  static void print(PrintWriter out, RunStatus s) {
    CopyRunRecord r = s.run();
    boolean rollback = r.kind().equals("rollback");
    line(out, "run", r.runId());
    line(out, "kind", r.kind());
    line(out, rollback ? "applies" : "copies", RunsCommand.copies(r));
    line(out, rollback ? "chunks" : "segments", Integer.toString(r.totalSegments()));
    if (r.filter() != null) {
      line(out, "filter", r.filter());
    }
    line(out, "state", s.state().label());
    line(out, "owner", r.owner() == null ? "-" : r.owner().describe());
    line(out, "last heartbeat", r.heartbeat() == null ? "-" : r.heartbeat().toString());
    if (r.expires() != null) {
      line(out, "lease until", r.expires().toString());
    }
    if (r.abandoned() != null) {
      line(
          out,
          "abandoned",
          r.abandoned().at()
              + (r.abandoned().by() == null ? "" : " by " + r.abandoned().by().describe()));
    }
    line(out, "checkpoints", s.store());
    line(out, "next", RunsCommand.next(s));
  }

  private static void line(PrintWriter out, String name, String value) {
    out.printf("%-16s%s%n", name + ":", value);
  }
}
