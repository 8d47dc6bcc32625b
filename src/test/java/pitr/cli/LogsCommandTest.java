package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.dynamo.MotoServer;

class LogsCommandTest {
  @TempDir static Path motoDir;
  private static MotoBatch moto;
  private static String single;
  private static String array;
  private int code;

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
    single =
        moto.batch
            .submitJob(r -> r.jobName("one").jobQueue("logs-q").jobDefinition("pitr"))
            .jobId();
    array =
        moto.batch
            .submitJob(
                r ->
                    r.jobName("many")
                        .jobQueue("logs-q")
                        .jobDefinition("pitr")
                        .arrayProperties(a -> a.size(3)))
            .jobId();
  }

  @AfterAll
  static void stopMoto() {
    if (moto != null) {
      moto.close();
    }
  }

  private CliRun run(String... args) {
    CliRun run = moto.newRun();
    code = run.execute(args);
    return run;
  }

  @Test
  void logs_ofAJobWithNoContainerYet_saysSoAndExits0() {
    CliRun run = run("logs", single);

    assertThat(code).isZero();
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("Job " + single + " (").contains(") has no log stream yet");
  }

  @Test
  void logs_ofAnUnknownJob_exits2() {
    CliRun run = run("logs", "00000000-0000-0000-0000-000000000000");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: AWS Batch knows no job 00000000-0000-0000-0000-000000000000 (it forgets jobs"
                + " about 7 days after they end); check the id, the region and"
                + " AWS_ENDPOINT_URL_BATCH\n");
  }

  @Test
  void logs_workerOutsideTheArray_exits2() {
    CliRun run = run("logs", array, "--worker", "4");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo("error: --worker 4 is outside array job " + array + " of 3 workers; pass 1-3\n");
  }

  @Test
  void logs_followOfAWholeArrayJob_asksForAWorker() {
    CliRun run = run("logs", array, "--follow");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: Job "
                + array
                + " is an array job of 3 workers; --follow follows one: add --worker I (1-3)\n");
  }

  @Test
  void logs_ofAnArrayJob_namesEachWorker() {
    CliRun run = run("logs", array);

    assertThat(code).isZero();
    assertThat(run.err())
        .contains("== worker 1 (job " + array + ":0) ==", "== worker 3 (job " + array + ":2) ==");
  }

  @Test
  void logs_ofARunId_findsTheJobItWasSubmittedAsInTheCheckpointTable() {
    try (RollbackTestEngine local = new RollbackTestEngine()) {
      pitr.copy.TableCheckpoints.in(
              pitr.dynamo.DynamoDbGateway.create(local.client, "local"), "cp-runs")
          .saveJob(
              "r7",
              new pitr.copy.RunJob(
                  array, "logs-q", 3, java.time.Instant.now(), java.util.List.of("copy-back")))
          .block();

      CliRun run =
          run(
              "--endpoint-url",
              local.endpoint,
              "logs",
              "r7",
              "--checkpoint-table",
              "cp-runs",
              "--worker",
              "2");

      assertThat(code).as(run.err()).isZero();
      assertThat(run.err()).startsWith("Job " + array + ":1 (").contains(") has no log stream yet");
    }
  }
}
