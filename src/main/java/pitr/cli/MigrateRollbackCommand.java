package pitr.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.migrate.Lease;
import pitr.migrate.MigrationEnvironment;
import pitr.migrate.RunRecord;
import pitr.rollback.ApplyResult;
import pitr.rollback.PlanText;
import pitr.rollback.Rollbacks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code pitr migrate rollback NAME}: undoes the latest run of a migration, restoring exactly the
 * keys its journal lists to the run's restore point; an item changed since the run wrote it is a
 * conflict and is kept. It holds the environment's migration lock throughout, so it refuses (exit
 * 3) while a migration runs and no migration starts meanwhile; the ledger records the run as
 * ROLLED_BACK under that lock. {@code --resume ROLLBACK_ID} continues an interrupted rollback with
 * the plans it saved.
 */
@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    description = {
      "Undo the latest run of a migration: restore its restore point and put back exactly the"
          + " items it journaled.",
      "Items changed since the run wrote them are conflicts, kept unless --on-conflict overwrite."
    })
final class MigrateRollbackCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin MigrateCommand.Options options = new MigrateCommand.Options();

  @Parameters(paramLabel = "NAME", description = "Migration, e.g. 0001_cars_get_a_price.")
  String name;

  @Option(
      names = "--on-conflict",
      paramLabel = "skip|overwrite",
      defaultValue = "skip",
      description = "What to do with items changed since the run (default: ${DEFAULT-VALUE}).")
  String onConflict;

  @Option(names = "--keep", description = "Keep the recovery tables.")
  boolean keep;

  @Option(names = "--yes", description = "Apply without asking.")
  boolean yes;

  @Mixin WriteRateOptions rate = WriteRateOptions.liveTable();

  @Option(
      names = "--restore-timeout",
      paramLabel = "DURATION",
      defaultValue = "2h",
      converter = Ranges.RestoreTimeout.class,
      description = "How long to wait for a recovery table, 1s-7d (default: ${DEFAULT-VALUE}).")
  Duration restoreTimeout;

  @Option(
      names = "--resume",
      paramLabel = "ROLLBACK_ID",
      description = "Continue this interrupted rollback with the plans it saved (no new restore).")
  String resume;

  @Mixin ApplyOptions applyOptions = new ApplyOptions();

  @Override
  public Integer call() {
    boolean overwrite = RollbackCommand.overwrite(onConflict);
    MigrateCommand parent = MigrateCommand.of(spec);
    String migration = migrationName();
    String id = resume != null ? resume : Rollbacks.newId(4);
    try (Targets t = Targets.of(spec)) {
      MigrationEnvironment env = parent.environment(spec, t.client, options);
      Rollbacks rollbacks = applyOptions.rollbacks(t, parent.clock, parent.scheduler);
      // Refuse a migration without a run before taking the lock (which lives in the ledger);
      // under the lock the run is read again.
      if (resume == null) {
        rollbacks.lastRun(env, migration).block();
      } else if (!env.ledger().exists().block()) {
        throw new PitrException(
            ErrorCode.USAGE,
            "Ledger table "
                + env.ledger().table()
                + " does not exist in "
                + t.gateway.target()
                + ", so there is no run to roll back; check the target and --ledger-table");
      }
      // The lock keeps migrations out while the rollback runs; a live holder refuses (exit 3).
      return env.underLock(
              "rollback-" + id,
              migration,
              MigrateCommand.operator(),
              MigrateCommand.host(),
              lease ->
                  Mono.fromCallable(
                          () ->
                              rollBack(parent, t, env, rollbacks, lease, migration, id, overwrite))
                      .subscribeOn(Schedulers.boundedElastic()))
          .block();
    }
  }

  private int rollBack(
      MigrateCommand parent,
      Targets t,
      MigrationEnvironment env,
      Rollbacks rollbacks,
      Lease lease,
      String migration,
      String id,
      boolean overwrite) {
    PrintWriter out = spec.commandLine().getOut();
    Rollbacks.MigrationRollback rollback;
    if (resume != null) {
      rollback = rollbacks.resumeMigration(env, migration, resume).block();
      out.println(
          "Resuming rollback "
              + id
              + " of run "
              + rollback.run().runId()
              + " of "
              + migration
              + " to its restore point "
              + rollback.run().restorePoint());
    } else {
      RunRecord run = rollbacks.lastRun(env, migration).block();
      out.println(
          "Rolling back run "
              + run.runId()
              + " of "
              + run.migration()
              + " to its restore point "
              + run.restorePoint());
      out.flush();
      rollback = rollbacks.planMigration(env, run, overwrite, restoreTimeout, id).block();
    }
    RunRecord run = rollback.run();
    boolean keepPlans = false;
    try {
      rollback.plans().forEach(p -> out.print(PlanText.plan(p.plan(), rate.maxWcu())));
      if (!yes) {
        RollbackCommand.confirm(
            spec,
            parent.input,
            "Apply to " + String.join(", ", run.tables()) + "?",
            "nothing was written");
      }
      keepPlans = true;
      out.println(
          "Applying as rollback "
              + id
              + "; if it is interrupted, resume it with 'pitr migrate rollback "
              + migration
              + " --resume "
              + id
              + "'");
      out.flush();
      List<ApplyResult> results = new ArrayList<>();
      for (int i = 0; i < rollback.plans().size(); i++) {
        String runId = id + "-" + (i + 1);
        ApplyResult result =
            rollbacks
                .apply(
                    rollback.plans().get(i).plan(),
                    applyOptions
                        .request(t, runId, false, rate.maxWcu())
                        .forRun(runId, applyOptions.failureFile(runId)))
                .block();
        out.print(PlanText.result(result));
        results.add(result);
      }
      for (ApplyResult result : results) {
        if (!result.complete()) {
          RollbackCommand.finish(result, "pitr migrate rollback " + migration + " --resume " + id);
        }
      }
      rollbacks.recordRolledBack(env, rollback, lease, Targets.createdBy(), results).block();
      keepPlans = false;
      out.println(
          "Run "
              + run.runId()
              + " of "
              + run.migration()
              + " is ROLLED_BACK in "
              + env.ledger().table());
      return 0;
    } finally {
      if (keepPlans) {
        out.println(
            "Kept recovery tables until the rollback completes: "
                + String.join(", ", rollback.recoveryTables()));
      } else {
        RollbackCommand.dropOrKeep(out, rollbacks, rollback.recoveryTables(), keep);
        rollbacks.discard(rollback);
      }
      out.flush();
    }
  }

  /**
   * The full name from the catalog; the name as given when the file is gone (the ledger keeps
   * runs).
   */
  private String migrationName() {
    try {
      return options.catalog().resolve(name).name();
    } catch (PitrException e) {
      return name;
    }
  }
}
