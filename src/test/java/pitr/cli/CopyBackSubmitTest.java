package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.dynamo.MotoServer;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;

class CopyBackSubmitTest {
  @TempDir static Path motoDir;
  private static MotoBatch moto;
  private static int queues;

  @TempDir Path state;
  private int code;

  @BeforeAll
  static void startMoto() throws Exception {
    Assumptions.assumeTrue(MotoServer.executable().isPresent(), "moto_server is not on PATH");
    moto = MotoBatch.start(motoDir);
    moto.batch.registerJobDefinition(
        r ->
            r.jobDefinitionName("pitr")
                .type("container")
                .containerProperties(c -> c.image("pitr:test").vcpus(1).memory(2048)));
  }

  @AfterAll
  static void stopMoto() {
    if (moto != null) {
      moto.close();
    }
  }

  private String newQueue() {
    String q = "cb" + (++queues);
    moto.createQueue(q);
    return q;
  }

  private CliRun run(String... args) {
    CliRun run = new CliRun();
    run.root().target.env = moto.env();
    List<String> all =
        new ArrayList<>(
            List.of(
                "--endpoint-url",
                "http://127.0.0.1:9",
                "copy-back",
                "--from",
                "orders-rec",
                "--to",
                "orders",
                "--state-dir",
                state.toString()));
    all.addAll(List.of(args));
    code = run.execute(all.toArray(String[]::new));
    return run;
  }

  private List<JobDetail> jobs(String queue) {
    List<String> ids = new ArrayList<>();
    for (JobStatus s : JobStatus.values()) {
      if (s != JobStatus.UNKNOWN_TO_SDK_VERSION) {
        moto.batch
            .listJobs(r -> r.jobQueue(queue).jobStatus(s))
            .jobSummaryList()
            .forEach(j -> ids.add(j.jobId()));
      }
    }
    // moto lists an array job's children too; the parent is the job submitted.
    ids.removeIf(id -> id.contains(":"));
    return ids.isEmpty() ? List.of() : moto.batch.describeJobs(r -> r.jobs(ids)).jobs();
  }

  @Test
  void copyBack_submitBatch_submitsAnArrayJobOfNWorkersSharingTheRunAndCheckpointTable() {
    String q = newQueue();

    CliRun run =
        run(
            "--checkpoint-table",
            "pitr-checkpoints",
            "--submit",
            "batch",
            "--workers",
            "3",
            "--job-queue",
            q,
            "--run-id",
            "run0001");

    assertThat(code).isZero();
    List<JobDetail> jobs = jobs(q);
    // No DynamoDB here to record the job with the run in: said, and the job stands.
    assertThat(run.err())
        .startsWith(
            "Could not record job "
                + jobs.get(0).jobId()
                + " with run run0001 in checkpoint table pitr-checkpoints (Cannot reach DynamoDB"
                + " at http://127.0.0.1:9")
        .endsWith("; pitr runs show finds it once a worker has started\n");
    assertThat(jobs).hasSize(1);
    JobDetail job = jobs.get(0);
    assertThat(job.jobName()).isEqualTo("pitr-copy-back-run0001");
    assertThat(job.arrayProperties().size()).isEqualTo(3);
    assertThat(job.container().command())
        .containsExactly(
            "--endpoint-url",
            "http://127.0.0.1:9",
            "copy-back",
            "--from",
            "orders-rec",
            "--to",
            "orders",
            "--checkpoint-table",
            "pitr-checkpoints",
            "--run-id",
            "run0001",
            "--worker",
            "auto/3");
    assertThat(job.container().environment())
        .anySatisfy(e -> assertThat(e.name() + "=" + e.value()).isEqualTo("AWS_REGION=us-east-1"));
    assertThat(run.out())
        .startsWith(
            "Submitted copy-back run run0001 as AWS Batch array job "
                + job.jobId()
                + " of 3 workers (queue "
                + q
                + ")\n  watch it: pitr runs show run0001 --checkpoint-table pitr-checkpoints\n");
  }

  @Test
  void copyBack_submitWithoutCheckpointTable_exits2AndSubmitsNothing() {
    String q = newQueue();

    CliRun run = run("--submit", "batch", "--workers", "3", "--job-queue", q);

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --submit batch needs --checkpoint-table TABLE: the workers run on other"
                + " machines and share their checkpoints there (created on first use), so a failed"
                + " worker can resume. Nothing was submitted\n");
    assertThat(jobs(q)).isEmpty();
  }

  @Test
  void copyBack_submitToAnUnknownQueue_exits3() {
    CliRun run =
        run(
            "--checkpoint-table",
            "cp",
            "--submit",
            "batch",
            "--workers",
            "2",
            "--job-queue",
            "nope");

    assertThat(code).isEqualTo(3);
    assertThat(run.err())
        .isEqualTo(
            "error: Job queue nope does not exist; pass an existing one to --job-queue. Nothing was"
                + " submitted\n");
  }

  @Test
  void copyBack_workersWithoutSubmit_exits2() {
    CliRun run = run("--workers", "3");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --workers, --job-queue and --stage are for --submit batch; to split the work"
                + " here, start N processes with --worker I/N and one --run-id\n");
  }

  @Test
  void childArgs_dropTheLocalOnlyOptionsInBothForms() {
    assertThat(
            SubmitOptions.childArgs(
                List.of(
                    "copy-back",
                    "--state-dir=/tmp/x",
                    "--failures",
                    "f.jsonl",
                    "--submit",
                    "batch",
                    "--workers=4",
                    "--job-queue",
                    "q",
                    "--resume",
                    "abc"),
                "abc",
                true,
                4))
        .containsExactly("copy-back", "--resume", "abc", "--worker", "auto/4");
  }
}
