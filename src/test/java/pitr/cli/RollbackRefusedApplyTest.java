package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import pitr.cli.IamScenarios.Scenario;

/**
 * A rollback whose apply is refused before its run is recorded (IAM denies creating the checkpoint
 * table, or one of the item writes its write proof makes on the live table), run against the
 * embedded engine enforcing the policy {@code pitr iam-policy} prints without that action: it
 * prints no resume command (there is no run to resume), but the command that applies the plan it
 * kept; run as printed once the policy is granted, that command rolls the table back and drops the
 * recovery tables. A call on the checkpoint table that the check before the first change proves
 * (describe, query, put) is refused before anything is restored or exported.
 */
class RollbackRefusedApplyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CHECKPOINTS = "pitr-checkpoints";

  @TempDir Path dir;

  static Stream<Scenario> checkpointed() {
    return Stream.of(
        IamPolicyEnforcedRecoveryTest.rollbackCheckpointedInTable(),
        IamPolicyEnforcedExportTest.checkpointedFromBucket(),
        IamPolicyEnforcedExportTest.checkpointedFromOneExport());
  }

  /**
   * Each checkpointed rollback without CreateTable on its checkpoint table, which does not exist
   * yet: the only call on it the check before the first change leaves to the apply (it creates the
   * table when the run is opened).
   */
  static Stream<Arguments> checkpointDenials() {
    return checkpointed().map(s -> Arguments.of(s, "Checkpoints", "dynamodb:CreateTable"));
  }

  /**
   * Each checkpointed rollback without each call the check before the first change makes on its
   * checkpoint table: describing it, querying it, and a put that lands nothing.
   */
  static Stream<Arguments> checkedDenials() {
    return checkpointed()
        .flatMap(
            s ->
                Stream.of("dynamodb:DescribeTable", "dynamodb:Query", "dynamodb:PutItem")
                    .map(a -> Arguments.of(s, a)));
  }

  /**
   * Each rollback (checkpoints in a table or in the state folder) without each item write it makes
   * on the live table: the write proof refuses it.
   */
  static Stream<Arguments> writeDenials() {
    return Stream.concat(
            checkpointed(), Stream.of(IamPolicyEnforcedRecoveryTest.rollbackCheckpointedLocally()))
        .flatMap(
            s ->
                Stream.of("dynamodb:PutItem", "dynamodb:DeleteItem")
                    .map(a -> Arguments.of(s, "Tables", a)));
  }

  static Stream<Arguments> denials() {
    return Stream.concat(checkpointDenials(), writeDenials());
  }

  @ParameterizedTest(name = "{0} without {2} on {1}")
  @MethodSource("denials")
  void rollback_refusedBeforeItsRunIsRecorded_namesTheApplyThatCompletesItOnceGranted(
      Scenario scenario, String sid, String action) throws Exception {
    ObjectNode granted = IamScenarios.policy(scenario);
    ObjectNode denied = without(granted, sid, action);
    Files.createDirectories(IamSetup.exports(dir).resolve(IamSetup.EXPORT_BUCKET));
    try (IamTestEngine engine = new IamTestEngine(IamSetup.exports(dir))) {
      IamSetup setup = new IamSetup(engine, dir);
      List<String> args = scenario.prepareAndArgs().apply(setup);
      engine.serve(JSON.writeValueAsString(denied));

      CliRun refused = engine.run(args.toArray(String[]::new));

      String resource =
          "arn:aws:dynamodb:us-east-1:000000000000:table/"
              + (sid.equals("Checkpoints") ? CHECKPOINTS : "orders");
      String endpoint = assertRefused(refused, action, resource, hintCommand(scenario, refused));
      List<String> recoveryTables =
          engine.tables().stream().filter(t -> t.startsWith("orders-recovery-")).toList();
      assertThat(recoveryTables).hasSize(scenario.command().equals("rollback") ? 1 : 0);
      String apply = assertNamesTheApply(refused, setup, scenario, endpoint, recoveryTables);
      assertThat(orders(engine)).as("the live table").contains("a=bad", "b=bad", "d=bad");
      engine.serve(JSON.writeValueAsString(granted));

      CliRun applied = engine.run(pasted(apply, endpoint));

      assertThat(applied.exitCode()).as(applied.out() + applied.err()).isZero();
      assertThat(applied.err()).doesNotContain("error:");
      assertThat(applied.out()).contains("\nApplying as run ");
      engine.serve(IamTestEngine.ALLOW_ALL);
      assertThat(orders(engine)).containsExactlyInAnyOrder("a=v1", "b=v1", "c=v1");
      assertThat(engine.tables()).as(applied.out()).noneMatch(t -> t.contains("-recovery-"));
      assertThat(Files.exists(Path.of(apply.split(" ")[3]))).as("the kept plan").isFalse();
    }
  }

  /**
   * A checkpointed rollback (from restored tables, from an export it requests, from an export made
   * before) whose credentials may not describe, query or put in the checkpoint table is refused
   * before its first change: exit 2 naming the call, the table and the policy to grant, and nothing
   * restored, exported, planned, kept or created; granted, the same command rolls the table back.
   */
  @ParameterizedTest(name = "{0} without {1}")
  @MethodSource("checkedDenials")
  void rollback_withoutACallTheCheckpointTableNeeds_isRefusedBeforeRestoringOrExporting(
      Scenario scenario, String action) throws Exception {
    ObjectNode granted = IamScenarios.policy(scenario);
    Files.createDirectories(IamSetup.exports(dir).resolve(IamSetup.EXPORT_BUCKET));
    try (IamTestEngine engine = new IamTestEngine(IamSetup.exports(dir))) {
      IamSetup setup = new IamSetup(engine, dir);
      List<String> args = scenario.prepareAndArgs().apply(setup);
      List<String> tables = engine.tables();
      int exports = exports(engine);
      engine.serve(JSON.writeValueAsString(without(granted, "Checkpoints", action)));

      CliRun refused = engine.run(args.toArray(String[]::new));

      String arn = args.contains("--export") ? args.get(args.indexOf("--export") + 1) : null;
      String hint =
          scenario.command().equals("rollback")
              ? "rollback"
              : arn != null
                  ? "rollback --source export --export " + arn
                  : "rollback --source export --bucket " + IamSetup.EXPORT_BUCKET;
      assertThat(refused.exitCode()).as(refused.out() + refused.err()).isEqualTo(2);
      assertThat(refused.err())
          .isEqualTo(
              "error: Access denied by "
                  + endpoint(refused)
                  + ": the credentials may not call "
                  + action
                  + " on arn:aws:dynamodb:us-east-1:000000000000:table/"
                  + CHECKPOINTS
                  + "; the denied call changed nothing. Grant it: 'pitr iam-policy "
                  + hint
                  + " --checkpoint-table "
                  + CHECKPOINTS
                  + " --table TABLE' prints the policy this command needs\n");
      assertThat(refused.out()).isEmpty();
      engine.serve(IamTestEngine.ALLOW_ALL);
      assertThat(engine.tables()).as("no recovery or checkpoint table").isEqualTo(tables);
      assertThat(exports(engine)).as("exports requested").isEqualTo(exports);
      assertThat(orders(engine)).as("the live table").contains("a=bad", "b=bad", "d=bad");
      assertThat(Path.of(setup.state()).resolve("rollbacks")).as("a kept plan").doesNotExist();
      engine.serve(JSON.writeValueAsString(granted));

      CliRun again = engine.run(args.toArray(String[]::new));

      assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
      engine.serve(IamTestEngine.ALLOW_ALL);
      assertThat(orders(engine)).containsExactlyInAnyOrder("a=v1", "b=v1", "c=v1");
    }
  }

  private static int exports(IamTestEngine engine) {
    return engine.admin().listExports(r -> {}).join().exportSummaries().size();
  }

  /**
   * {@code rollback --apply PLAN}, the command a refused rollback named, refused again before its
   * run is recorded, names itself again (with no resume command); granted, it completes.
   */
  @Test
  void rollbackApply_refusedAgainBeforeItsRunIsRecorded_namesItselfAgain() throws Exception {
    Scenario scenario = IamPolicyEnforcedRecoveryTest.rollbackCheckpointedInTable();
    ObjectNode granted = IamScenarios.policy(scenario);
    ObjectNode denied = without(granted, "Checkpoints", "dynamodb:CreateTable");
    Files.createDirectories(IamSetup.exports(dir).resolve(IamSetup.EXPORT_BUCKET));
    try (IamTestEngine engine = new IamTestEngine(IamSetup.exports(dir))) {
      IamSetup setup = new IamSetup(engine, dir);
      List<String> args = scenario.prepareAndArgs().apply(setup);
      engine.serve(JSON.writeValueAsString(denied));
      CliRun refused = engine.run(args.toArray(String[]::new));
      String endpoint = endpoint(refused);
      String apply = quoted(refused.out(), "apply the plan with '");

      CliRun again = engine.run(pasted(apply, endpoint));

      String resource = "arn:aws:dynamodb:us-east-1:000000000000:table/" + CHECKPOINTS;
      String recovery =
          engine.tables().stream().filter(t -> t.startsWith("orders-recovery-")).findFirst().get();
      assertThat(again.exitCode()).isEqualTo(2);
      assertThat(again.err())
          .isEqualTo(
              "error: Access denied by "
                  + endpoint(again)
                  + ": the credentials may not call dynamodb:CreateTable on "
                  + resource
                  + "; the denied call changed nothing. Grant it: 'pitr iam-policy rollback"
                  + " --checkpoint-table "
                  + CHECKPOINTS
                  + " --table TABLE' prints the policy this command needs\n");
      assertThat(again.out())
          .doesNotContain("Applying as run")
          .endsWith(
              "Nothing was written to orders: the apply ended before its run was recorded, so"
                  + " there is no run to resume; once the error is fixed, apply the plan with '"
                  + apply.replace(endpoint, endpoint(again))
                  + "', which drops the recovery table "
                  + recovery
                  + " when the rollback completes\n");
      engine.serve(JSON.writeValueAsString(granted));

      CliRun applied = engine.run(pasted(apply, endpoint));

      assertThat(applied.exitCode()).as(applied.out() + applied.err()).isZero();
      assertThat(applied.out()).contains("Dropped recovery tables: " + recovery);
      engine.serve(IamTestEngine.ALLOW_ALL);
      assertThat(orders(engine)).containsExactlyInAnyOrder("a=v1", "b=v1", "c=v1");
      assertThat(engine.tables()).noneMatch(t -> t.contains("-recovery-"));
    }
  }

  /**
   * A rollback told to keep its recovery tables ({@code --keep}), refused before its run is
   * recorded, names the apply with {@code --keep}: run as printed once granted, it completes and
   * the recovery table stays.
   */
  @Test
  void rollbackWithKeep_refusedBeforeItsRunIsRecorded_namesTheApplyWithKeep() throws Exception {
    Scenario plain = IamPolicyEnforcedRecoveryTest.rollbackCheckpointedInTable();
    Scenario scenario =
        new Scenario(
            plain.command(),
            plain.policyArgs(),
            s -> {
              List<String> args = new ArrayList<>(plain.prepareAndArgs().apply(s));
              args.add("--keep");
              return args;
            });
    ObjectNode granted = IamScenarios.policy(scenario);
    Files.createDirectories(IamSetup.exports(dir).resolve(IamSetup.EXPORT_BUCKET));
    try (IamTestEngine engine = new IamTestEngine(IamSetup.exports(dir))) {
      IamSetup setup = new IamSetup(engine, dir);
      List<String> args = scenario.prepareAndArgs().apply(setup);
      engine.serve(
          JSON.writeValueAsString(without(granted, "Checkpoints", "dynamodb:CreateTable")));
      CliRun refused = engine.run(args.toArray(String[]::new));
      String endpoint = endpoint(refused);
      String apply = quoted(refused.out(), "apply the plan with '");
      String recovery =
          engine.tables().stream().filter(t -> t.startsWith("orders-recovery-")).findFirst().get();

      assertThat(refused.exitCode()).isEqualTo(2);
      assertThat(apply).contains("plan.jsonl --keep ");
      assertThat(refused.out()).doesNotContain("drops the recovery table");
      engine.serve(JSON.writeValueAsString(granted));

      CliRun applied = engine.run(pasted(apply, endpoint));

      assertThat(applied.exitCode()).as(applied.out() + applied.err()).isZero();
      assertThat(applied.out()).contains("Kept recovery tables: " + recovery);
      engine.serve(IamTestEngine.ALLOW_ALL);
      assertThat(orders(engine)).containsExactlyInAnyOrder("a=v1", "b=v1", "c=v1");
      assertThat(engine.tables()).contains(recovery);
    }
  }

  /**
   * The policy command a refused {@code rollback --source export --export ARN} (no {@code
   * --bucket}) names is refused saying which bucket to name and where to find it; with that bucket
   * it prints the policy that lets the rollback through.
   */
  @Test
  void rollbackFromOneExport_refused_namesAPolicyCommandThatSaysWhichBucketToName()
      throws Exception {
    Scenario scenario = IamPolicyEnforcedExportTest.checkpointedFromOneExport();
    ObjectNode granted = IamScenarios.policy(scenario);
    CliRun refused =
        IamScenarios.ran(scenario, without(granted, "Checkpoints", "dynamodb:Query"), dir).run();
    String hint = quoted(refused.err(), "Grant it: '");
    String arn = hint.replaceFirst(".* --export (\\S+) .*", "$1");
    List<String> args =
        new ArrayList<>(
            List.of(
                hint.substring("pitr ".length())
                    .replace("--table TABLE", "--table orders")
                    .split(" ")));
    args.addAll(List.of("--account-id", "000000000000", "--region", "us-east-1"));
    CliRun policy = new CliRun();

    assertThat(policy.execute(args.toArray(String[]::new))).isEqualTo(2);

    assertThat(policy.err())
        .isEqualTo(
            "error: 'rollback --source export --export "
                + arn
                + "' reads that export's files in S3: name the bucket it was written to with"
                + " --bucket (and its key prefix with --prefix); 'aws dynamodb describe-export"
                + " --export-arn "
                + arn
                + "' shows them as S3Bucket and S3Prefix\n");
    args.addAll(List.of("--bucket", IamSetup.EXPORT_BUCKET));
    CliRun withBucket = new CliRun();
    assertThat(withBucket.execute(args.toArray(String[]::new))).as(withBucket.err()).isZero();
    ObjectNode printed = (ObjectNode) JSON.readTree(withBucket.out());
    for (JsonNode statement : granted.get("Statement")) {
      if (!statement.get("Sid").asText().equals("Exports")) {
        assertThat(printed.get("Statement")).contains(statement);
      }
    }
  }

  /** {@code policy} without {@code action} in its statement {@code sid}. */
  private static ObjectNode without(ObjectNode policy, String sid, String action) {
    ObjectNode reduced = policy.deepCopy();
    for (JsonNode s : reduced.get("Statement")) {
      if (s.get("Sid").asText().equals(sid)) {
        ArrayNode actions = (ArrayNode) s.get("Action");
        for (int i = 0; i < actions.size(); i++) {
          if (actions.get(i).asText().equals(action)) {
            actions.remove(i);
            return reduced;
          }
        }
      }
    }
    throw new AssertionError("no " + action + " in statement " + sid + " of " + policy);
  }

  /** What {@code pitr iam-policy} is named with in the refusal's hint. */
  private static String hintCommand(Scenario scenario, CliRun refused) {
    if (scenario.command().equals("rollback")) {
      return "rollback"
          + (scenario.policyArgs().contains("--checkpoint-table")
              ? " --checkpoint-table " + CHECKPOINTS
              : "");
    }
    String export = refused.err().replaceFirst("(?s)^exporting (\\S+): .*", "$1");
    return (scenario.command().endsWith("--export")
            ? "rollback --source export --export " + export
            : "rollback --source export --bucket " + IamSetup.EXPORT_BUCKET)
        + " --checkpoint-table "
        + CHECKPOINTS;
  }

  /**
   * The refusal's exact stderr: the planning's progress, then the access-denied error naming the
   * action, the resource and the policy to grant; exit 2. Returns the engine's endpoint.
   */
  private static String assertRefused(
      CliRun refused, String action, String resource, String hintCommand) {
    String endpoint = endpoint(refused);
    assertThat(refused.exitCode()).as(refused.out() + refused.err()).isEqualTo(2);
    assertThat(refused.err())
        .matches(
            "(?s)(exporting [^\\n]*\\n)?summary command=rollback-plan [^\\n]*\\n"
                + Pattern.quote(
                    "error: Access denied by "
                        + endpoint
                        + ": the credentials may not call "
                        + action
                        + " on "
                        + resource
                        + "; the denied call changed nothing. Grant it: 'pitr iam-policy "
                        + hintCommand
                        + " --table TABLE' prints the policy this command needs\n"));
    return endpoint;
  }

  /**
   * Stdout after the plan: no resume command, and exactly the command that applies the kept plan in
   * the state folder (with the target and checkpoint options) and drops the recovery tables.
   * Returns that command.
   */
  private static String assertNamesTheApply(
      CliRun refused,
      IamSetup setup,
      Scenario scenario,
      String endpoint,
      List<String> recoveryTables) {
    String out = refused.out();
    String after = out.substring(out.indexOf("  estimate "));
    String checkpoints =
        scenario.policyArgs().contains("--checkpoint-table")
            ? " --checkpoint-table " + CHECKPOINTS
            : "";
    assertThat(after)
        .doesNotContain("--resume")
        .matches(
            "(?s)  estimate [^\\n]*\\n"
                + Pattern.quote(
                    "Nothing was written to orders: the apply ended before its run was recorded,"
                        + " so there is no run to resume; once the error is fixed, apply the plan"
                        + " with 'pitr rollback --apply "
                        + setup.state()
                        + "/rollbacks/")
                + "[0-9a-f]+"
                + Pattern.quote(
                    "/plan.jsonl --state-dir "
                        + setup.state()
                        + checkpoints
                        + " --endpoint-url "
                        + endpoint
                        + "'"
                        + (recoveryTables.isEmpty()
                            ? ""
                            : ", which drops the recovery table "
                                + recoveryTables.get(0)
                                + " when the rollback completes")
                        + "\n"));
    return quoted(out, "apply the plan with '");
  }

  /** The command quoted after {@code lead} in {@code text}. */
  private static String quoted(String text, String lead) {
    Matcher m = Pattern.compile(Pattern.quote(lead) + "([^']+)'").matcher(text);
    assertThat(m.find()).as(text).isTrue();
    return m.group(1);
  }

  private static String endpoint(CliRun run) {
    Matcher m =
        Pattern.compile("Access denied by (http://127\\.0\\.0\\.1:\\d+)").matcher(run.err());
    assertThat(m.find()).as(run.err()).isTrue();
    return m.group(1);
  }

  /**
   * {@code command} as an operator pastes it: its words after {@code pitr}, but {@code
   * --endpoint-url}, whose value changes only because the fixture serves each policy on a new port
   * (the engine and its tables are the same); {@link IamTestEngine#run} adds the current one.
   */
  private static String[] pasted(String command, String endpoint) {
    assertThat(command).startsWith("pitr ").contains(" --endpoint-url " + endpoint);
    List<String> words =
        new ArrayList<>(
            List.of(
                command
                    .substring("pitr ".length())
                    .replace(" --endpoint-url " + endpoint, "")
                    .split(" ")));
    return words.toArray(String[]::new);
  }

  private static List<String> orders(IamTestEngine engine) {
    return engine
        .admin()
        .scan(r -> r.tableName("orders").consistentRead(true))
        .join()
        .items()
        .stream()
        .map(i -> i.get("pk").s() + "=" + i.get("v").s())
        .toList();
  }
}
