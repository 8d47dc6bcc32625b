package pitr.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
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
  private static final String CHECKPOINTS = "pitr-checkpoints";

  @TempDir Path dir;

  /**
   * {@code rollback orders --to T0 --delete-extra} from restored tables, checkpointed in the state
   * folder.
   */
  static Scenario rollbackCheckpointedLocally() {
    return new Scenario("rollback", List.of("--table", "orders"), s -> rollbackArgs(s));
  }

  /** As {@link #rollbackCheckpointedLocally()}, its run kept in the checkpoint table. */
  static Scenario rollbackCheckpointedInTable() {
    return new Scenario(
        "rollback",
        List.of("--table", "orders", "--checkpoint-table", CHECKPOINTS),
        s -> {
          List<String> args = new ArrayList<>(rollbackArgs(s));
          args.addAll(List.of("--checkpoint-table", CHECKPOINTS));
          return args;
        });
  }

  private static List<String> rollbackArgs(IamSetup s) {
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
  }

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
        rollbackCheckpointedLocally(),
        new Scenario(
            "completion",
            List.of(),
            s -> {
              s.engine().createWithPitr("orders");
              return List.of("completion", "tables");
            }),
        rollbackCheckpointedInTable(),
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
