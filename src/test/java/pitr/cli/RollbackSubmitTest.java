package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.copy.RunJob;
import pitr.copy.TableCheckpoints;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.MotoServer;
import software.amazon.awssdk.services.batch.model.JobDetail;

/**
 * {@code pitr rollback --apply PLAN --submit batch --workers N} against moto_server: an array job
 * of N children sharing one run id and the checkpoint table, each applying its share.
 */
class RollbackSubmitTest {
  @TempDir static Path motoDir;
  private static MotoBatch moto;

  @TempDir Path dir;
  private final RollbackTestEngine local = new RollbackTestEngine();

  @BeforeAll
  static void startMoto() throws Exception {
    Assumptions.assumeTrue(MotoServer.executable().isPresent(), "moto_server is not on PATH");
    moto = MotoBatch.start(motoDir);
    moto.batch.registerJobDefinition(
        r ->
            r.jobDefinitionName("pitr")
                .type("container")
                .containerProperties(c -> c.image("pitr:test").vcpus(1).memory(2048)));
    moto.createQueue("rb");
  }

  @AfterAll
  static void stopMoto() {
    if (moto != null) {
      moto.close();
    }
  }

  @AfterEach
  void stop() {
    local.close();
  }

  private Path plan() {
    local.createOrders();
    local.put("a", "v1");
    Instant t0 = RollbackTestEngine.mark();
    local.put("a", "bad");
    Path plan = dir.resolve("plan.jsonl");
    CliRun run = new CliRun();
    int code =
        run.execute(
            "rollback",
            "orders",
            "--to",
            t0.toString(),
            "--plan",
            plan.toString(),
            "--state-dir",
            dir.resolve("state").toString(),
            "--endpoint-url",
            local.endpoint);
    assertThat(code).as(run.err()).isZero();
    return plan;
  }

  @Test
  void apply_submitBatch_submitsAnArrayJobOfNWorkersSharingTheRunAndCheckpointTable() {
    Path plan = plan();
    CliRun run = new CliRun();
    run.root().target.env = moto.env();
    List<String> args =
        new ArrayList<>(
            List.of(
                "--endpoint-url",
                local.endpoint,
                "rollback",
                "--apply",
                plan.toString(),
                "--state-dir",
                dir.resolve("state").toString(),
                "--checkpoint-table",
                "pitr-checkpoints",
                "--submit",
                "batch",
                "--workers",
                "3",
                "--job-queue",
                "rb",
                "--run-id",
                "rb0001"));

    int code = run.execute(args.toArray(String[]::new));

    assertThat(code).as(run.err()).isZero();
    String jobId =
        run.out().lines().findFirst().orElseThrow().replaceAll(".* array job (\\S+) .*", "$1");
    JobDetail job = moto.batch.describeJobs(r -> r.jobs(jobId)).jobs().get(0);
    assertThat(job.jobName()).isEqualTo("pitr-rollback-rb0001");
    assertThat(job.arrayProperties().size()).isEqualTo(3);
    assertThat(job.container().command())
        .containsExactly(
            "--endpoint-url",
            local.endpoint,
            "rollback",
            "--apply",
            plan.toString(),
            "--checkpoint-table",
            "pitr-checkpoints",
            "--run-id",
            "rb0001",
            "--worker",
            "auto/3");
    assertThat(run.out())
        .isEqualTo(
            "Submitted rollback run rb0001 as AWS Batch array job "
                + jobId
                + " of 3 workers (queue rb)\n"
                + "  watch it: pitr runs show rb0001 --checkpoint-table pitr-checkpoints\n"
                + "  its logs: pitr logs "
                + jobId
                + " --worker I (1-3)\n"
                + "  command: pitr "
                + String.join(" ", job.container().command())
                + "\n"
                + "  the workers read the plan at "
                + plan
                + " (1 item): it must be at that path in their containers (an image or volume"
                + " with it)\n");
    assertThat(run.err()).isEmpty();
    assertThat(local.orders()).containsEntry("a", "bad");
    RunJob recorded =
        TableCheckpoints.in(DynamoDbGateway.create(local.client, "local"), "pitr-checkpoints")
            .job("rb0001")
            .block();
    assertThat(recorded.jobId()).isEqualTo(jobId);
    assertThat(recorded.workers()).isEqualTo(3);
    assertThat(recorded.resumeCommand("rb0001", 2))
        .isEqualTo(
            "pitr --endpoint-url "
                + local.endpoint
                + " rollback --apply "
                + plan
                + " --checkpoint-table pitr-checkpoints --resume rb0001 --worker 2/3");
  }
}
