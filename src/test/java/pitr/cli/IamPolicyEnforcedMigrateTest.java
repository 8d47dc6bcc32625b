package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import pitr.cli.IamScenarios.Scenario;

/**
 * The migrate commands on the cars of the example migrations, each run against the embedded engine
 * enforcing the policy {@code pitr iam-policy} prints for it, and without each of its actions (see
 * {@link IamScenarios}).
 */
class IamPolicyEnforcedMigrateTest {
  @TempDir Path dir;

  static Stream<Scenario> scenarios() {
    return Stream.of(
        new Scenario(
            "migrate dev",
            List.of("--table", "cars"),
            s -> {
              Path m = s.cars(false);
              return List.of("migrate", "dev", "0001", "--migrations-dir", m.toString());
            }),
        new Scenario(
            "migrate prod",
            List.of("--table", "cars"),
            s -> {
              return IamSetup.prod("0001", s.cars(true));
            }),
        new Scenario(
            "migrate resume --prod",
            List.of("--table", "cars"),
            s -> {
              Path m = s.cars(true);
              s.failedRun(m, IamSetup.prod("0004", m));
              return List.of(
                  "migrate", "resume", "0004", "--prod", "--yes", "--migrations-dir", m.toString());
            }),
        new Scenario(
            "migrate resume",
            List.of("--table", "cars"),
            s -> {
              Path m = s.cars(false);
              s.failedRun(m, List.of("migrate", "dev", "0004", "--migrations-dir", m.toString()));
              return List.of("migrate", "resume", "0004", "--migrations-dir", m.toString());
            }),
        new Scenario(
            "migrate list",
            List.of(),
            s -> {
              Path m = s.migrated();
              return List.of("migrate", "list", "--migrations-dir", m.toString());
            }),
        new Scenario(
            "migrate rollback",
            List.of("--table", "cars"),
            s -> s.migrateRollback(s.newCarMigrated())),
        new Scenario(
            "migrate rollback",
            List.of("--table", "cars", "--checkpoint-table", "pitr-checkpoints"),
            s -> s.migrateRollback(s.newCarMigrated(), "--checkpoint-table", "pitr-checkpoints")),
        new Scenario(
            "migrate unlock",
            List.of(),
            s -> {
              Path m = s.migrated();
              s.holdLock();
              return List.of("migrate", "unlock", "--yes", "--migrations-dir", m.toString());
            }),
        new Scenario(
            "migrate stale",
            List.of(),
            s -> {
              Path m = s.migrated();
              return List.of(
                  "migrate", "stale", "--older-than", "1s", "--migrations-dir", m.toString());
            }),
        new Scenario(
            "migrate stamp",
            List.of(),
            s -> {
              Path m = s.migrated();
              return List.of("migrate", "stamp", "0001", "--migrations-dir", m.toString());
            }));
  }

  /**
   * A migrate rollback that could not mark the run ROLLED_BACK (ConditionCheckItem on the ledger
   * denied) is refused before it restores or writes anything.
   */
  @Test
  void migrateRollback_deniedTheLedgerRecord_isRefusedBeforeAnyRestoreOrWrite() throws Exception {
    try (IamTestEngine engine = new IamTestEngine()) {
      IamSetup s = new IamSetup(engine, dir);
      Path m = s.newCarMigrated();
      var cars = engine.admin().scan(r -> r.tableName("cars")).join().items();
      var ledger = engine.admin().scan(r -> r.tableName("pitr-ledger")).join().items();
      engine.serve(
          "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"dynamodb:*\",\"Resource\":\"*\"},"
              + "{\"Effect\":\"Deny\",\"Action\":\"dynamodb:ConditionCheckItem\","
              + "\"Resource\":\"*\"}]}");

      CliRun run = engine.run(s.migrateRollback(m).toArray(String[]::new));

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err())
          .startsWith("error: Access denied by http://127.0.0.1:")
          .endsWith(
              ": the credentials may not call dynamodb:ConditionCheckItem on"
                  + " arn:aws:dynamodb:us-east-1:000000000000:table/pitr-ledger; the denied call"
                  + " changed nothing. Grant it: 'pitr iam-policy migrate rollback --table TABLE'"
                  + " prints the policy this command needs\n");
      assertThat(run.out()).isEmpty();
      engine.serve(IamTestEngine.ALLOW_ALL);
      assertThat(engine.admin().scan(r -> r.tableName("cars")).join().items())
          .containsExactlyInAnyOrderElementsOf(cars);
      // The lock is taken and given back: only it may differ.
      assertThat(engine.admin().scan(r -> r.tableName("pitr-ledger")).join().items())
          .filteredOn(i -> !i.get("pk").s().equals("lock"))
          .containsExactlyInAnyOrderElementsOf(
              ledger.stream().filter(i -> !i.get("pk").s().equals("lock")).toList());
      assertThat(engine.tables()).noneMatch(t -> t.contains("-recovery-"));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void command_underItsOwnPolicy_succeeds(Scenario scenario) throws Exception {
    IamScenarios.assertSucceedsUnderItsOwnPolicy(scenario, dir);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void command_withoutAnyOneOfItsActions_failsNamingThatPermission(Scenario scenario)
      throws Exception {
    IamScenarios.assertFailsWithoutAnyOneOfItsActions(scenario, dir);
  }
}
