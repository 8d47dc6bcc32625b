package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import pitr.cli.IamScenarios.Scenario;

/**
 * The commands that request or read exports (export, changes, and rollbacks planned from exports),
 * each run against the embedded engine enforcing the policy {@code pitr iam-policy} prints for it,
 * and without each of its actions (see {@link IamScenarios}).
 */
class IamPolicyEnforcedExportTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  static Stream<Scenario> scenarios() {
    return Stream.of(
        new Scenario(
            "export",
            List.of("--table", "orders", "--bucket", IamSetup.EXPORT_BUCKET),
            s -> s.exportArgs(IamTestEngine.exportOf(s.engine().incident()))),
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
        checkpointedFromBucket(),
        checkpointedFromOneExport(),
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

  /** The checkpoint table of the checkpointed scenarios. */
  private static final String CHECKPOINTS = "pitr-checkpoints";

  /**
   * {@code rollback --source export --bucket B --checkpoint-table T}: the export of the incident's
   * window requested, read, and applied with its run kept in T.
   */
  static Scenario checkpointedFromBucket() {
    return new Scenario(
        "rollback --source export",
        List.of(
            "--table",
            "orders",
            "--bucket",
            IamSetup.EXPORT_BUCKET,
            "--checkpoint-table",
            CHECKPOINTS),
        s ->
            s.exportArgs(
                IamTestEngine.rollbackFromExportOf(
                    s.engine().incident(), s.state(), "--checkpoint-table", CHECKPOINTS)));
  }

  /**
   * {@code rollback --source export --export ARN --checkpoint-table T}: an export made before, read
   * and applied with its run kept in T.
   */
  static Scenario checkpointedFromOneExport() {
    return new Scenario(
        "rollback --source export --export",
        List.of(
            "--table",
            "orders",
            "--bucket",
            IamSetup.EXPORT_BUCKET,
            "--export",
            IamSetup.ANY_EXPORT,
            "--checkpoint-table",
            CHECKPOINTS),
        s -> {
          Instant[] t = s.engine().incident();
          String arn = s.engine().exportMadeBefore(t);
          return s.readingExports(
              IamTestEngine.rollbackFromExportOf(t, s.state(), "--checkpoint-table", CHECKPOINTS),
              "--export",
              arn);
        });
  }

  static Stream<Scenario> checkpointed() {
    return Stream.of(checkpointedFromBucket(), checkpointedFromOneExport());
  }

  /** What a rollback from an export does in its checkpoint table, as its policy grants it. */
  private static final List<String> CHECKPOINT_ACTIONS =
      List.of(
          "dynamodb:CreateTable", "dynamodb:DescribeTable", "dynamodb:PutItem", "dynamodb:Query");

  /** Each checkpointed scenario without each action its policy grants on the checkpoint table. */
  static Stream<Arguments> checkpointDenials() {
    return checkpointed().flatMap(s -> CHECKPOINT_ACTIONS.stream().map(a -> Arguments.of(s, a)));
  }

  /** The statement of {@code policy} with Sid {@code sid}. */
  private static ObjectNode statement(ObjectNode policy, String sid) {
    for (JsonNode s : policy.get("Statement")) {
      if (s.get("Sid").asText().equals(sid)) {
        return (ObjectNode) s;
      }
    }
    throw new AssertionError("no statement " + sid + " in " + policy);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("checkpointed")
  void rollbackFromExport_withCheckpointTable_grantsTheCheckpointRunOnThatTableOnly(
      Scenario scenario) throws Exception {
    ObjectNode checkpoints = statement(IamScenarios.policy(scenario), "Checkpoints");

    assertThat(checkpoints.get("Action"))
        .extracting(JsonNode::asText)
        .containsExactlyElementsOf(CHECKPOINT_ACTIONS);
    assertThat(checkpoints.get("Resource").asText())
        .isEqualTo("arn:aws:dynamodb:us-east-1:000000000000:table/" + CHECKPOINTS);
  }

  /**
   * Under exactly its printed policy, the rollback completes: the live table is as at T0 and the
   * run is kept in the checkpoint table.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("checkpointed")
  void rollbackFromExport_withCheckpointTable_underItsOwnPolicy_rollsBackAndKeepsItsRun(
      Scenario scenario) throws Exception {
    java.nio.file.Files.createDirectories(IamSetup.exports(dir).resolve(IamSetup.EXPORT_BUCKET));
    try (IamTestEngine engine = new IamTestEngine(IamSetup.exports(dir))) {
      List<String> args = scenario.prepareAndArgs().apply(new IamSetup(engine, dir));
      engine.serve(JSON.writeValueAsString(IamScenarios.policy(scenario)));

      CliRun run = engine.run(args.toArray(String[]::new));

      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.err()).doesNotContain("error:");
      engine.serve(IamTestEngine.ALLOW_ALL);
      assertThat(engine.admin().scan(r -> r.tableName("orders")).join().items())
          .extracting(i -> i.get("pk").s() + "=" + i.get("v").s())
          .containsExactlyInAnyOrder("a=v1", "b=v1", "c=v1");
      assertThat(engine.admin().scan(r -> r.tableName(CHECKPOINTS)).join().items()).isNotEmpty();
    }
  }

  /**
   * Without any one of the checkpoint table's actions, the rollback is refused (exit 2) naming the
   * permission, the table, and the {@code pitr iam-policy} command that prints its policy, before
   * any item of the live table is written.
   */
  @ParameterizedTest(name = "{0} without {1}")
  @MethodSource("checkpointDenials")
  void rollbackFromExport_withoutACheckpointTableAction_isRefusedBeforeWritingTheLiveTable(
      Scenario scenario, String action) throws Exception {
    ObjectNode policy = IamScenarios.policy(scenario);
    ArrayNode actions = (ArrayNode) statement(policy, "Checkpoints").get("Action");
    actions.remove(CHECKPOINT_ACTIONS.indexOf(action));

    IamScenarios.Ran ran = IamScenarios.ran(scenario, policy, dir);

    String err = ran.run().err();
    // The export made before is named by the ARN the command was given, which the refusal
    // repeats; all but CreateTable are refused before that export is read.
    String variant =
        scenario.command().endsWith("--export")
            ? java.util.regex.Pattern.quote("rollback --source export --export ")
                + "arn:aws:dynamodb:\\S+/export/\\S+"
            : java.util.regex.Pattern.quote(
                "rollback --source export --bucket " + IamSetup.EXPORT_BUCKET);
    assertThat(ran.run().exitCode()).as(err).isEqualTo(2);
    assertThat(err.substring(err.lastIndexOf("error: ")))
        .matches(
            java.util.regex.Pattern.quote("error: Access denied by http://127.0.0.1:")
                + "\\d+"
                + java.util.regex.Pattern.quote(
                    ": the credentials may not call "
                        + action
                        + " on arn:aws:dynamodb:us-east-1:000000000000:table/"
                        + CHECKPOINTS
                        + "; the denied call changed nothing. Grant it: 'pitr iam-policy ")
                + variant
                + java.util.regex.Pattern.quote(
                    " --checkpoint-table "
                        + CHECKPOINTS
                        + " --table TABLE' prints the policy this command needs\n"));
    assertThat(ran.changed()).as("the live table changed").isFalse();
  }

  /**
   * {@code migrate rollback --source export --export ARN} calls nothing: one export is of one
   * table, and a run may have written several, so it is refused before any request, whatever the
   * policy; the policy of {@code migrate rollback --source export} (with {@code --bucket}) is the
   * one to grant.
   */
  @Test
  void migrateRollbackFromOneExport_underAPolicyAllowingNothing_isRefusedBeforeAnyCall()
      throws Exception {
    java.nio.file.Files.createDirectories(IamSetup.exports(dir).resolve(IamSetup.EXPORT_BUCKET));
    try (IamTestEngine engine = new IamTestEngine(IamSetup.exports(dir))) {
      IamSetup s = new IamSetup(engine, dir);
      Path m = s.newCarMigrated();
      engine.clock.advance(Duration.ofMinutes(20));
      String arn =
          "arn:aws:dynamodb:us-east-1:000000000000:table/cars/export/01234567890123-a1b2c3d4";
      var before = engine.admin().scan(r -> r.tableName("cars")).join().items();
      engine.serve(NOTHING_ALLOWED);

      CliRun run =
          engine.run(
              s.readingExports(s.migrateRollback(m, "--source", "export"), "--export", arn)
                  .toArray(String[]::new));

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err())
          .isEqualTo(
              "error: --export names one export of one table, and 'pitr migrate rollback' exports"
                  + " every table the run wrote from its restore point; pass --bucket BUCKET"
                  + " instead\n");
      engine.serve(IamTestEngine.ALLOW_ALL);
      assertThat(engine.admin().scan(r -> r.tableName("cars")).join().items())
          .containsExactlyInAnyOrderElementsOf(before);
    }
  }

  /** A policy that allows no action on any table pitr touches. */
  private static final String NOTHING_ALLOWED =
      "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"dynamodb:DescribeLimits\","
          + "\"Resource\":\"*\"}}";

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
