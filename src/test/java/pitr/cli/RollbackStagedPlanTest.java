package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Workers and resumes given a staged plan's S3 address ({@code rollback --apply s3://...}): they
 * fetch, check and apply it, and refuse, writing nothing, a plan replaced, edited or gone.
 */
class RollbackStagedPlanTest extends RollbackSubmitFixture {
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
                "continue it with: pitr --endpoint-url "
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
    String address = stageByHand(bucket, edited(plan));

    CliRun w = run(local, "w", "--apply", address);

    assertThat(code).isEqualTo(2);
    assertThat(w.err()).startsWith("error: Rollback plan " + address + " (its copy ");
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

  /**
   * A run whose plan an operator uploaded by hand: the plan, its bucket and address, and the orders
   * once worker 1/2 of the run has applied its share.
   */
  private record HalfApplied(
      Path plan, String bucket, String address, Map<String, String> before) {}

  /** The saved plan staged by hand, and worker 1/2 of run {@code runId} applied from it. */
  private HalfApplied halfAppliedFromAPlanStagedByHand(String runId) {
    Path plan = plan();
    String bucket = newBucket();
    String address = stageByHand(bucket, RequestBody.fromFile(plan));
    return new HalfApplied(plan, bucket, address, firstWorkerApplied(address, runId));
  }

  /** The plan with v1 changed to v2: a file whose seal no longer holds. */
  private static RequestBody edited(Path plan) throws java.io.IOException {
    return RequestBody.fromString(Files.readString(plan).replace("\"v1\"", "\"v2\""));
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
    HalfApplied run = halfAppliedFromAPlanStagedByHand("rb0011");
    stageByHand(run.bucket(), edited(run.plan()));

    CliRun resume = resumeElsewhere(run.address(), "rb0011");

    assertThat(code).isEqualTo(2);
    assertThat(resume.err()).startsWith("error: Rollback plan " + run.address() + " (its copy ");
    assertThat(local.orders()).isEqualTo(run.before());
  }

  @Test
  void resume_ofAnApplyWhosePlanInS3IsGone_exits2AndWritesNothing() throws Exception {
    HalfApplied run = halfAppliedFromAPlanStagedByHand("rb0012");
    moto.s3.deleteObject(r -> r.bucket(run.bucket()).key(BY_HAND));

    CliRun resume = resumeElsewhere(run.address(), "rb0012");

    assertThat(code).isEqualTo(2);
    assertThat(resume.err())
        .isEqualTo(
            "error: --apply "
                + run.address()
                + " does not exist; check the address, or stage the file again with --submit"
                + " batch --stage s3://BUCKET/PREFIX. Nothing was changed.\n");
    assertThat(local.orders()).isEqualTo(run.before());
  }
}
