package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import pitr.cli.IamScenarios.Scenario;
import pitr.copy.RunJob;
import pitr.copy.TableCheckpoints;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.MotoServer;
import pitr.migrate.JobSubmission;
import pitr.migrate.MigrationEnvironment;
import reactor.core.scheduler.Schedulers;

/**
 * {@code pitr logs} of a migration submitted to AWS Batch, found by its name in the ledger (or,
 * with {@code --checkpoint-table}, looked for as a run id first): run against the embedded engine
 * enforcing the policy {@code pitr iam-policy logs} prints, and without each of its DynamoDB
 * actions (see {@link IamScenarios}). The job is in moto, which does not enforce IAM: the policy's
 * {@code batch:DescribeJobs} and {@code logs:GetLogEvents} are what the command calls there.
 */
class IamPolicyEnforcedLogsTest {
  @TempDir static Path motoDir;
  @TempDir Path dir;
  private static MotoBatch moto;
  private static String job;

  @BeforeAll
  static void startMoto() throws Exception {
    Assumptions.assumeTrue(MotoServer.executable().isPresent(), "moto_server is not on PATH");
    moto = MotoBatch.start(motoDir);
    moto.createQueue("logs-q");
    moto.batch.registerJobDefinition(
        r ->
            r.jobDefinitionName("pitr")
                .type("container")
                .containerProperties(c -> c.image("pitr:test").vcpus(1).memory(2048)));
    job =
        moto.batch
            .submitJob(r -> r.jobName("cars").jobQueue("logs-q").jobDefinition("pitr"))
            .jobId();
  }

  @AfterAll
  static void stopMoto() {
    if (moto != null) {
      moto.close();
    }
  }

  /**
   * Ledger {@code ledger} recording the submission of migration 0001 as {@link #job}, and Batch and
   * CloudWatch Logs calls sent to moto.
   */
  private static void submitted(IamSetup s, String ledger) {
    MigrationEnvironment env =
        MigrationEnvironment.create(
            s.engine().admin(),
            Clock.systemUTC(),
            Schedulers.parallel(),
            MigrationEnvironment.Settings.defaults("local").withTables(ledger, "pitr-journal"));
    env.submissions()
        .checkTables()
        .then(
            env.submissions()
                .record(
                    new JobSubmission(
                        "0001_cars_get_a_price",
                        Instant.now(),
                        "ann",
                        "logs-q",
                        "cars",
                        job,
                        null,
                        null)))
        .block();
    s.env().putAll(moto.env());
  }

  static Stream<Scenario> scenarios() {
    return Stream.of(
        new Scenario(
            "logs",
            List.of(),
            s -> {
              submitted(s, "pitr-ledger");
              return List.of("logs", "0001");
            }),
        new Scenario(
            "logs --ledger-table",
            List.of("--ledger-table", "ops-ledger"),
            s -> {
              submitted(s, "ops-ledger");
              return List.of("logs", "0001", "--ledger-table", "ops-ledger");
            }),
        new Scenario(
            "logs",
            List.of("--checkpoint-table", "pitr-checkpoints"),
            s -> {
              submitted(s, "pitr-ledger");
              // Another run's job: 0001 is no run id there, so the ledger is read next.
              TableCheckpoints.in(
                      DynamoDbGateway.create(s.engine().admin(), "local"), "pitr-checkpoints")
                  .saveJob("r0", new RunJob(job, "logs-q", 1, Instant.now(), List.of("copy-back")))
                  .block();
              return List.of("logs", "0001", "--checkpoint-table", "pitr-checkpoints");
            }));
  }

  @Test
  void logs_deniedQueryOnTheLedger_namesThePermissionAndThePolicyThatHasIt() {
    try (IamTestEngine engine = new IamTestEngine()) {
      IamSetup s = new IamSetup(engine, dir);
      submitted(s, "ops-ledger");
      engine.serve(
          "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"dynamodb:DescribeTable\","
              + "\"Resource\":\"*\"}}");

      CliRun run = engine.run(s.env(), "logs", "0001", "--ledger-table", "ops-ledger");

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err())
          .startsWith("error: Access denied by http://127.0.0.1:")
          .endsWith(
              ": the credentials may not call dynamodb:Query on"
                  + " arn:aws:dynamodb:us-east-1:000000000000:table/ops-ledger; the denied call"
                  + " changed nothing. Grant it: 'pitr iam-policy logs --ledger-table ops-ledger'"
                  + " prints the policy this command needs\n");
      assertThat(run.out()).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0} {index}")
  @MethodSource("scenarios")
  void command_underItsOwnPolicy_succeeds(Scenario scenario) throws Exception {
    IamScenarios.assertSucceedsUnderItsOwnPolicy(scenario, dir);
  }

  @ParameterizedTest(name = "{0} {index}")
  @MethodSource("scenarios")
  void command_withoutAnyOneOfItsActions_failsNamingThatPermission(Scenario scenario)
      throws Exception {
    IamScenarios.assertFailsWithoutAnyOneOfItsActions(scenario, dir);
  }
}
