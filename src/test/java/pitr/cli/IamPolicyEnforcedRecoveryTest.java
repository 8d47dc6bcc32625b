package pitr.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import pitr.cli.IamScenarios.Scenario;

/**
 * The recovery commands (status, restore, diff, copy-back, drop, rollback, completion and drill),
 * each run against the embedded engine enforcing the policy {@code pitr iam-policy} prints for it,
 * and without each of its actions (see {@link IamScenarios}).
 */
class IamPolicyEnforcedRecoveryTest {
  @TempDir Path dir;

  static Stream<Scenario> scenarios() {
    return Stream.of(
        new Scenario(
            "status",
            List.of("--table", "orders"),
            s -> {
              s.restored();
              return List.of("status", "orders");
            }),
        new Scenario(
            "restore",
            List.of("--table", "orders"),
            s -> {
              Instant[] t = s.engine().incident();
              return List.of("restore", "orders", "--to", t[0].toString());
            }),
        new Scenario(
            "diff",
            List.of("--table", "orders"),
            s -> {
              s.restored();
              return List.of("diff", "orders-recovery-aaa111", "orders");
            }),
        new Scenario(
            "copy-back",
            List.of("--table", "orders", "--checkpoint-table", "pitr-checkpoints"),
            s -> {
              s.restored();
              return s.copyBack("--delete-extra");
            }),
        new Scenario(
            "drop",
            List.of("--table", "orders"),
            s -> {
              s.restored();
              return List.of("drop", "orders-recovery-aaa111", "--yes", "--state-dir", s.state());
            }),
        new Scenario(
            "rollback",
            List.of("--table", "orders"),
            s -> {
              Instant[] t = s.engine().incident();
              return List.of(
                  "rollback",
                  "orders",
                  "--to",
                  t[0].toString(),
                  "--delete-extra",
                  "--yes",
                  "--state-dir",
                  s.state());
            }),
        new Scenario(
            "completion",
            List.of(),
            s -> {
              s.engine().createWithPitr("orders");
              return List.of("completion", "tables");
            }),
        new Scenario(
            "rollback",
            List.of("--table", "orders", "--checkpoint-table", "pitr-checkpoints"),
            s -> {
              Instant[] t = s.engine().incident();
              return List.of(
                  "rollback",
                  "orders",
                  "--to",
                  t[0].toString(),
                  "--delete-extra",
                  "--yes",
                  "--state-dir",
                  s.state(),
                  "--checkpoint-table",
                  "pitr-checkpoints");
            }),
        new Scenario(
            "drill",
            List.of("--table", "orders"),
            s -> {
              Path runbook = s.tinyRunbook();
              return List.of(
                  "drill",
                  runbook.toString(),
                  "--target",
                  "aws",
                  "--report",
                  runbook.resolveSibling("report").toString());
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
