package pitr.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import pitr.copy.CopyRunRecord;
import pitr.copy.RunStatus;

/** {@code pitr runs list}: every run in the checkpoint stores, with its state and owner. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "Show every copy-back and rollback-apply run with its kind, source -> target, state"
          + " (running, dead, finished, abandoned), owner (host, pid, AWS Batch job) and last"
          + " heartbeat."
    })
final class RunsListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin StateOptions state = new StateOptions();

  @Override
  public Integer call() {
    RunsCommand.withRuns(
        spec,
        state,
        runs -> {
          print(runs.list().collectList().block(), runs.describe());
          return true;
        });
    return 0;
  }

  private void print(List<RunStatus> all, String stores) {
    PrintWriter out = spec.commandLine().getOut();
    if (Targets.json(spec)) {
      List<Map<String, Object>> rows = new ArrayList<>();
      all.forEach(s -> rows.add(RunsCommand.json(s)));
      Json.print(out, rows);
      return;
    }
    if (all.isEmpty()) {
      out.println("No runs in " + stores + ".");
      out.flush();
      return;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"RUN", "KIND", "SOURCE -> TARGET", "STATE", "OWNER", "LAST HEARTBEAT"});
    for (RunStatus s : all) {
      CopyRunRecord r = s.run();
      rows.add(
          new String[] {
            r.runId(),
            r.kind(),
            RunsCommand.copies(r),
            s.state().label(),
            r.owner() == null ? "-" : r.owner().describe(),
            r.heartbeat() == null ? "-" : r.heartbeat().toString()
          });
    }
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(
            i == row.length - 1
                ? row[i]
                : String.format(Locale.ROOT, "%-" + widths[i] + "s  ", row[i]));
      }
      out.println(line);
    }
    out.flush();
  }
}
