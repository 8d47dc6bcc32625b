package pitr.cli;

import java.io.PrintWriter;
import java.time.Duration;
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
import pitr.migrate.MigrationEnvironment;
import pitr.migrate.RunRecord;
import pitr.rollback.ApplyResult;
import pitr.rollback.PlanText;
import pitr.rollback.Rollbacks;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * {@code pitr migrate rollback NAME}: undoes the latest run of a migration, restoring exactly the
 * keys its journal lists to the run's restore point; an item changed since the run wrote it is a
 * conflict and is kept. The ledger records the run as ROLLED_BACK.
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

  @Option(
      names = "--max-wcu",
      paramLabel = "N",
      defaultValue = "1000",
      description = "Write capacity per second; 0: no limit (default: ${DEFAULT-VALUE}).")
  double maxWcu;

  @Option(
      names = "--restore-timeout",
      paramLabel = "DURATION",
      defaultValue = "PT2H",
      description = "How long to wait for a recovery table (default: ${DEFAULT-VALUE}).")
  Duration restoreTimeout;

  @Override
  public Integer call() {
    boolean overwrite = RollbackCommand.overwrite(onConflict);
    MigrateCommand parent = MigrateCommand.of(spec);
    PrintWriter out = spec.commandLine().getOut();
    String migration = migrationName();
    try (DynamoDbAsyncClient client = PitrCommand.of(spec).target().client()) {
      MigrationEnvironment env = parent.environment(spec, client, options);
      Rollbacks rollbacks = Rollbacks.create(client, parent.clock, parent.scheduler);
      RunRecord run = rollbacks.lastRun(env, migration).block();
      out.println(
          "Rolling back run "
              + run.runId()
              + " of "
              + run.migration()
              + " to its restore point "
              + run.restorePoint());
      List<Rollbacks.Prepared> plans =
          rollbacks.planMigration(env, run, overwrite, restoreTimeout).collectList().block();
      try {
        plans.forEach(p -> out.print(PlanText.plan(p.plan(), maxWcu)));
        if (!yes) {
          RollbackCommand.confirm(
              spec,
              parent.input,
              "Apply to " + String.join(", ", run.tables()) + "?",
              "nothing was written");
        }
        boolean complete = true;
        for (Rollbacks.Prepared p : plans) {
          ApplyResult result = rollbacks.apply(p.plan(), maxWcu).block();
          out.print(PlanText.result(result));
          complete &= result.complete();
        }
        if (!complete) {
          throw new PitrException(
              ErrorCode.PARTIAL,
              "Rollback of "
                  + run.migration()
                  + " is incomplete; the ledger still shows the run as "
                  + run.status()
                  + ". Fix the cause and rerun 'pitr migrate rollback "
                  + run.migration()
                  + "'");
        }
        rollbacks.recordRolledBack(env, run).block();
        out.println(
            "Run "
                + run.runId()
                + " of "
                + run.migration()
                + " is ROLLED_BACK in "
                + env.ledger().table());
        return 0;
      } finally {
        List<String> recovery = plans.stream().flatMap(p -> p.recoveryTables().stream()).toList();
        if (keep) {
          out.println("Kept recovery tables: " + String.join(", ", recovery));
        } else {
          rollbacks.drop(recovery).block();
        }
      }
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
