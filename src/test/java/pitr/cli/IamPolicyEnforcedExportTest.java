package pitr.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import pitr.cli.IamScenarios.Scenario;

/**
 * The commands that request or read exports (export, changes, and rollbacks planned from exports),
 * each run against the embedded engine enforcing the policy {@code pitr iam-policy} prints for it,
 * and without each of its actions (see {@link IamScenarios}).
 */
class IamPolicyEnforcedExportTest {
  @TempDir Path dir;

  static Stream<Scenario> scenarios() {
    return Stream.of(
        new Scenario(
            "export --wait",
            List.of("--table", "orders", "--bucket", IamSetup.EXPORT_BUCKET),
            s -> {
              return s.exportArgs(IamTestEngine.exportOf(s.engine().incident(), "--wait"));
            }),
        new Scenario(
            "changes",
            List.of("--table", "orders", "--bucket", IamSetup.EXPORT_BUCKET),
            s -> {
              return s.exportArgs(IamTestEngine.changesOf(s.engine().incident()));
            }),
        new Scenario(
            "rollback --source export",
            List.of("--table", "orders", "--bucket", IamSetup.EXPORT_BUCKET),
            s -> {
              return s.exportArgs(
                  IamTestEngine.rollbackFromExportOf(s.engine().incident(), s.state()));
            }),
        new Scenario(
            "changes --export",
            List.of(
                "--table",
                "orders",
                "--bucket",
                IamSetup.EXPORT_BUCKET,
                "--export",
                IamSetup.ANY_EXPORT),
            s -> {
              String arn = s.engine().exportMadeBefore(s.engine().incident());
              return s.readingExports(List.of("changes", "orders"), "--export", arn);
            }),
        new Scenario(
            "rollback --source export --export",
            List.of(
                "--table",
                "orders",
                "--bucket",
                IamSetup.EXPORT_BUCKET,
                "--export",
                IamSetup.ANY_EXPORT),
            s -> {
              Instant[] t = s.engine().incident();
              String arn = s.engine().exportMadeBefore(t);
              return s.readingExports(
                  IamTestEngine.rollbackFromExportOf(t, s.state()), "--export", arn);
            }),
        new Scenario(
            "migrate rollback --source export",
            List.of("--table", "cars", "--bucket", IamSetup.EXPORT_BUCKET),
            s -> {
              Path m = s.newCarMigrated();
              // The export of the run's window waits until 15 minutes of history follow it.
              s.engine().clock.advance(Duration.ofMinutes(20));
              return s.exportArgs(s.migrateRollback(m, "--source", "export"));
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
