package pitr.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.TestHttp;
import pitr.dynamo.LocalTarget;
import pitr.dynamo.MotoServer;
import pitr.local.AdjustableClock;
import pitr.local.EngineConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ExportDescription;
import software.amazon.awssdk.services.dynamodb.model.ExportType;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * The toolkit's reader of exports, on exports the embedded engine writes (through the SDK client,
 * on a moved clock) to an export directory and to moto's S3: it hands out the history's images, and
 * refuses an export that is half-written or altered.
 */
class ExportReaderTest {
  private static final Instant START = Instant.parse("2026-03-01T00:00:00Z");
  private static final Instant FROM = START.plus(Duration.ofMinutes(10));
  private static final Instant TO = START.plus(Duration.ofMinutes(30));

  @TempDir Path dir;
  private final AdjustableClock clock = AdjustableClock.startingAt(START);
  private LocalTarget local;
  private String tableArn;

  private void start(EngineConfig.Exports exports) throws Exception {
    local = new LocalTarget(EngineConfig.defaults().withClock(clock).withExports(exports));
    local.createTable("orders");
    local.enablePitr("orders");
    tableArn = local.client.describeTable(r -> r.tableName("orders")).join().table().tableArn();
    clock.advance(Duration.ofMinutes(1));
    put("a", "1");
    put("b", "1");
    clock.advance(Duration.ofMinutes(11));
    put("a", "2");
    put("c", "1");
    local.client.deleteItem(r -> r.tableName("orders").key(Map.of("pk", s("b")))).join();
    clock.advance(Duration.ofMinutes(20));
    put("a", "3");
  }

  @AfterEach
  void stop() {
    if (local != null) {
      local.close();
    }
  }

  private static AttributeValue s(String v) {
    return AttributeValue.fromS(v);
  }

  private static Map<String, AttributeValue> item(String pk, String v) {
    return Map.of("pk", s(pk), "v", AttributeValue.fromN(v));
  }

  private void put(String pk, String v) {
    local.client.putItem(r -> r.tableName("orders").item(item(pk, v))).join();
  }

  private ExportDescription incremental(String bucket) {
    return local
        .client
        .exportTableToPointInTime(
            r ->
                r.tableArn(tableArn)
                    .s3Bucket(bucket)
                    .exportType(ExportType.INCREMENTAL_EXPORT)
                    .incrementalExportSpecification(s -> s.exportFromTime(FROM).exportToTime(TO)))
        .join()
        .exportDescription();
  }

  private Set<Map<String, AttributeValue>> restoredAt(Instant at, String name) {
    local
        .client
        .restoreTableToPointInTime(
            r -> r.sourceTableName("orders").targetTableName(name).restoreDateTime(at))
        .join();
    return new HashSet<>(local.client.scan(r -> r.tableName(name)).join().items());
  }

  private ExportReader dirReader() {
    return new ExportReader(new DirectoryExportStore(dir));
  }

  private Path startWithDirectory() throws Exception {
    Files.createDirectories(dir.resolve("exports"));
    start(EngineConfig.Exports.DEFAULTS.withDirectory(dir));
    return dir.resolve("exports");
  }

  @Test
  void incrementalExport_readsAsTheChangesInTheWindow_withTheHistorysImagesAtBothEnds()
      throws Exception {
    startWithDirectory();
    ExportDescription d = incremental("exports");

    ExportManifest m = dirReader().manifest("exports", d.exportManifest()).block();
    List<ExportChange> changes = dirReader().changes(m, null).collectList().block();

    assertThat(m.incremental()).isTrue();
    assertThat(m.exportArn()).isEqualTo(d.exportArn());
    assertThat(m.tableArn()).isEqualTo(tableArn);
    assertThat(m.fromTime()).isEqualTo(FROM);
    assertThat(m.toTime()).isEqualTo(TO);
    Map<String, ExportChange> byKey = new TreeMap<>();
    changes.forEach(c -> byKey.put(c.key().get("pk").s(), c));
    assertThat(byKey).containsOnlyKeys("a", "b", "c");
    assertThat(byKey.get("a").kind()).isEqualTo(ExportChange.Kind.UPDATE);
    assertThat(byKey.get("b").kind()).isEqualTo(ExportChange.Kind.DELETE);
    assertThat(byKey.get("c").kind()).isEqualTo(ExportChange.Kind.INSERT);
    Set<Map<String, AttributeValue>> atFrom = restoredAt(FROM.minusMillis(1), "orders-from");
    Set<Map<String, AttributeValue>> atTo = restoredAt(TO.minusMillis(1), "orders-to");
    for (ExportChange c : changes) {
      if (c.oldImage() != null) {
        assertThat(atFrom).contains(c.oldImage());
      }
      if (c.newImage() != null) {
        assertThat(atTo).contains(c.newImage());
      }
    }
    assertThat(byKey.get("a").oldImage()).isEqualTo(item("a", "1"));
    assertThat(byKey.get("a").newImage()).isEqualTo(item("a", "2"));
  }

  @Test
  void fullExport_readsAsTheItemsARestoreToThatInstantHolds_withTheirKeys() throws Exception {
    startWithDirectory();
    Instant at = START.plus(Duration.ofMinutes(20));
    ExportDescription d =
        local
            .client
            .exportTableToPointInTime(r -> r.tableArn(tableArn).s3Bucket("exports").exportTime(at))
            .join()
            .exportDescription();

    ExportManifest m = dirReader().manifest("exports", d.exportManifest()).block();
    List<ExportChange> changes = dirReader().changes(m, List.of("pk")).collectList().block();

    assertThat(m.incremental()).isFalse();
    assertThat(m.exportTime()).isEqualTo(at);
    assertThat(changes).allMatch(c -> c.key().equals(Map.of("pk", c.newImage().get("pk"))));
    assertThat(new HashSet<>(changes.stream().map(ExportChange::newImage).toList()))
        .isEqualTo(restoredAt(at, "orders-at"));
  }

  @Test
  void export_withoutManifestSummary_isRefusedAsHalfWritten() throws Exception {
    Path bucket = startWithDirectory();
    ExportDescription d = incremental("exports");
    Files.delete(bucket.resolve(d.exportManifest()));

    assertThatThrownBy(() -> dirReader().manifest("exports", d.exportManifest()).block())
        .isInstanceOf(PitrException.class)
        .hasMessage(
            "Export "
                + bucket.resolve(d.exportManifest())
                + " is incomplete: there is no manifest-summary.json, so the export is still"
                + " IN_PROGRESS, FAILED, or not an export; check it with DescribeExport and read"
                + " it once it is COMPLETED")
        .extracting(e -> ((PitrException) e).code())
        .isEqualTo(ErrorCode.USAGE);
  }

  @Test
  void export_withADataFileMissing_isRefusedBeforeAnyChangeOfThatFile() throws Exception {
    Path bucket = startWithDirectory();
    ExportDescription d = incremental("exports");
    ExportManifest m = dirReader().manifest("exports", d.exportManifest()).block();
    Files.delete(bucket.resolve(m.files().get(0).key()));

    assertThatThrownBy(() -> dirReader().changes(m, null).collectList().block())
        .isInstanceOf(PitrException.class)
        .hasMessage(
            "Export "
                + bucket.resolve(d.exportManifest())
                + " is incomplete: "
                + bucket.resolve(m.files().get(0).key())
                + " is missing; the export was cut short or its files were deleted; export again");
  }

  @Test
  void export_withAnAlteredDataFile_isRefusedAsDamaged() throws Exception {
    Path bucket = startWithDirectory();
    ExportDescription d = incremental("exports");
    ExportManifest m = dirReader().manifest("exports", d.exportManifest()).block();
    Path data = bucket.resolve(m.files().get(0).key());
    byte[] bytes = Files.readAllBytes(data);
    Files.write(data, java.util.Arrays.copyOf(bytes, bytes.length - 4));

    assertThatThrownBy(() -> dirReader().changes(m, null).collectList().block())
        .isInstanceOf(PitrException.class)
        .hasMessageContaining(" does not match its checksum in manifest-files.json");
  }

  @Test
  void incrementalExport_readsTheSameFromMotosS3() throws Exception {
    assumeTrue(MotoServer.executable().isPresent(), "moto_server is not on PATH");
    try (MotoServer moto = MotoServer.start(dir);
        S3AsyncClient s3 =
            S3AsyncClient.builder()
                .httpClientBuilder(TestHttp.netty())
                .endpointOverride(moto.endpoint())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build()) {
      s3.createBucket(r -> r.bucket("exports")).join();
      start(EngineConfig.Exports.DEFAULTS.withS3Endpoint(moto.endpoint()));
      ExportDescription d = incremental("exports");
      ExportReader reader = new ExportReader(new S3ExportStore(s3));

      ExportManifest m = reader.manifest("exports", d.exportManifest()).block();
      List<ExportChange> changes = reader.changes(m, null).collectList().block();

      assertThat(changes)
          .extracting(ExportChange::kind)
          .containsExactlyInAnyOrder(
              ExportChange.Kind.UPDATE, ExportChange.Kind.DELETE, ExportChange.Kind.INSERT);
      assertThatThrownBy(() -> reader.manifest("exports", "nope/manifest-summary.json").block())
          .isInstanceOf(PitrException.class)
          .hasMessageStartingWith(
              "Export s3://exports/nope/manifest-summary.json is incomplete: there is no"
                  + " manifest-summary.json");
    }
  }
}
