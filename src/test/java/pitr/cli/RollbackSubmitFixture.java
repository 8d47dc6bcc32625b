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
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The shared setup of the {@code rollback --apply PLAN --submit batch --stage} tests: Batch and S3
 * on moto_server, DynamoDB on an engine with an incident on orders, its saved plan, and the runs.
 */
@ExtendWith(SubmitMoto.class)
abstract class RollbackSubmitFixture {
  static MotoBatch moto;

  @BeforeAll
  static void moto(MotoBatch started) {
    moto = started;
  }

  @TempDir Path dir;
  final RollbackTestEngine local = new RollbackTestEngine();

  /** The exit code of the last {@link #run} or {@link #submit}. */
  int code;

  @AfterEach
  void stop() {
    local.close();
  }

  static final Map<String, String> AFTER_INCIDENT = Map.of("a", "bad", "b", "repaired-by-hand");

  static String newQueue() {
    return moto.newQueue("rb");
  }

  static String newBucket() {
    return moto.newBucket("stage-");
  }

  /** An incident on {@code engine}: a and b set to bad, c deleted, b repaired by hand since. */
  static Instant[] incident(RollbackTestEngine engine) {
    Instant[] t = engine.incident();
    engine.put("b", "repaired-by-hand");
    return t;
  }

  /** The saved plan of the {@link #incident} on {@link #local}. */
  Path plan() {
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
  CliRun run(RollbackTestEngine engine, String state, String... args) {
    CliRun run = moto.newRun();
    List<String> all = new ArrayList<>(List.of("--endpoint-url", engine.endpoint, "rollback"));
    all.addAll(List.of(args));
    all.addAll(List.of("--state-dir", dir.resolve(state).toString()));
    code = run.execute(all.toArray(String[]::new));
    return run;
  }

  CliRun submit(String queue, String stage, Path plan, String runId) {
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

  static List<String> objects(String bucket) {
    return moto.s3.listObjectsV2(r -> r.bucket(bucket)).contents().stream()
        .map(S3Object::key)
        .toList();
  }

  static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  /** Where an operator uploads a plan by hand in the staged-plan tests. */
  static final String BY_HAND = "by-hand/plan.jsonl";

  /** Puts {@code body} in {@code bucket} at {@link #BY_HAND}, as an operator would: its address. */
  static String stageByHand(String bucket, RequestBody body) {
    moto.s3.putObject(r -> r.bucket(bucket).key(BY_HAND), body);
    return "s3://" + bucket + "/" + BY_HAND;
  }
}
