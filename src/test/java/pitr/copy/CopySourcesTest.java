package pitr.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.ItemJson;
import pitr.dynamo.LocalTarget;
import pitr.dynamo.VirtualTime;
import pitr.local.EngineConfig;
import pitr.metrics.CopyMeters;
import reactor.test.scheduler.VirtualTimeScheduler;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Each {@link CopySource} through the real SDK client against the embedded engine, on virtual time:
 * a scan with a filter copies the items it matches, a keys file the keys it lists, a replay the
 * records of a failure file (which it then marks resolved); options that name two sources are
 * refused before anything is read.
 */
class CopySourcesTest {
  private static final Instant START = Instant.parse("2026-11-30T03:00:00Z");

  @TempDir Path state;
  private VirtualTimeScheduler vts;
  private LocalTarget local;
  private DynamoDbGateway gateway;

  @BeforeEach
  void start() {
    vts = VirtualTimeScheduler.create();
    local = new LocalTarget(EngineConfig.defaults().withClock(VirtualTime.clock(vts, START)));
    gateway =
        DynamoDbGateway.create(local.clientWithoutSdkRetries(), local.endpoint())
            .withScheduler(vts);
    local.createTable("orders-rec");
    local.createTable("orders");
    local.tagAsRecovery("orders-rec", "orders", "2026-11-30T02:00:00Z");
    local.fill("orders-rec", 0, 40, "good", 10);
    local.fill("orders", 0, 40, "bad", 10);
  }

  @AfterEach
  void stop() {
    local.close();
    vts.dispose();
  }

  private CopyBack copyBack() {
    return CopyBack.create(
        gateway, FileCheckpoints.in(state), CopyMeters.inMemory(), VirtualTime.clock(vts, START));
  }

  private CopyRequest.Builder request(String runId) {
    return CopyRequest.builder(runId, state.resolve(runId + "-failures.jsonl"))
        .tables("orders-rec", "orders")
        .throughput(new CopyRequest.Throughput(2, 4, 0, 0))
        .retry(new CopyRequest.Retry(3, Duration.ofMillis(10), Duration.ofMillis(100)));
  }

  /** The pks of orders whose items are good again. */
  private List<String> restored() {
    return local.contents("orders").entrySet().stream()
        .filter(e -> e.getValue().get("v").s().equals("good"))
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }

  @Test
  void copyBack_scanWithFilter_copiesOnlyTheMatchingItemsAndRecordsTheFilter() {
    CopySource.Scan scan =
        CopySource.Scan.matching(
            "#n < :max", Map.of("#n", "n"), Map.of(":max", AttributeValue.fromN("3")));

    CopyResult result = VirtualTime.run(vts, copyBack().run(request("s1").items(scan).build()));

    assertThat(restored()).containsExactly("k0", "k1", "k2");
    assertThat(result.itemsWritten()).isEqualTo(3);
    assertThat(result.itemsFailed()).isZero();
    assertThat(FileCheckpoints.in(state).find("s1").block().filter())
        .isEqualTo(
            "'#n < :max' with --filter-names {#n=n} with --filter-values {\":max\":{\"N\":\"3\"}}");
  }

  @Test
  void copyBack_scanOfEveryItem_copiesTheWholeTable() {
    CopyResult result = VirtualTime.run(vts, copyBack().run(request("a1").build()));

    assertThat(restored()).hasSize(40);
    assertThat(result.itemsWritten()).isEqualTo(40);
    assertThat(result.limits().filter()).isNull();
  }

  @Test
  void copyBack_keysFile_copiesOnlyTheListedKeysAndNotesAHandMadeFile() throws Exception {
    Path keys = state.resolve("keys.jsonl");
    Files.writeString(
        keys,
        ItemJson.write(Map.of("pk", AttributeValue.fromS("k5")))
            + "\n"
            + ItemJson.write(Map.of("pk", AttributeValue.fromS("k7")))
            + "\n");
    CopyRequest request = request("k1").items(new CopySource.Keys(keys)).build();

    CopyPlan plan = VirtualTime.run(vts, copyBack().plan(request));
    CopyResult result = VirtualTime.run(vts, copyBack().run(plan));

    assertThat(plan.notes()).singleElement().asString().contains("has no seal");
    assertThat(restored()).containsExactly("k5", "k7");
    assertThat(result.itemsWritten()).isEqualTo(2);
    assertThat(result.segments()).isZero();
    assertThat(result.limits().keys().address()).isEqualTo(keys.toAbsolutePath().toString());
  }

  private Path keysOf(String name, String... pks) throws Exception {
    StringBuilder b = new StringBuilder();
    for (String pk : pks) {
      b.append(ItemJson.write(Map.of("pk", AttributeValue.fromS(pk)))).append('\n');
    }
    Path file = state.resolve(name);
    Files.writeString(file, b);
    return file;
  }

  private static final KeysOrigin STAGED =
      new KeysOrigin("s3://b-1/staged/k2/keys.jsonl", "a1".repeat(32));

  @Test
  void copyBack_keysFromS3_recordsTheAddressAndSha256_andAResumeMayReadAnotherCopyOfIt()
      throws Exception {
    Path here = keysOf("here.jsonl", "k5");
    VirtualTime.run(
        vts, copyBack().run(request("k2").items(new CopySource.Keys(here, STAGED)).build()));
    local.fill("orders", 5, 6, "bad", 10);
    // Another machine fetched the same object into a folder of its own.
    Path there = keysOf("there.jsonl", "k5");

    CopyRequest resume =
        RunLimits.resume(
            FileCheckpoints.in(state).find("k2").block(),
            request("k2").items(new CopySource.Keys(there, STAGED)).resume(true).build(),
            java.util.Set.of(RunLimits.Limit.KEYS));
    VirtualTime.run(vts, copyBack().run(resume));

    RunLimits recorded = FileCheckpoints.in(state).find("k2").block().limits();
    assertThat(recorded.keys()).isEqualTo(STAGED);
    assertThat(RunLimits.fromJson(recorded.toJson())).isEqualTo(recorded);
    assertThat(resume.items()).isEqualTo(new CopySource.Keys(there, STAGED));
    assertThat(restored()).containsExactly("k5");
  }

  @Test
  void copyBack_resumeOfAKeysRunWhoseFileChangedSinceItStarted_isRefusedBeforeAnyWrite()
      throws Exception {
    VirtualTime.run(
        vts,
        copyBack()
            .run(
                request("k3").items(new CopySource.Keys(keysOf("k.jsonl", "k5"), STAGED)).build()));
    local.fill("orders", 5, 6, "bad", 10);
    KeysOrigin replaced = new KeysOrigin(STAGED.address(), "b2".repeat(32));
    CopyRequest resume =
        request("k3")
            .items(new CopySource.Keys(keysOf("k.jsonl", "k7"), replaced))
            .resume(true)
            .build();

    assertThatThrownBy(() -> VirtualTime.run(vts, copyBack().run(resume)))
        .cause()
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "Run k3 copies the keys in --keys s3://b-1/staged/k2/keys.jsonl, whose SHA-256 was "
                + "a1".repeat(32)
                + " when the run started; it is now "
                + "b2".repeat(32)
                + ", so the file was changed or replaced since. Put back the file the run started"
                + " with, or start a new run for the keys it lists now (items already copied are"
                + " written again). Nothing was written.");
    assertThat(restored()).isEmpty();
  }

  @Test
  void resume_ofARunWhoseKeysAreInS3_withoutTheFetchedCopy_isRefusedNamingTheAddress()
      throws Exception {
    VirtualTime.run(
        vts,
        copyBack()
            .run(
                request("k4").items(new CopySource.Keys(keysOf("k.jsonl", "k5"), STAGED)).build()));

    assertThatThrownBy(
            () ->
                RunLimits.resume(
                    FileCheckpoints.in(state).find("k4").block(),
                    request("k4").resume(true).build(),
                    java.util.Set.of()))
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "The run reads its keys from s3://b-1/staged/k2/keys.jsonl; fetch it and pass it as"
                + " --keys to resume the run");
  }

  @Test
  void copyBack_replay_writesTheFailureFileAgainAndMarksItResolved() throws Exception {
    Path failed = state.resolve("earlier-failures.jsonl");
    try (FailureFile file = new FailureFile(failed)) {
      file.write("orders", List.of(put(LocalTarget.item(9, "good", 10))), "throttled");
    }
    CopyRequest replay =
        request("p1").tables(null, "orders").items(new CopySource.Replay(failed)).build();

    CopyResult result = VirtualTime.run(vts, copyBack().run(replay));

    assertThat(restored()).containsExactly("k9");
    assertThat(result.itemsWritten()).isEqualTo(1);
    assertThat(result.resolvedFailureFiles()).containsExactly(failed);
    assertThat(failed).doesNotExist();
    assertThat(Path.of(failed + ".resolved")).exists();
    assertThat(FileCheckpoints.in(state).find("p1").blockOptional()).isEmpty();
  }

  @Test
  void sourceOf_filterWithKeysOrReplay_isRefusedNamingBoth() {
    Path file = state.resolve("f.jsonl");

    assertThatThrownBy(() -> CopySource.of(file, null, "n > :v", null, null))
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "--filter chooses items of a scan, but --keys copies exactly the items listed; pass"
                + " one of them, not both");
    assertThatThrownBy(() -> CopySource.of(null, file, "n > :v", null, null))
        .hasMessage(
            "--filter chooses items of a scan, but --replay copies exactly the items listed; pass"
                + " one of them, not both");
  }

  @Test
  void sourceOf_keysWithReplay_isRefusedNamingBoth() {
    Path file = state.resolve("f.jsonl");

    assertThatThrownBy(() -> CopySource.of(file, file, null, null, null))
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "--replay writes again the items of a failure file and --keys copies the keys a file"
                + " lists; pass one of them, not both");
  }

  @Test
  void sourceOf_placeholdersWithoutFilter_isRefusedAskingForTheFilter() {
    assertThatThrownBy(
            () -> CopySource.of(null, null, null, null, Map.of(":v", AttributeValue.fromN("1"))))
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage("--filter-values needs --filter EXPR, the filter expression that uses them");
  }

  @Test
  void sourceOf_eachOption_picksItsSource() {
    Path file = state.resolve("f.jsonl");

    assertThat(CopySource.of(null, null, null, null, null)).isEqualTo(CopySource.Scan.ALL);
    assertThat(CopySource.of(file, null, null, null, null)).isEqualTo(new CopySource.Keys(file));
    assertThat(CopySource.of(null, file, null, null, null)).isEqualTo(new CopySource.Replay(file));
    assertThat(CopySource.of(null, null, "n > :v", null, Map.of(":v", AttributeValue.fromN("1"))))
        .isEqualTo(
            CopySource.Scan.matching("n > :v", Map.of(), Map.of(":v", AttributeValue.fromN("1"))));
  }

  private static WriteRequest put(Map<String, AttributeValue> item) {
    return WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build();
  }
}
