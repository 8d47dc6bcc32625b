package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import pitr.TestHttp;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A rollback apply in another JVM, killed with SIGKILL half-way, then resumed: the checkpoints a
 * killed process leaves are enough to finish, nothing is lost and no concurrent write is clobbered.
 */
class RollbackKillTest {
  private static final int ITEMS = 300;

  @TempDir Path dir;

  private final CliRun serve = new CliRun();
  private final Thread serving =
      new Thread(() -> serve.execute("local", "serve", "--port", "0", "--restore-lag", "PT0S"));
  private String endpoint;
  private DynamoDbAsyncClient client;

  @BeforeEach
  void start() throws Exception {
    serving.start();
    endpoint = ServeCommandTest.awaitEndpoint(serve, Duration.ofSeconds(30)).toString();
    client = TestHttp.dynamo(URI.create(endpoint)).build();
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    serving.interrupt();
    serving.join(30_000);
  }

  private void put(String pk, String v) {
    client
        .putItem(
            r ->
                r.tableName("orders")
                    .item(Map.of("pk", AttributeValue.fromS(pk), "v", AttributeValue.fromS(v))))
        .join();
  }

  private Map<String, String> orders() {
    return RollbackTestEngine.byPk(client, "orders", i -> i.get("v").s());
  }

  private long chunksDone(String runId) throws Exception {
    Path runDir = dir.resolve("runs").resolve(runId);
    if (!Files.isDirectory(runDir)) {
      return 0;
    }
    try (var files = Files.list(runDir)) {
      return files.filter(f -> f.getFileName().toString().matches("segment-\\d+\\.json")).count();
    }
  }

  /**
   * Killed with SIGKILL, the apply leaves at most its chunks in flight unchecked; stopped with
   * SIGTERM, it settles them, checkpoints, prints the resume command and exits 130. Either way the
   * resume ends at the expected table.
   */
  @ParameterizedTest(name = "sigkill={0}")
  @ValueSource(booleans = {true, false})
  void apply_interruptedHalfway_isResumedToTheExpectedTable_keepingConcurrentWrites(boolean sigkill)
      throws Exception {
    client
        .createTable(
            r ->
                r.tableName("orders")
                    .billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType("S"))
                    .keySchema(k -> k.attributeName("pk").keyType("HASH")))
        .join();
    client
        .updateContinuousBackups(
            r ->
                r.tableName("orders")
                    .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)))
        .join();
    for (int i = 0; i < ITEMS; i++) {
      put(String.format("o%03d", i), "v1");
    }
    Instant t0 = RollbackTestEngine.mark();
    for (int i = 0; i < ITEMS; i++) {
      put(String.format("o%03d", i), "bad");
    }
    Instant t1 = RollbackTestEngine.mark();
    Path plan = dir.resolve("plan.jsonl");
    CliRun planning = new CliRun();
    assertThat(
            planning.execute(
                "--endpoint-url",
                endpoint,
                "rollback",
                "orders",
                "--to",
                t0.toString(),
                "--incident-end",
                t1.toString(),
                "--plan",
                plan.toString(),
                "--state-dir",
                dir.toString()))
        .as(planning.err())
        .isZero();
    List<String> keys =
        Files.readAllLines(plan).stream()
            .filter(l -> l.startsWith("{\"action\""))
            .map(l -> l.replaceAll(".*\"key\":\\{\"pk\":\\{\"S\":\"(o\\d+)\"}}.*", "$1"))
            .toList();
    assertThat(keys).hasSize(ITEMS);
    Map<String, String> expected = new TreeMap<>();
    keys.forEach(k -> expected.put(k, "v1"));
    for (int i = 5; i < ITEMS; i += 10) {
      put(keys.get(i), "customer-edit");
      expected.put(keys.get(i), "customer-edit");
    }

    Path output = dir.resolve("child.out");
    Process child =
        new ProcessBuilder(
                ChildJvm.pitr(
                    "--endpoint-url",
                    endpoint,
                    "rollback",
                    "--apply",
                    plan.toString(),
                    "--max-wcu",
                    "30",
                    "--chunk-items",
                    "10",
                    "--state-dir",
                    dir.toString()))
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    String runId = null;
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (runId == null || chunksDone(runId) < 3) {
        String out = Files.readString(output);
        assertThat(child.isAlive()).as("child still applying: " + out).isTrue();
        assertThat(System.nanoTime()).as("three chunks within 90 s: " + out).isLessThan(deadline);
        Matcher m = Pattern.compile("Applying as run (\\w+);").matcher(out);
        runId = m.find() ? m.group(1) : null;
        Thread.sleep(20);
      }
      if (!sigkill) {
        child.destroy();
        assertThat(child.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      }
    } finally {
      child.destroyForcibly();
      child.waitFor();
    }
    String out = Files.readString(output);
    if (sigkill) {
      assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
    } else {
      assertThat(child.exitValue()).as(out).isEqualTo(130);
      assertThat(out)
          .contains("Stopped by an interrupt after it restored ")
          .contains(
              "Resume with: pitr --endpoint-url "
                  + endpoint
                  + " rollback --apply "
                  + plan
                  + " --resume "
                  + runId
                  + " --state-dir "
                  + dir);
    }
    long doneBefore = chunksDone(runId);
    assertThat(doneBefore).isBetween(3L, 29L);
    assertThat(orders()).containsValue("bad");

    CliRun resumed = new CliRun();
    int code =
        resumed.execute(
            "--endpoint-url",
            endpoint,
            "rollback",
            "--apply",
            plan.toString(),
            "--resume",
            runId,
            "--chunk-items",
            "10",
            "--max-wcu",
            "0",
            "--state-dir",
            dir.toString());

    assertThat(code).as(resumed.err()).isZero();
    assertThat(orders()).isEqualTo(expected);
    Matcher skipped =
        Pattern.compile(
                "Resumed run " + runId + ": (\\d+) of 30 chunks were done by an earlier attempt")
            .matcher(resumed.out());
    assertThat(skipped.find()).as(resumed.out()).isTrue();
    assertThat(Long.parseLong(skipped.group(1))).isGreaterThanOrEqualTo(doneBefore);
    assertThat(resumed.out())
        .contains("Conflicts kept as they are: 30")
        .contains("Verified: every written item reads back as planned");
    assertThat(chunksDone(runId)).isEqualTo(30);
  }
}
