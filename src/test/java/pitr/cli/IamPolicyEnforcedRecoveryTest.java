package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
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

  /**
   * {@code copy-back --delete-extra} checkpointed in a table, without each call its check before
   * the first change makes there (describe, query, a put that lands nothing): refused (exit 2) with
   * the access-denied error alone, before the copy is announced or anything is counted or written.
   */
  @ParameterizedTest(name = "without {0}")
  @ValueSource(strings = {"dynamodb:DescribeTable", "dynamodb:Query", "dynamodb:PutItem"})
  void copyBack_withoutACallTheCheckpointTableNeeds_isRefusedBeforeReadingOrWriting(String action)
      throws Exception {
    Scenario copyBack =
        scenarios().filter(s -> s.command().equals("copy-back")).findFirst().orElseThrow();
    ObjectNode policy = IamScenarios.policy(copyBack);
    for (JsonNode statement : policy.get("Statement")) {
      if (statement.get("Sid").asText().equals("Checkpoints")) {
        ArrayNode actions = (ArrayNode) statement.get("Action");
        for (int i = 0; i < actions.size(); i++) {
          if (actions.get(i).asText().equals(action)) {
            actions.remove(i);
          }
        }
      }
    }

    IamScenarios.Ran ran = IamScenarios.ran(copyBack, policy, dir);

    CliRun run = ran.run();
    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.err())
        .matches(
            Pattern.quote("error: Access denied by http://127.0.0.1:")
                + "\\d+"
                + Pattern.quote(
                    ": the credentials may not call "
                        + action
                        + " on arn:aws:dynamodb:us-east-1:000000000000:table/"
                        + CHECKPOINTS
                        + "; the denied call changed nothing. Grant it: 'pitr iam-policy"
                        + " copy-back --checkpoint-table "
                        + CHECKPOINTS
                        + " --table TABLE' prints the policy this command needs\n"));
    assertThat(run.out()).isEmpty();
    assertThat(ran.changed()).as("the live table changed").isFalse();
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
