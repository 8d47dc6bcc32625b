package pitr.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import pitr.cli.IamScenarios.Scenario;

/**
 * The runs commands, each run against the embedded engine enforcing the policy {@code pitr
 * iam-policy} prints for it, and without each of its actions (see {@link IamScenarios}).
 */
class IamPolicyEnforcedRunsTest {
  @TempDir Path dir;

  static Stream<Scenario> scenarios() {
    return Stream.of(
        new Scenario(
            "runs list",
            List.of("--checkpoint-table", "pitr-checkpoints"),
            s -> {
              s.restored();
              s.pitr(s.copyBack());
              return s.runs("list");
            }),
        new Scenario(
            "runs show",
            List.of("--checkpoint-table", "pitr-checkpoints"),
            s -> {
              s.restored();
              s.pitr(s.copyBack("--run-id", "run1"));
              return s.runs("show", "run1");
            }),
        new Scenario(
            "runs abandon",
            List.of("--checkpoint-table", "pitr-checkpoints"),
            s -> {
              s.restored();
              // One worker of two: the run waits for the other, so it is not finished.
              s.pitr(s.copyBack("--run-id", "run1", "--worker", "1/2"));
              return s.runs("abandon", "run1", "--yes", "--force");
            }),
        new Scenario(
            "runs list --ledger-table",
            List.of("--checkpoint-table", "pitr-checkpoints", "--ledger-table", "pitr-ledger"),
            s -> {
              s.migrated();
              s.restored();
              s.pitr(s.copyBack());
              return s.runs("list", "--ledger-table", "pitr-ledger");
            }),
        new Scenario(
            "runs show --ledger-table",
            List.of("--ledger-table", "pitr-ledger"),
            s -> {
              s.migrated();
              return List.of(
                  "runs",
                  "show",
                  s.migrationRunId(),
                  "--ledger-table",
                  "pitr-ledger",
                  "--state-dir",
                  s.state());
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
