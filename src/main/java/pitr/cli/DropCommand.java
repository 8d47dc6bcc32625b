package pitr.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.copy.CopyRuns;
import pitr.dynamo.DynamoErrors;
import pitr.restore.RecoveryTableDropper;

/** {@code pitr drop RECOVERY}: deletes a recovery table pitr made, and nothing else. */
@Command(
    name = "drop",
    mixinStandardHelpOptions = true,
    description = {
      "Delete a recovery table (tagged pitr:recovery-of).",
      "Refuses source tables, untagged tables (unless --force and the name typed again) and"
          + " tables a copy-back is still reading (a dead run's too, unless --force or the run is"
          + " abandoned with pitr runs abandon)."
    })
final class DropCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "RECOVERY", description = "The recovery table to delete.")
  String table;

  @Option(names = "--yes", description = "Do not ask for confirmation.")
  boolean yes;

  @Option(
      names = "--force",
      description =
          "Drop a table without the recovery tag (asks for its name), or one a dead copy-back run"
              + " reads.")
  boolean force;

  @Mixin StateOptions state = new StateOptions();

  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    try (Targets t = Targets.of(spec)) {
      RecoveryTableDropper dropper = RecoveryTableDropper.create(t.gateway, clock);
      var runs =
          CopyRuns.in(state.allCheckpoints(t.gateway), clock)
              .list()
              .onErrorMap(DynamoErrors::isAccessDenied, this::unreadableRuns);
      var d = dropper.check(table, runs, force, rest -> ResumeCommands.of(spec, rest)).block();
      boolean tagged = false;
      if (force) {
        var tags = t.gateway.tags(d.tableArn()).block();
        tagged = tags.containsKey(pitr.restore.RecoveryTags.RECOVERY_OF);
      }
      if (force && !tagged) {
        String typed =
            Prompt.ask(
                err, "Table " + table + " is not a recovery table. Type its name to drop it:");
        if (typed == null || !typed.trim().equals(table)) {
          throw new PitrException(
              ErrorCode.REFUSED, "The name typed did not match " + table + "; nothing was dropped");
        }
      } else if (!yes && !Prompt.confirm(err, "Drop recovery table " + table + "?")) {
        throw new PitrException(
            ErrorCode.REFUSED, "Drop of " + table + " was not confirmed; answer y or pass --yes");
      }
      dropper.drop(table).block();
    }
    PrintWriter out = spec.commandLine().getOut();
    if (Targets.json(spec)) {
      Json.print(out, java.util.Map.of("dropped", table));
    } else {
      out.println("Dropped " + table);
    }
    out.flush();
    return 0;
  }

  /**
   * Runs that cannot be read for want of a permission: without them no run reading the table can be
   * ruled out, so the drop is refused rather than taken for "no runs".
   */
  private Throwable unreadableRuns(Throwable denied) {
    return new PitrException(
        ErrorCode.REFUSED,
        "Refusing to drop "
            + table
            + ": the runs in checkpoint table "
            + state.checkpointTable
            + " cannot be read, so a copy-back still reading it cannot be ruled out; nothing was"
            + " dropped. "
            + denied
                .getMessage()
                .replace(
                    DynamoErrors.POLICY_HINT,
                    IamHint.policyCommand("drop") + " --checkpoint-table " + state.checkpointTable),
        denied);
  }
}
