package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import pitr.iam.CommandPermissions;

/**
 * Each DynamoDB command of the IAM catalogue, run against the embedded engine enforcing the policy
 * {@code pitr iam-policy} prints for it: it succeeds under that policy, and fails, naming the
 * missing permission and the fix, under the policy without any one of its actions. The test classes
 * {@code IamPolicyEnforced*Test} give the scenarios, by command family.
 */
final class IamScenarios {
  private IamScenarios() {}

  /**
   * A command to check: its policy's name, the arguments of {@code pitr iam-policy} that name its
   * tables and options, how to set the engine up, its arguments.
   */
  record Scenario(
      String command, List<String> policyArgs, Function<IamSetup, List<String>> prepareAndArgs) {
    @Override
    public String toString() {
      return command;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What drill's policy (the union of what any runbook's steps call) allows that the tiny runbook
   * of the drill scenario does not call: no migration, TTL, point read, query, update or table
   * drop.
   */
  private static final List<String> DRILL_UNUSED_BY_TINY_RUNBOOK =
      List.of(
          "TABLES dynamodb:DeleteTable",
          "TABLES dynamodb:DescribeTimeToLive",
          "TABLES dynamodb:GetItem",
          "TABLES dynamodb:Query",
          "TABLES dynamodb:UpdateItem",
          "TABLES dynamodb:UpdateTimeToLive",
          "LEDGER dynamodb:ConditionCheckItem",
          "LEDGER dynamodb:CreateTable",
          "LEDGER dynamodb:DescribeTable",
          "LEDGER dynamodb:PutItem",
          "LEDGER dynamodb:Query",
          "LEDGER dynamodb:UpdateItem",
          "JOURNAL dynamodb:BatchWriteItem",
          "JOURNAL dynamodb:CreateTable",
          "JOURNAL dynamodb:DescribeTable",
          "JOURNAL dynamodb:Query",
          "JOURNAL dynamodb:UpdateItem");

  /**
   * Actions of the migration API a migration may call but the example migration 0001 (set a price
   * on every car: a scan and updates) does not.
   */
  private static final Set<String> UNUSED_BY_MIGRATION_0001 =
      Set.of("dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:Query");

  /** The scope of a statement from its Sid, e.g. RecoveryTables to RECOVERY_TABLES. */
  private static String scope(String sid) {
    return sid.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
  }

  /** The policy {@code pitr iam-policy} prints for the scenario, pinned to the engine's ARNs. */
  static ObjectNode policy(Scenario scenario) throws Exception {
    // The ARN of a "--export" variant and the table of a "--ledger-table" one are among the policy
    // arguments.
    List<String> args =
        new ArrayList<>(
            List.of(
                scenario
                    .command()
                    .replace(" --export", "")
                    .replace(" --ledger-table", "")
                    .split(" ")));
    args.addAll(scenario.policyArgs());
    return IamTestEngine.printedPolicy(args);
  }

  /** How a scenario's command ended, and whether the items of the operator's tables changed. */
  record Ran(CliRun run, boolean changed) {}

  /** Sets a new engine up for {@code scenario}, then runs it under {@code policy}. */
  private static CliRun runUnder(Scenario scenario, JsonNode policy, Path folder) throws Exception {
    return ran(scenario, policy, folder).run();
  }

  /**
   * As {@link #runUnder}, noting whether the items of the operator's tables (not pitr's ledger,
   * journal, checkpoints or recovery tables) changed.
   */
  static Ran ran(Scenario scenario, JsonNode policy, Path folder) throws Exception {
    java.nio.file.Files.createDirectories(IamSetup.exports(folder).resolve(IamSetup.EXPORT_BUCKET));
    try (IamTestEngine engine = new IamTestEngine(IamSetup.exports(folder))) {
      IamSetup setup = new IamSetup(engine, folder);
      List<String> args = scenario.prepareAndArgs().apply(setup);
      var before = operatorItems(engine);
      engine.serve(JSON.writeValueAsString(policy));
      CliRun run =
          engine.run(setup.env().isEmpty() ? null : setup.env(), args.toArray(String[]::new));
      engine.serve(IamTestEngine.ALLOW_ALL);
      return new Ran(run, !operatorItems(engine).equals(before));
    }
  }

  /** Every item of each table but pitr's own, by table. */
  private static java.util.Map<String, java.util.Set<Object>> operatorItems(IamTestEngine engine) {
    java.util.Map<String, java.util.Set<Object>> all = new java.util.TreeMap<>();
    for (String table : engine.tables()) {
      if (table.startsWith("pitr-") || table.contains("-recovery-")) {
        continue;
      }
      all.put(
          table,
          java.util.Set.copyOf(
              engine.admin().scan(r -> r.tableName(table).consistentRead(true)).join().items()));
    }
    return all;
  }

  /** Runs {@code scenario} under the policy printed for it, in {@code dir}: it succeeds. */
  static void assertSucceedsUnderItsOwnPolicy(Scenario scenario, Path dir) throws Exception {
    CliRun run = runUnder(scenario, policy(scenario), dir);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).doesNotContain("error:").doesNotContain("Access denied");
    // What a command only says on stdout (a clean-up it could not do) counts as well.
    assertThat(run.out()).doesNotContain("Access denied").doesNotContain("Could not");
  }

  /**
   * Runs {@code scenario} under its policy without each DynamoDB action in turn, each in a folder
   * of {@code dir}: it fails naming that permission, unless the action is optional for it, and
   * leaves the operator's tables as they were.
   */
  static void assertFailsWithoutAnyOneOfItsActions(Scenario scenario, Path dir) throws Exception {
    ObjectNode full = policy(scenario);
    ArrayNode statements = (ArrayNode) full.get("Statement");
    List<String> unneeded = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    int run = 0;
    for (int s = 0; s < statements.size(); s++) {
      ArrayNode actions = (ArrayNode) statements.get(s).get("Action");
      for (int a = 0; a < actions.size(); a++) {
        String action = actions.get(a).asText();
        if (!action.startsWith("dynamodb:")) {
          // The engine enforces DynamoDB's actions; IamS3GrantsTest checks S3's.
          continue;
        }
        ObjectNode reduced = full.deepCopy();
        ArrayNode reducedActions = (ArrayNode) reduced.get("Statement").get(s).get("Action");
        reducedActions.remove(a);
        if (reducedActions.isEmpty()) {
          ((ArrayNode) reduced.get("Statement")).remove(s);
        }
        String sid = statements.get(s).get("Sid").asText();
        String scoped = scope(sid) + " " + action;
        Ran ran = ran(scenario, reduced, dir.resolve("run" + run++));
        CliRun result = ran.run();
        if (!result.err().contains("error:")) {
          if (!CommandPermissions.optional(scenario.command()).containsKey(scoped)) {
            unneeded.add(scoped);
          }
          continue;
        }
        assertThat(result.err())
            .as("%s without %s on %s", scenario.command(), action, sid)
            .contains(action)
            .containsAnyOf("pitr iam-policy " + scenario.command(), "grant " + action);
        if (ran.changed()) {
          changed.add(scoped);
        }
      }
    }
    if (!scenario.command().equals("drill")) {
      // The drill creates and fills its own tables before anything is denied.
      // Every command proves the writes it will make (items, ledger, journal, checkpoints) before
      // its first item write, so a denial leaves the operator's items as they were.
      assertThat(changed)
          .as("denials after which %s had changed the operator's tables", scenario.command())
          .isEmpty();
    }
    if (scenario.command().startsWith("migrate dev")
        || scenario.command().startsWith("migrate prod")
        || scenario.command().startsWith("migrate resume")) {
      unneeded.removeIf(
          u -> u.startsWith("TABLES ") && UNUSED_BY_MIGRATION_0001.contains(u.substring(7)));
    }
    if (scenario.command().equals("drill")) {
      assertThat(unneeded)
          .as("actions the tiny runbook ran without")
          .containsExactlyInAnyOrderElementsOf(DRILL_UNUSED_BY_TINY_RUNBOOK);
      return;
    }
    assertThat(unneeded).as("actions the command ran without").isEmpty();
  }
}
