package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.model.S3Object;

@ExtendWith(SubmitMoto.class)
class CopyBackSubmitTest {
  private static MotoBatch moto;

  @TempDir Path state;
  private int code;

  @BeforeAll
  static void moto(MotoBatch started) {
    moto = started;
  }

  private String newQueue() {
    return moto.newQueue("cb");
  }

  private CliRun run(String... args) {
    CliRun run = moto.newRun();
    List<String> all = new ArrayList<>(List.of("--endpoint-url", "http://127.0.0.1:9"));
    all.addAll(CopyBackTables.copyBackArgs(state, args));
    code = run.execute(all.toArray(String[]::new));
    return run;
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
    List<JobDetail> jobs = moto.submittedJobs(q);
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
    assertThat(moto.submittedJobs(q)).isEmpty();
  }

  @Test
  void copyBack_submitWithTheTargetAsCheckpointTable_exits2AndSubmitsNothing() {
    String q = newQueue();

    CliRun run =
        run(
            "--checkpoint-table",
            "orders",
            "--submit",
            "batch",
            "--workers",
            "2",
            "--job-queue",
            q);

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --checkpoint-table orders is the table copied to; name a table of its own for"
                + " checkpoints, e.g. --checkpoint-table pitr-checkpoints\n");
    assertThat(moto.submittedJobs(q)).isEmpty();
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

  private static String newBucket() {
    return moto.newBucket("keys-");
  }

  private static List<String> objects(String bucket) {
    return moto.s3.listObjectsV2(r -> r.bucket(bucket)).contents().stream()
        .map(S3Object::key)
        .toList();
  }

  private Path keysFile() throws Exception {
    Path keys = state.resolve("keys.jsonl");
    Files.writeString(keys, "{\"pk\":\"k1\"}\n{\"pk\":\"k3\"}\n");
    return keys;
  }

  @Test
  void copyBack_keysWithSubmitAndStage_uploadsTheKeysFile_andTheWorkersGetItsS3Address()
      throws Exception {
    Path keys = keysFile();
    String q = newQueue();
    String bucket = newBucket();

    CliRun run =
        run(
            "--keys",
            keys.toString(),
            "--checkpoint-table",
            "pitr-checkpoints",
            "--submit",
            "batch",
            "--workers",
            "2",
            "--job-queue",
            q,
            "--run-id",
            "run0002",
            "--stage",
            "s3://" + bucket + "/staged/");

    assertThat(code).as(run.err()).isZero();
    String hex =
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(keys)));
    String key = "staged/run0002/sha256-" + hex + "/keys.jsonl";
    assertThat(objects(bucket)).containsExactly(key);
    assertThat(moto.submittedJobs(q).get(0).container().command())
        .containsSubsequence(
            "copy-back", "--keys", "s3://" + bucket + "/" + key, "--run-id", "run0002");
  }

  @Test
  void copyBack_localKeysWithSubmitButNoStage_exits2AndSubmitsNothing() throws Exception {
    Path keys = keysFile();
    String q = newQueue();

    CliRun run =
        run(
            "--keys",
            keys.toString(),
            "--checkpoint-table",
            "pitr-checkpoints",
            "--submit",
            "batch",
            "--job-queue",
            q);

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --keys "
                + keys
                + " is a file on this machine, and the workers run in AWS Batch containers that do"
                + " not have it; pass --stage s3://BUCKET/PREFIX to upload it for them (their job"
                + " role needs s3:GetObject there, see deploy/iam/job-role.json), or upload it"
                + " yourself and pass --keys s3://BUCKET/KEY. Nothing was submitted\n");
    assertThat(moto.submittedJobs(q)).isEmpty();
  }

  @Test
  void copyBack_stageWithoutAFileToStage_exits2AndSubmitsNothing() {
    String q = newQueue();

    CliRun run =
        run(
            "--checkpoint-table",
            "pitr-checkpoints",
            "--submit",
            "batch",
            "--job-queue",
            q,
            "--stage",
            "s3://b-1/p");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --stage uploads the file the workers read (--apply PLAN or --keys FILE), and"
                + " this command has none; drop --stage\n");
    assertThat(moto.submittedJobs(q)).isEmpty();
  }

  @Test
  void copyBack_filterValuesFromAFileWithSubmit_exits2AndSubmitsNothing() {
    String q = newQueue();

    CliRun run =
        run(
            "--filter",
            "qty > :v",
            "--filter-values",
            "file:///tmp/values.json",
            "--checkpoint-table",
            "pitr-checkpoints",
            "--submit",
            "batch",
            "--job-queue",
            q);

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --filter-values file:///tmp/values.json would be read by the workers in their"
                + " AWS Batch containers, where that file is not; pass its JSON inline with"
                + " --submit batch. Nothing was submitted\n");
    assertThat(moto.submittedJobs(q)).isEmpty();
  }

  /** The keys file an operator uploaded by hand: its bucket, key and address. */
  private record HandStaged(String bucket, String key, String address) {}

  /** {@link #keysFile()} put in a new bucket at by-hand/keys.jsonl, as an operator would. */
  private HandStaged handStagedKeys() throws Exception {
    String bucket = newBucket();
    String key = "by-hand/keys.jsonl";
    moto.s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromFile(keysFile()));
    return new HandStaged(bucket, key, "s3://" + bucket + "/" + key);
  }

  /** An engine with orders (k1-k3 at v0) and its recovery table orders-rec (k1-k3 at v1). */
  private static RollbackTestEngine engineWithRecovery() {
    RollbackTestEngine engine = engineWithRecoveryOnly();
    for (String pk : List.of("k1", "k2", "k3")) {
      engine.put(pk, "v0");
    }
    return engine;
  }

  /** An engine with an empty orders and its recovery table orders-rec (k1-k3 at v1). */
  private static RollbackTestEngine engineWithRecoveryOnly() {
    RollbackTestEngine engine = new RollbackTestEngine();
    engine.createOrders();
    engine
        .client
        .createTable(
            r ->
                r.tableName("orders-rec")
                    .billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType("S"))
                    .keySchema(k -> k.attributeName("pk").keyType("HASH")))
        .join();
    for (String pk : List.of("k1", "k2", "k3")) {
      engine
          .client
          .putItem(
              r ->
                  r.tableName("orders-rec")
                      .item(
                          Map.of("pk", AttributeValue.fromS(pk), "v", AttributeValue.fromS("v1"))))
          .join();
    }
    return engine;
  }

  /** {@code copy-back ARGS} on {@code engine}, S3 on moto, with state in {@code folder}. */
  private CliRun onEngine(RollbackTestEngine engine, String folder, String... args) {
    CliRun run = moto.newRun();
    List<String> all = new ArrayList<>(List.of("--endpoint-url", engine.endpoint, "copy-back"));
    all.addAll(List.of(args));
    all.addAll(List.of("--checkpoint-table", "pitr-checkpoints", "--state-dir"));
    all.add(state.resolve(folder).toString());
    code = run.execute(all.toArray(String[]::new));
    return run;
  }

  /** A worker's run of the keys in {@code address} as run {@code runId}, in folder "worker". */
  private void workerCopies(RollbackTestEngine engine, String address, String runId) {
    CliRun w =
        onEngine(
            engine,
            "worker",
            "--from",
            "orders-rec",
            "--to",
            "orders",
            "--keys",
            address,
            "--run-id",
            runId);
    assertThat(code).as(w.err()).isZero();
  }

  @Test
  void resume_ofAKeysRunStagedInS3_fromAnotherStateFolder_fetchesTheStagedFileAgain()
      throws Exception {
    Path keys = keysFile();
    String bucket = newBucket();
    try (RollbackTestEngine engine = engineWithRecovery()) {
      CliRun submitted =
          run(
              "--keys",
              keys.toString(),
              "--checkpoint-table",
              "pitr-checkpoints",
              "--submit",
              "batch",
              "--job-queue",
              newQueue(),
              "--run-id",
              "kr0001",
              "--stage",
              "s3://" + bucket + "/staged");
      assertThat(code).as(submitted.err()).isZero();
      String staged = "s3://" + bucket + "/" + objects(bucket).get(0);
      workerCopies(engine, staged, "kr0001");
      engine.put("k1", "v0");

      // A Batch retry in a fresh container, then an operator's resume elsewhere.
      CliRun retry =
          onEngine(
              engine,
              "retry",
              "--from",
              "orders-rec",
              "--to",
              "orders",
              "--keys",
              staged,
              "--run-id",
              "kr0001");
      assertThat(code).as(retry.err()).isZero();
      engine.put("k3", "v0");
      CliRun resume = onEngine(engine, "laptop", "--resume", "kr0001");

      assertThat(code).as(resume.err()).isZero();
      assertThat(resume.err())
          .contains(
              "Resuming run kr0001 with its limits: --concurrency 16, --max-wcu 1000, --max-rcu"
                  + " none, --keys "
                  + staged
                  + "\n");
      assertThat(engine.orders()).isEqualTo(Map.of("k1", "v1", "k2", "v0", "k3", "v1"));
    }
  }

  @Test
  void resume_ofAKeysRunWhoseS3FileWasReplaced_exits2AndWritesNothing() throws Exception {
    HandStaged keys = handStagedKeys();
    String address = keys.address();
    try (RollbackTestEngine engine = engineWithRecovery()) {
      workerCopies(engine, address, "kr0002");
      engine.put("k1", "v0");
      String before =
          sha256(
              moto.s3.getObjectAsBytes(r -> r.bucket(keys.bucket()).key(keys.key())).asByteArray());
      String other = "{\"pk\":\"k2\"}\n";
      moto.s3.putObject(
          r -> r.bucket(keys.bucket()).key(keys.key()), RequestBody.fromString(other));

      CliRun resume = onEngine(engine, "laptop", "--resume", "kr0002");

      assertThat(code).isEqualTo(2);
      assertThat(resume.err())
          .isEqualTo(
              "error: Run kr0002 copies the keys in --keys "
                  + address
                  + ", whose SHA-256 was "
                  + before
                  + " when the run started; it is now "
                  + sha256(other.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                  + ", so the file was changed or replaced since. Put back the file the run"
                  + " started with, or start a new run for the keys it lists now (items already"
                  + " copied are written again). Nothing was written.\n");
      assertThat(engine.orders()).isEqualTo(Map.of("k1", "v0", "k2", "v0", "k3", "v1"));
    }
  }

  @Test
  void resume_ofAKeysRunWhoseS3FileIsGone_exits2AndWritesNothing() throws Exception {
    HandStaged keys = handStagedKeys();
    String address = keys.address();
    try (RollbackTestEngine engine = engineWithRecovery()) {
      workerCopies(engine, address, "kr0003");
      engine.put("k1", "v0");
      moto.s3.deleteObject(r -> r.bucket(keys.bucket()).key(keys.key()));

      CliRun resume = onEngine(engine, "laptop", "--resume", "kr0003");

      assertThat(code).isEqualTo(2);
      assertThat(resume.err())
          .isEqualTo(
              "error: Cannot resume run kr0003: --keys "
                  + address
                  + " does not exist; check the address, or stage the file again with --submit"
                  + " batch --stage s3://BUCKET/PREFIX. The run copies the keys that file held"
                  + " when it started (SHA-256 "
                  + sha256(Files.readAllBytes(keysFile()))
                  + "): put that file back there, or start a new run. Nothing was changed.\n");
      assertThat(engine.orders()).isEqualTo(Map.of("k1", "v0", "k2", "v0", "k3", "v1"));
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void copyBack_keysFromS3_copiesTheSameItemsAsTheLocalKeysFile() throws Exception {
    Path keys = keysFile();
    String bucket = newBucket();
    moto.s3.putObject(r -> r.bucket(bucket).key("k/keys.jsonl"), RequestBody.fromFile(keys));
    Map<String, Map<String, String>> ends = new java.util.HashMap<>();
    for (String source : List.of(keys.toString(), "s3://" + bucket + "/k/keys.jsonl")) {
      try (RollbackTestEngine engine = engineWithRecoveryOnly()) {
        CliRun run = moto.newRun();
        code =
            run.execute(
                "--endpoint-url",
                engine.endpoint,
                "copy-back",
                "--from",
                "orders-rec",
                "--to",
                "orders",
                "--keys",
                source,
                "--state-dir",
                state.resolve("s" + ends.size()).toString());
        assertThat(code).as(run.err()).isZero();
        assertThat(run.out()).startsWith("Copied 2 items from orders-rec to orders");
        ends.put(source, engine.orders());
      }
    }

    assertThat(ends.get("s3://" + bucket + "/k/keys.jsonl"))
        .isEqualTo(ends.get(keys.toString()))
        .isEqualTo(Map.of("k1", "v1", "k3", "v1"));
  }
}
