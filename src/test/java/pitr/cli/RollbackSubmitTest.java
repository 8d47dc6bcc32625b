package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import pitr.copy.RunJob;
import pitr.copy.TableCheckpoints;
import pitr.dynamo.DynamoDbGateway;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code pitr rollback --apply PLAN --submit batch --workers N --stage s3://B/P} against
 * moto_server: the plan is uploaded under the run id and its SHA-256, an array job of N children
 * sharing one run id and the checkpoint table is submitted with {@code --apply s3://...}, and a
 * worker given that address fetches, checks and applies it; refusals upload and submit nothing.
 */
@ExtendWith(SubmitMoto.class)
class RollbackSubmitTest {
  private static MotoBatch moto;

  @TempDir Path dir;
  private final RollbackTestEngine local = new RollbackTestEngine();
  private int code;

  @BeforeAll
  static void moto(MotoBatch started) {
    moto = started;
  }

  @AfterEach
  void stop() {
    local.close();
  }

  private static final Map<String, String> AFTER_INCIDENT =
      Map.of("a", "bad", "b", "repaired-by-hand");

  private static String newQueue() {
    return moto.newQueue("rb");
  }

  private static String newBucket() {
    return moto.newBucket("stage-");
  }

  /** An incident on {@code engine}: a and b set to bad, c deleted, b repaired by hand since. */
  private static Instant[] incident(RollbackTestEngine engine) {
    engine.createOrders();
    engine.put("a", "v1");
    engine.put("b", "v1");
    engine.put("c", "v1");
    Instant t0 = RollbackTestEngine.mark();
    engine.put("a", "bad");
    engine.put("b", "bad");
    engine.delete("c");
    Instant t1 = RollbackTestEngine.mark();
    engine.put("b", "repaired-by-hand");
    return new Instant[] {t0, t1};
  }

  /** The saved plan of the {@link #incident} on {@link #local}. */
  private Path plan() {
    Instant[] t = incident(local);
    Path plan = dir.resolve("plan.jsonl");
    CliRun run = new CliRun();
    int code =
        run.execute(
            "rollback",
            "orders",
            "--to",
            t[0].toString(),
            "--incident-end",
            t[1].toString(),
            "--plan",
            plan.toString(),
            "--state-dir",
            dir.resolve("state").toString(),
            "--endpoint-url",
            local.endpoint);
    assertThat(code).as(run.err()).isZero();
    return plan;
  }

  /** Runs {@code args} with Batch and S3 on moto and DynamoDB on {@code engine}. */
  private CliRun run(RollbackTestEngine engine, String state, String... args) {
    CliRun run = new CliRun();
    run.root().target.env = moto.env();
    List<String> all = new ArrayList<>(List.of("--endpoint-url", engine.endpoint, "rollback"));
    all.addAll(List.of(args));
    all.addAll(List.of("--state-dir", dir.resolve(state).toString()));
    code = run.execute(all.toArray(String[]::new));
    return run;
  }

  private CliRun submit(String queue, String stage, Path plan, String runId) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--apply",
                plan.toString(),
                "--checkpoint-table",
                "pitr-checkpoints",
                "--submit",
                "batch",
                "--workers",
                "2",
                "--job-queue",
                queue,
                "--run-id",
                runId));
    if (stage != null) {
      args.addAll(List.of("--stage", stage));
    }
    return run(local, "state", args.toArray(String[]::new));
  }

  private static List<String> objects(String bucket) {
    return moto.s3.listObjectsV2(r -> r.bucket(bucket)).contents().stream()
        .map(S3Object::key)
        .toList();
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

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
  void workersGivenTheS3Address_endWithTheSameTableAsALocalApplyOfThePlan() throws Exception {
    Path plan = plan();
    String bucket = newBucket();
    submit(newQueue(), "s3://" + bucket, plan, "rb0002");
    assertThat(code).isZero();
    String staged = "s3://" + bucket + "/rb0002/sha256-" + sha256(plan) + "/plan.jsonl";
    try (RollbackTestEngine other = new RollbackTestEngine()) {
      incident(other);

      for (String worker : List.of("1/2", "2/2")) {
        CliRun w =
            run(
                other,
                "worker-" + worker.charAt(0),
                "--apply",
                staged,
                "--run-id",
                "rb0002",
                "--worker",
                worker,
                "--chunk-items",
                "1",
                "--checkpoint-table",
                "pitr-checkpoints");
        assertThat(code).as(w.err()).isZero();
        assertThat(w.out())
            .contains(
                "resume it with 'pitr --endpoint-url "
                    + other.endpoint
                    + " rollback --apply "
                    + staged
                    + " --resume rb0002 --worker "
                    + worker);
      }
      CliRun here =
          run(local, "here", "--apply", plan.toString(), "--checkpoint-table", "pitr-checkpoints");
      assertThat(code).as(here.err()).isZero();

      assertThat(other.orders()).isEqualTo(local.orders());
      assertThat(other.orders()).containsEntry("a", "v1").containsEntry("c", "v1");
      // The copy fetched into the rollbacks folder goes with the completed run.
      assertThat(dir.resolve("worker-2").resolve("rollbacks")).isEmptyDirectory();
    }
  }

  @Test
  void worker_whenTheStagedObjectWasReplaced_exits2AndWritesNothing() throws Exception {
    Path plan = plan();
    String bucket = newBucket();
    String key = "rb0003/sha256-" + sha256(plan) + "/plan.jsonl";
    Path other = dir.resolve("other.jsonl");
    // A valid plan of its own, sealed, but not the one staged under this key.
    Files.write(other, Files.readAllLines(plan).subList(0, 1));
    moto.s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromFile(other));

    CliRun w = run(local, "w", "--apply", "s3://" + bucket + "/" + key, "--run-id", "rb0003");

    assertThat(code).isEqualTo(2);
    assertThat(w.err())
        .isEqualTo(
            "error: --apply s3://"
                + bucket
                + "/"
                + key
                + " is not the file staged under that key: its SHA-256 is "
                + sha256(other)
                + ", the key says "
                + sha256(plan)
                + ", so it was replaced after it was staged; submit again with --stage"
                + " s3://BUCKET/PREFIX to stage the file anew. Nothing was changed.\n");
    assertThat(local.orders()).isEqualTo(AFTER_INCIDENT);
  }

  @Test
  void worker_whenTheS3ObjectIsEdited_isRefusedByThePlansSeal_andWritesNothing() throws Exception {
    Path plan = plan();
    String bucket = newBucket();
    String edited = Files.readString(plan).replace("\"v1\"", "\"v2\"");
    moto.s3.putObject(
        r -> r.bucket(bucket).key("by-hand/plan.jsonl"), RequestBody.fromString(edited));

    CliRun w = run(local, "w", "--apply", "s3://" + bucket + "/by-hand/plan.jsonl");

    assertThat(code).isEqualTo(2);
    assertThat(w.err())
        .startsWith("error: Rollback plan s3://" + bucket + "/by-hand/plan.jsonl (its copy ");
    assertThat(local.orders()).isEqualTo(AFTER_INCIDENT);
  }

  @Test
  void worker_whenTheS3ObjectIsMissing_exits2AndWritesNothing() {
    plan();
    String bucket = newBucket();

    CliRun w = run(local, "w", "--apply", "s3://" + bucket + "/nope/plan.jsonl");

    assertThat(code).isEqualTo(2);
    assertThat(w.err())
        .isEqualTo(
            "error: --apply s3://"
                + bucket
                + "/nope/plan.jsonl does not exist; check the address, or stage the file again"
                + " with --submit batch --stage s3://BUCKET/PREFIX. Nothing was changed.\n");
    assertThat(local.orders()).isEqualTo(AFTER_INCIDENT);
  }

  /** Worker 1/2 of run {@code runId} applies its share of the plan at {@code address}. */
  private Map<String, String> firstWorkerApplied(String address, String runId) {
    CliRun w =
        run(
            local,
            "w1",
            "--apply",
            address,
            "--run-id",
            runId,
            "--worker",
            "1/2",
            "--chunk-items",
            "1",
            "--checkpoint-table",
            "pitr-checkpoints");
    assertThat(code).as(w.err()).isZero();
    return local.orders();
  }

  private CliRun resumeElsewhere(String address, String runId) {
    return run(
        local,
        "laptop",
        "--apply",
        address,
        "--resume",
        runId,
        "--worker",
        "2/2",
        "--chunk-items",
        "1",
        "--checkpoint-table",
        "pitr-checkpoints");
  }

  @Test
  void resume_ofAStagedApply_fromAnotherStateFolder_fetchesThePlanAgainAndFinishesTheRun()
      throws Exception {
    Path plan = plan();
    String bucket = newBucket();
    submit(newQueue(), "s3://" + bucket + "/p", plan, "rb0010");
    assertThat(code).isZero();
    String staged = "s3://" + bucket + "/p/rb0010/sha256-" + sha256(plan) + "/plan.jsonl";
    firstWorkerApplied(staged, "rb0010");

    CliRun resume = resumeElsewhere(staged, "rb0010");

    assertThat(code).as(resume.err()).isZero();
    assertThat(local.orders()).isEqualTo(Map.of("a", "v1", "b", "repaired-by-hand", "c", "v1"));
  }

  @Test
  void resume_ofAnApplyWhosePlanInS3WasEdited_exits2AndWritesNothing() throws Exception {
    Path plan = plan();
    String bucket = newBucket();
    String address = "s3://" + bucket + "/by-hand/plan.jsonl";
    moto.s3.putObject(r -> r.bucket(bucket).key("by-hand/plan.jsonl"), RequestBody.fromFile(plan));
    Map<String, String> before = firstWorkerApplied(address, "rb0011");
    moto.s3.putObject(
        r -> r.bucket(bucket).key("by-hand/plan.jsonl"),
        RequestBody.fromString(Files.readString(plan).replace("\"v1\"", "\"v2\"")));

    CliRun resume = resumeElsewhere(address, "rb0011");

    assertThat(code).isEqualTo(2);
    assertThat(resume.err()).startsWith("error: Rollback plan " + address + " (its copy ");
    assertThat(local.orders()).isEqualTo(before);
  }

  @Test
  void resume_ofAnApplyWhosePlanInS3IsGone_exits2AndWritesNothing() throws Exception {
    Path plan = plan();
    String bucket = newBucket();
    String address = "s3://" + bucket + "/by-hand/plan.jsonl";
    moto.s3.putObject(r -> r.bucket(bucket).key("by-hand/plan.jsonl"), RequestBody.fromFile(plan));
    Map<String, String> before = firstWorkerApplied(address, "rb0012");
    moto.s3.deleteObject(r -> r.bucket(bucket).key("by-hand/plan.jsonl"));

    CliRun resume = resumeElsewhere(address, "rb0012");

    assertThat(code).isEqualTo(2);
    assertThat(resume.err())
        .isEqualTo(
            "error: --apply "
                + address
                + " does not exist; check the address, or stage the file again with --submit"
                + " batch --stage s3://BUCKET/PREFIX. Nothing was changed.\n");
    assertThat(local.orders()).isEqualTo(before);
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
