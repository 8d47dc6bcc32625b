package pitr.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import pitr.copy.CopyRunRecord;
import pitr.copy.RunStatus;
import pitr.migrate.RunRecord;

/**
 * {@code pitr runs list}: every run in the checkpoint stores, with its state and owner, and the
 * migration runs of the ledger.
 */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "Show every copy-back and rollback-apply run with its kind, source -> target, state"
          + " (running, dead, finished, abandoned), owner (host, pid, AWS Batch job) and last"
          + " heartbeat.",
      "With --ledger-table, the migration runs of that ledger follow, with their state"
          + " (running, failed, succeeded, rolled_back), workers, times and counts."
    })
final class RunsListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin StateOptions state = new StateOptions();

  @Option(
      names = "--ledger-table",
      paramLabel = "NAME",
      description =
          "Also list the migration runs of this ledger table, e.g. pitr-ledger (the migrate"
              + " commands' default); it is read, never created.")
  String ledgerTable;

  @Override
  public Integer call() {
    Map.Entry<List<RunStatus>, String> copies =
        RunsCommand.withRuns(
            spec, state, runs -> Map.entry(runs.list().collectList().block(), runs.describe()));
    List<RunRecord> migrations = ledgerTable != null ? LedgerRuns.read(spec, ledgerTable) : null;
    print(copies.getKey(), copies.getValue(), migrations);
    return 0;
  }

  private void print(List<RunStatus> all, String stores, List<RunRecord> migrations) {
    PrintWriter out = spec.commandLine().getOut();
    if (Targets.json(spec)) {
      List<Map<String, Object>> rows = new ArrayList<>();
      all.forEach(s -> rows.add(RunsCommand.json(s)));
      if (migrations != null) {
        migrations.forEach(r -> rows.add(LedgerRuns.json(spec, r, ledgerTable)));
      }
      Json.print(out, rows);
      return;
    }
    if (all.isEmpty()) {
      out.println(
          (migrations == null ? "No runs in " : "No copy-back or rollback runs in ")
              + stores
              + ".");
    } else {
      copyRuns(out, all);
    }
    if (migrations != null) {
      out.println();
      if (migrations.isEmpty()) {
        out.println("No migration runs in ledger table " + ledgerTable + ".");
      } else {
        LedgerRuns.table(out, migrations);
      }
    }
    out.flush();
  }

  private static void copyRuns(PrintWriter out, List<RunStatus> all) {
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
    LedgerRuns.columns(out, rows);
  }
}
