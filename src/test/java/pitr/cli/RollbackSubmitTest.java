package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import pitr.copy.RunJob;
import pitr.copy.TableCheckpoints;
import pitr.dynamo.DynamoDbGateway;
import software.amazon.awssdk.services.batch.model.JobDetail;

/**
 * {@code pitr rollback --apply PLAN --submit batch --workers N --stage s3://B/P} against
 * moto_server: the plan is uploaded under the run id and its SHA-256 and an array job of N children
 * sharing one run id and the checkpoint table is submitted with {@code --apply s3://...}; refusals
 * upload and submit nothing.
 */
class RollbackSubmitTest extends RollbackSubmitFixture {
  @Test
  void apply_submitBatchWithStage_uploadsThePlanUnderTheRunId_andTheWorkersApplyItsS3Address()
      throws Exception {
    Path plan = plan();
    String queue = newQueue();
    String bucket = newBucket();

    CliRun run = submit(queue, "s3://" + bucket + "/pitr/staged", plan, "rb0001");

    assertThat(code).as(run.err()).isZero();
    String staged = "s3://" + bucket + "/pitr/staged/rb0001/sha256-" + sha256(plan) + "/plan.jsonl";
    assertThat(objects(bucket))
        .containsExactly("pitr/staged/rb0001/sha256-" + sha256(plan) + "/plan.jsonl");
    assertThat(
            moto.s3
                .getObjectAsBytes(r -> r.bucket(bucket).key(staged.substring(bucket.length() + 6)))
                .asByteArray())
        .isEqualTo(Files.readAllBytes(plan));
    JobDetail job = moto.submittedJobs(queue).get(0);
    assertThat(job.jobName()).isEqualTo("pitr-rollback-rb0001");
    assertThat(job.arrayProperties().size()).isEqualTo(2);
    assertThat(job.container().command())
        .containsExactly(
            "--endpoint-url",
            local.endpoint,
            "rollback",
            "--apply",
            staged,
            "--checkpoint-table",
            "pitr-checkpoints",
            "--run-id",
            "rb0001",
            "--worker",
            "auto/2");
    assertThat(run.out())
        .isEqualTo(
            "Submitted rollback run rb0001 as AWS Batch array job "
                + job.jobId()
                + " of 2 workers (queue "
                + queue
                + ")\n"
                + "  watch it: pitr runs show rb0001 --checkpoint-table pitr-checkpoints\n"
                + "  its logs: pitr logs "
                + job.jobId()
                + " --worker I (1-2)\n"
                + "  command: pitr "
                + String.join(" ", job.container().command())
                + "\n"
                + "  the workers fetch the plan (3 items) from "
                + staged
                + " and check it before applying it\n");
    assertThat(run.err()).isEmpty();
    assertThat(local.orders()).isEqualTo(AFTER_INCIDENT);
    RunJob recorded =
        TableCheckpoints.in(DynamoDbGateway.create(local.client, "local"), "pitr-checkpoints")
            .job("rb0001")
            .block();
    assertThat(recorded.resumeCommand("rb0001", 2))
        .isEqualTo(
            "pitr --endpoint-url "
                + local.endpoint
                + " rollback --apply "
                + staged
                + " --checkpoint-table pitr-checkpoints --resume rb0001 --worker 2/2");
  }

  @Test
  void submit_aLocalPlanWithoutStage_exits2_andUploadsAndSubmitsNothing() {
    Path plan = plan();
    String queue = newQueue();

    CliRun run = submit(queue, null, plan, "rb0004");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --apply "
                + plan
                + " is a file on this machine, and the workers run in AWS Batch containers that do"
                + " not have it; pass --stage s3://BUCKET/PREFIX to upload it for them (their job"
                + " role needs s3:GetObject there, see deploy/iam/job-role.json), or upload it"
                + " yourself and pass --apply s3://BUCKET/KEY. Nothing was submitted\n");
    assertThat(moto.submittedJobs(queue)).isEmpty();
    assertThat(local.orders()).isEqualTo(AFTER_INCIDENT);
  }

  @Test
  void submit_toABucketThatDoesNotExist_exits2_andSubmitsNothing() {
    Path plan = plan();
    String queue = newQueue();

    CliRun run = submit(queue, "s3://no-such-bucket/p", plan, "rb0005");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: S3 bucket no-such-bucket of --stage s3://no-such-bucket/p does not exist;"
                + " create it (aws s3 mb s3://no-such-bucket) or pass another --stage"
                + " s3://BUCKET/PREFIX. Nothing was submitted\n");
    assertThat(moto.submittedJobs(queue)).isEmpty();
  }

  @Test
  void submit_withACheckpointTableOfAnotherKey_exits2_andUploadsAndSubmitsNothing() {
    Path plan = plan();
    String queue = newQueue();
    String bucket = newBucket();

    CliRun run =
        run(
            local,
            "state",
            "--apply",
            plan.toString(),
            "--checkpoint-table",
            "orders",
            "--submit",
            "batch",
            "--workers",
            "2",
            "--job-queue",
            queue,
            "--run-id",
            "rb0009",
            "--stage",
            "s3://" + bucket + "/p");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: Checkpoint table orders has the key pk (S), but checkpoints need run (S),"
                + " part (S); pass a --checkpoint-table that does not exist yet (pitr creates it)"
                + " or one pitr created. Nothing was submitted\n");
    assertThat(moto.submittedJobs(queue)).isEmpty();
    assertThat(objects(bucket)).isEmpty();
    assertThat(local.orders()).isEqualTo(AFTER_INCIDENT);
  }

  @Test
  void submit_toAQueueThatDoesNotExist_exits3_andUploadsNothing() {
    Path plan = plan();
    String bucket = newBucket();

    CliRun run = submit("nope", "s3://" + bucket + "/p", plan, "rb0006");

    assertThat(code).isEqualTo(3);
    assertThat(run.err()).startsWith("error: Job queue nope does not exist");
    assertThat(objects(bucket)).isEmpty();
  }

  @Test
  void submit_anS3PlanThatIsMissing_exits2_andSubmitsNothing() {
    plan();
    String queue = newQueue();
    String bucket = newBucket();

    CliRun run =
        run(
            local,
            "state",
            "--apply",
            "s3://" + bucket + "/nope.jsonl",
            "--checkpoint-table",
            "pitr-checkpoints",
            "--submit",
            "batch",
            "--workers",
            "2",
            "--job-queue",
            queue);

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .startsWith("error: --apply s3://" + bucket + "/nope.jsonl does not exist");
    assertThat(moto.submittedJobs(queue)).isEmpty();
  }

  @Test
  void submit_anS3PlanWithStage_exits2_andSubmitsNothing() {
    plan();
    String queue = newQueue();

    CliRun run =
        run(
            local,
            "state",
            "--apply",
            "s3://b-1/plan.jsonl",
            "--stage",
            "s3://b-1/p",
            "--checkpoint-table",
            "pitr-checkpoints",
            "--submit",
            "batch",
            "--job-queue",
            queue);

    assertThat(code).isEqualTo(2);
    assertThat(moto.submittedJobs(queue)).isEmpty();
  }

  @Test
  void apply_withStageButNoSubmit_exits2AndWritesNothing() {
    Path plan = plan();

    CliRun run = run(local, "state", "--apply", plan.toString(), "--stage", "s3://b-1/p");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --workers, --job-queue and --stage are for --submit batch; to split the work"
                + " here, start N processes with --worker I/N and one --run-id\n");
    assertThat(local.orders()).isEqualTo(AFTER_INCIDENT);
  }

  @Test
  void submit_withOutputJson_namesTheStagedPlan() throws Exception {
    Path plan = plan();
    String queue = newQueue();
    String bucket = newBucket();

    CliRun run =
        run(
            local,
            "state",
            "--apply",
            plan.toString(),
            "--checkpoint-table",
            "pitr-checkpoints",
            "--submit",
            "batch",
            "--job-queue",
            queue,
            "--run-id",
            "rb0007",
            "--stage",
            "s3://" + bucket,
            "--output",
            "json");

    assertThat(code).as(run.err()).isZero();
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.out());
    assertThat(json.get("staged").asText())
        .isEqualTo("s3://" + bucket + "/rb0007/sha256-" + sha256(plan) + "/plan.jsonl");
    assertThat(json.get("command").toString()).contains(json.get("staged").asText());
  }

  @Test
  void submit_thatFailsAfterTheUpload_namesTheUploadedPlan_andHowToReuseIt() throws Exception {
    Path plan = plan();
    String bucket = newBucket();
    // A Batch that knows the queue and definition but refuses the job.
    com.sun.net.httpserver.HttpServer batch =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    batch.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          String path = exchange.getRequestURI().getPath();
          int status = 200;
          String body;
          if (path.endsWith("/describejobqueues")) {
            body =
                "{\"jobQueues\":[{\"jobQueueName\":\"q\",\"jobQueueArn\":\"arn:aws:batch:us-east-1:"
                    + "123456789012:job-queue/q\",\"state\":\"ENABLED\",\"priority\":1}]}";
          } else if (path.endsWith("/describejobdefinitions")) {
            body =
                "{\"jobDefinitions\":[{\"jobDefinitionName\":\"pitr\",\"jobDefinitionArn\":"
                    + "\"arn:aws:batch:us-east-1:123456789012:job-definition/pitr:1\",\"revision\":1,"
                    + "\"type\":\"container\",\"status\":\"ACTIVE\"}]}";
          } else {
            status = 400;
            exchange.getResponseHeaders().add("x-amzn-ErrorType", "ClientException");
            body = "{\"__type\":\"ClientException\",\"message\":\"queue is full\"}";
          }
          byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    batch.start();
    try {
      CliRun run = new CliRun();
      Map<String, String> env = new java.util.HashMap<>(moto.env());
      env.put("AWS_ENDPOINT_URL_BATCH", "http://127.0.0.1:" + batch.getAddress().getPort());
      run.root().target.env = env;
      code =
          run.execute(
              "--endpoint-url",
              local.endpoint,
              "rollback",
              "--apply",
              plan.toString(),
              "--checkpoint-table",
              "pitr-checkpoints",
              "--submit",
              "batch",
              "--job-queue",
              "q",
              "--run-id",
              "rb0008",
              "--stage",
              "s3://" + bucket,
              "--state-dir",
              dir.resolve("state").toString());

      String staged = "s3://" + bucket + "/rb0008/sha256-" + sha256(plan) + "/plan.jsonl";
      assertThat(code).isEqualTo(1);
      assertThat(run.err())
          .startsWith("error: AWS Batch SubmitJob failed (ClientException: queue is full)")
          .endsWith(
              ". The plan "
                  + plan
                  + " had been uploaded to "
                  + staged
                  + ", which no job reads: submit again with --apply "
                  + staged
                  + " (no new upload), or delete it with aws s3 rm "
                  + staged
                  + "\n");
      assertThat(objects(bucket)).containsExactly(staged.substring(bucket.length() + 6));
      assertThat(local.orders()).isEqualTo(AFTER_INCIDENT);
    } finally {
      batch.stop(0);
    }
  }
}
