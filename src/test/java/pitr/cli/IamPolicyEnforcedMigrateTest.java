package pitr.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
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
