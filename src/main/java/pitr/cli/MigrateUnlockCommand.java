package pitr.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import pitr.migrate.LockInfo;
import pitr.migrate.MigrationEnvironment;
import pitr.migrate.RunFailedException;
import pitr.migrate.RunRecord;
import pitr.migrate.api.RunMode;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * {@code pitr migrate unlock}: breaks the migration lock, for operators who made sure its holder is
 * dead. Raises the fencing token, so the old holder can no longer write the ledger.
 */
@Command(
    name = "unlock",
    mixinStandardHelpOptions = true,
    description = {
      "Break the migration lock of this environment after showing who holds it. Only when that"
          + " run is dead: a live one stops at its next heartbeat.",
      "A lock left by a killed run also lapses by itself when its lease expires."
    })
final class MigrateUnlockCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin MigrateCommand.Options options = new MigrateCommand.Options();

  @Option(names = "--yes", description = "Do not ask for confirmation.")
  boolean yes;

  @Override
  public Integer call() {
    MigrateCommand parent = MigrateCommand.of(spec);
    PrintWriter out = spec.commandLine().getOut();
    boolean json = Targets.json(spec);
    try (DynamoDbAsyncClient client = PitrCommand.of(spec).target().client()) {
      MigrationEnvironment env = parent.environment(spec, client, options);
      Optional<LockInfo> held =
          LedgerRuns.noteAbsence(spec, env.ledger())
              ? env.lock().current().block()
              : Optional.<LockInfo>empty();
      if (held.isEmpty()) {
        if (json) {
          Json.print(out, Map.of("ledgerTable", options.ledgerTable, "locked", false));
          return 0;
        }
        out.println("No run holds the migration lock in " + options.ledgerTable + ".");
        out.flush();
        return 0;
      }
      LockInfo h = held.get();
      String who =
          h.holder()
              + " (lease "
              + (h.expired(parent.clock.instant()) ? "expired " : "expires ")
              + h.expiresAt()
              + ")";
      (json ? spec.commandLine().getErr() : out)
          .println("The migration lock in " + options.ledgerTable + " is held by " + who + ".");
      if (!yes) {
        parent.confirm(spec, "Break it?", "the lock is unchanged");
      }
      env.lock().forceUnlock(h).block();
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ledgerTable", options.ledgerTable);
        m.put("locked", false);
        m.put("unlocked", true);
        m.put("holder", h.holder());
        m.put("runId", h.runId());
        m.put("migration", h.migration());
        m.put("expiresAt", h.expiresAt());
        Json.print(out, m);
        return 0;
      }
      out.println(
          "Unlocked. Run "
              + h.runId()
              + " is FAILED or RUNNING in the ledger; resume it with: "
              + resume(env, h)
              + ", or see what rolling it back would restore with: "
              + ResumeCommands.of(spec, "migrate rollback " + h.migration() + " --dry-run"));
      out.flush();
    }
    return 0;
  }

  /**
   * The command that resumes the run that held the lock: {@code --prod} as its ledger record says,
   * or a reminder to add it when the record cannot be read.
   */
  private String resume(MigrationEnvironment env, LockInfo h) {
    Optional<RunMode> mode =
        env.ledger()
            .run(h.migration(), h.runId())
            .map(RunRecord::mode)
            .onErrorResume(e -> reactor.core.publisher.Mono.empty())
            .blockOptional();
    if (mode.isEmpty()) {
      return ResumeCommands.of(spec, "migrate resume " + h.migration())
          + " (add --prod for a prod run)";
    }
    return ResumeCommands.of(spec, RunFailedException.resumeArgs(h.migration(), mode.get()));
  }
}
