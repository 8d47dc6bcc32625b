package pitr.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.TestHttp;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.LocalTarget;
import pitr.dynamo.MotoServer;
import pitr.files.SealedLines;
import pitr.local.AdjustableClock;
import pitr.local.EngineConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ExportDescription;
import software.amazon.awssdk.services.dynamodb.model.ExportStatus;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Exports requested through the toolkit's {@link Exporter} from the embedded engine (through the
 * SDK client, on a moved clock): checked before they are asked for, waited for with progress, and
 * read back as a {@link ChangeReport}.
 */
class ExporterTest {
  private static final Instant START = Instant.parse("2026-03-01T00:00:00Z");
  private static final Instant FROM = START.plus(Duration.ofMinutes(10));
  private static final Instant TO = START.plus(Duration.ofMinutes(30));
  private static final String FIX = "do the other thing";

  @TempDir Path dir;
  private final AdjustableClock clock = AdjustableClock.startingAt(START);
  private LocalTarget local;
  private DynamoDbGateway gateway;

  private void start(EngineConfig.Exports exports) {
    local = new LocalTarget(EngineConfig.defaults().withClock(clock).withExports(exports));
    gateway = DynamoDbGateway.create(local.client, local.endpoint());
    local.createTable("orders");
    local.enablePitr("orders");
    clock.advance(Duration.ofMinutes(1));
    put("a", "1");
    put("b", "1");
    put("d", "1");
    clock.advance(Duration.ofMinutes(11));
    put("a", "2");
    put("c", "1");
    put("d", "1");
    put("e", "1");
    local.client.deleteItem(r -> r.tableName("orders").key(Map.of("pk", s("b")))).join();
    local.client.deleteItem(r -> r.tableName("orders").key(Map.of("pk", s("e")))).join();
    clock.advance(Duration.ofMinutes(20));
  }

  private Exporter exporter() throws Exception {
    Files.createDirectories(dir.resolve("s3/exports"));
    return Exporter.create(gateway, new DirectoryExportStore(dir.resolve("s3")), clock)
        .polling(Duration.ofMillis(1));
  }

  private void startWithDirectory(Duration exportDuration) {
    start(
        EngineConfig.Exports.DEFAULTS
            .withDirectory(dir.resolve("s3"))
            .withDuration(exportDuration));
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

  private void put(String pk, String v) {
    local
        .client
        .putItem(r -> r.tableName("orders").item(Map.of("pk", s(pk), "v", AttributeValue.fromN(v))))
        .join();
  }

  private Exporter.ExportRequest window(String bucket, Instant from, Instant to) {
    return new Exporter.ExportRequest("orders", from, to, bucket, "p");
  }

  private int exports() {
    return local.client.listExports(r -> {}).join().exportSummaries().size();
  }

  @Test
  void export_isWaitedForWithProgress_andReadsAsTheWindowsChanges() throws Exception {
    startWithDirectory(Duration.ofMinutes(3));
    Exporter exporter = exporter();
    List<ExportStatus> seen = new ArrayList<>();

    ExportDescription started = exporter.start(window("exports", FROM, TO), FIX).block();
    ExportDescription done =
        exporter
            .await(
                started.exportArn(),
                Duration.ofMinutes(1),
                d -> {
                  seen.add(d.exportStatus());
                  clock.advance(Duration.ofMinutes(1));
                })
            .block();
    ExportManifest m = exporter.manifest(done).block();
    Path keys = dir.resolve("keys.jsonl");
    ChangeReport report = ChangeReport.read(exporter.reader(), m, 1, keys).block();

    assertThat(started.exportStatus()).isEqualTo(ExportStatus.IN_PROGRESS);
    assertThat(seen)
        .containsExactly(
            ExportStatus.IN_PROGRESS,
            ExportStatus.IN_PROGRESS,
            ExportStatus.IN_PROGRESS,
            ExportStatus.COMPLETED);
    assertThat(m.fromTime()).isEqualTo(FROM);
    assertThat(m.toTime()).isEqualTo(TO);
    assertThat(done.s3Prefix()).isEqualTo("p");
    assertThat(report.inserts()).isEqualTo(1);
    assertThat(report.updates()).isEqualTo(1);
    assertThat(report.deletes()).isEqualTo(1);
    assertThat(report.unchanged()).isEqualTo(2);
    assertThat(report.samples().get(ExportChange.Kind.UPDATE))
        .containsExactly("{\"pk\":{\"S\":\"a\"}}");
    assertThat(SealedLines.readAll(keys, "keys", "again"))
        .containsExactlyInAnyOrder(
            "{\"pk\":{\"S\":\"a\"}}", "{\"pk\":{\"S\":\"b\"}}", "{\"pk\":{\"S\":\"c\"}}");
  }

  @Test
  void exportRequest_takesItsInstantsToTheMillisecond_asDynamoDbTakesThem() {
    Exporter.ExportRequest r =
        window(
            "exports",
            Instant.parse("2026-03-01T00:10:00.123456Z"),
            Instant.parse("2026-03-01T00:30:00.987654321Z"));

    assertThat(r.from()).isEqualTo(Instant.parse("2026-03-01T00:10:00.123Z"));
    assertThat(r.to()).isEqualTo(Instant.parse("2026-03-01T00:30:00.987Z"));
    assertThat(
            new Exporter.ExportRequest(
                    "orders", null, Instant.parse("2026-03-01T00:30:00.0009Z"), "b", null)
                .to())
        .isEqualTo(Instant.parse("2026-03-01T00:30:00Z"));
  }

  @Test
  void export_ofADayAndLessThanAMillisecond_isExportedAsTheDayDynamoDbTakes() throws Exception {
    startWithDirectory(Duration.ZERO);
    clock.advance(Duration.ofHours(24));
    Instant from = FROM.plusNanos(250_000);
    Instant to = FROM.plus(Duration.ofHours(24)).plusNanos(750_000);

    ExportDescription d = exporter().start(window("exports", from, to), FIX).block();

    assertThat(d.incrementalExportSpecification().exportFromTime()).isEqualTo(FROM);
    assertThat(d.incrementalExportSpecification().exportToTime())
        .isEqualTo(FROM.plus(Duration.ofHours(24)));
  }

  @Test
  void export_ofAWindowInsideOneMillisecond_isRefusedAsEmptyBeforeItIsRequested() throws Exception {
    startWithDirectory(Duration.ZERO);

    assertThatThrownBy(
            () ->
                exporter()
                    .start(window("exports", FROM.plusNanos(100_000), FROM.plusNanos(900_000)), FIX)
                    .block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "--to 2026-03-01T00:10:00Z is not after --from 2026-03-01T00:10:00Z; an incremental"
                + " export covers [FROM, TO), so pass the earlier instant as --from. Nothing was"
                + " changed.");
    assertThat(exports()).isZero();
  }

  @Test
  void export_stillInProgressAfterTheTimeout_failsNamingTheExportToPickUp() throws Exception {
    startWithDirectory(Duration.ofHours(1));
    Exporter exporter = exporter();
    ExportDescription started = exporter.start(window("exports", FROM, TO), FIX).block();

    assertThatThrownBy(
            () -> exporter.await(started.exportArn(), Duration.ofMillis(50), d -> {}).block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FAILED))
        .hasMessage(
            "Export "
                + started.exportArn()
                + " is still IN_PROGRESS after 50ms; it goes on in DynamoDB: pass --export "
                + started.exportArn()
                + " to use it once it is COMPLETED, or wait longer with a larger timeout");
  }

  @Test
  void export_toABucketThatDoesNotExist_isRefusedBeforeItIsRequested() throws Exception {
    startWithDirectory(Duration.ZERO);

    assertThatThrownBy(() -> exporter().start(window("nope", FROM, TO), FIX).block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "Bucket nope does not exist ("
                + dir.resolve("s3/nope")
                + "); create it first or pass another --bucket. Nothing was exported.");
    assertThat(exports()).isZero();
  }

  @Test
  void export_ofAWindowOverADayOrOutOfOrder_isRefusedBeforeItIsRequested() throws Exception {
    startWithDirectory(Duration.ZERO);
    Exporter exporter = exporter();

    assertThatThrownBy(
            () ->
                exporter.start(window("exports", TO.minus(Duration.ofHours(25)), TO), FIX).block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REFUSED))
        .hasMessage(
            "The window --from 2026-02-27T23:30:00Z to --to 2026-03-01T00:30:00Z is 1d1h, and an"
                + " incremental export covers at most 24h; do the other thing. Nothing was"
                + " changed.");
    assertThatThrownBy(() -> exporter.start(window("exports", TO, FROM), FIX).block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "--to 2026-03-01T00:10:00Z is not after --from 2026-03-01T00:30:00Z; an incremental"
                + " export covers [FROM, TO), so pass the earlier instant as --from. Nothing was"
                + " changed.");
    assertThat(exports()).isZero();
  }

  @Test
  void export_shorterThanTheServiceTakes_isRefusedWithItsMessageAndTheFix() throws Exception {
    startWithDirectory(Duration.ZERO);

    assertThatThrownBy(
            () ->
                exporter()
                    .start(window("exports", FROM, FROM.plus(Duration.ofMinutes(5))), FIX)
                    .block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REFUSED))
        .hasMessage(
            "DynamoDB refused the export of table orders: The incremental export period from"
                + " ExportFromTime 2026-03-01T00:10:00Z to ExportToTime 2026-03-01T00:15:00Z is 5"
                + " minutes; it must be at least 15 minutes and at most 24 hours; do the other"
                + " thing. Nothing was exported.");
    assertThat(exports()).isZero();
  }

  @Test
  void export_whenPitrIsOffOrBeforeTheWindow_isRefused() throws Exception {
    startWithDirectory(Duration.ZERO);
    local.createTable("plain");

    assertThatThrownBy(
            () ->
                exporter()
                    .start(new Exporter.ExportRequest("plain", FROM, TO, "exports", null), FIX)
                    .block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REFUSED))
        .hasMessageStartingWith("Point-in-time recovery is off for table plain");
    assertThatThrownBy(
            () ->
                exporter()
                    .start(window("exports", START.minus(Duration.ofMinutes(5)), TO), FIX)
                    .block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REFUSED))
        .hasMessageStartingWith(
            "--from 2026-02-28T23:55:00Z is outside the restore window of table orders");
    assertThat(exports()).isZero();
  }

  @Test
  void changeReport_ofADamagedExport_leavesNoKeysFile() throws Exception {
    startWithDirectory(Duration.ZERO);
    Exporter exporter = exporter();
    ExportDescription d = exporter.start(window("exports", FROM, TO), FIX).block();
    ExportManifest m =
        exporter
            .manifest(exporter.await(d.exportArn(), Duration.ofMinutes(1), x -> {}).block())
            .block();
    Path data = dir.resolve("s3/exports").resolve(m.files().get(0).key());
    byte[] bytes = Files.readAllBytes(data);
    Files.write(data, java.util.Arrays.copyOf(bytes, bytes.length - 3));
    Path keys = dir.resolve("keys.jsonl");

    assertThatThrownBy(() -> ChangeReport.read(exporter.reader(), m, 5, keys).block())
        .isInstanceOf(PitrException.class)
        .hasMessageContaining("does not match its checksum in manifest-files.json");
    assertThat(keys).doesNotExist();
  }

  @Test
  void export_toMotosS3_isCheckedForItsBucketAndReadBack() throws Exception {
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
      Exporter exporter = Exporter.create(gateway, new S3ExportStore(s3), clock);

      assertThatThrownBy(() -> exporter.start(window("nope", FROM, TO), FIX).block())
          .hasMessage(
              "Bucket nope does not exist (s3://nope/); create it first or pass another --bucket."
                  + " Nothing was exported.");
      ExportDescription d = exporter.start(window("exports", FROM, TO), FIX).block();
      ExportManifest m =
          exporter
              .manifest(exporter.await(d.exportArn(), Duration.ofMinutes(1), x -> {}).block())
              .block();
      ChangeReport report = ChangeReport.read(exporter.reader(), m, 5, null).block();

      assertThat(report.changed()).isEqualTo(3);
      assertThat(m.exportArn()).isEqualTo(d.exportArn());
    }
  }
}
