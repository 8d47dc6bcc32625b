package pitr.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ExportConflictException;
import software.amazon.awssdk.services.dynamodb.model.ExportDescription;
import software.amazon.awssdk.services.dynamodb.model.ExportFormat;
import software.amazon.awssdk.services.dynamodb.model.ExportNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ExportStatus;
import software.amazon.awssdk.services.dynamodb.model.ExportSummary;
import software.amazon.awssdk.services.dynamodb.model.ExportTableToPointInTimeRequest;
import software.amazon.awssdk.services.dynamodb.model.ExportType;
import software.amazon.awssdk.services.dynamodb.model.ExportViewType;
import software.amazon.awssdk.services.dynamodb.model.InvalidExportTimeException;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryUnavailableException;
import software.amazon.awssdk.services.dynamodb.model.TableNotFoundException;

/**
 * Point-in-time exports through the real SDK client over HTTP, to an export directory, on a moved
 * clock: the files round-trip (a full export at T holds what a restore to T holds; an incremental
 * export's images are the history's), and every refusal and state DynamoDB has.
 */
class ExportTest {
  private final AdjustableClock clock = AdjustableClock.startingAt(ExportHistory.START);
  @TempDir Path dir;
  private EngineOverHttp local;
  private DynamoDbAsyncClient client;
  private String tableArn;

  private void start(EngineConfig.Exports exports) throws IOException {
    Files.createDirectories(dir.resolve("exports"));
    local =
        new EngineOverHttp(
            EngineConfig.defaults().withClock(clock).withExports(exports.withDirectory(dir)));
    client = local.client;
    ExportHistory.write(client, clock);
    tableArn = client.describeTable(r -> r.tableName("orders")).join().table().tableArn();
  }

  private void start() throws IOException {
    start(EngineConfig.Exports.DEFAULTS);
  }

  @AfterEach
  void stop() {
    if (local != null) {
      local.close();
    }
  }

  private ExportDescription export(ExportTableToPointInTimeRequest.Builder r) {
    return client
        .exportTableToPointInTime(r.tableArn(tableArn).s3Bucket("exports").build())
        .join()
        .exportDescription();
  }

  private ExportDescription incremental(Instant from, Instant to) {
    return export(
        ExportTableToPointInTimeRequest.builder()
            .exportType(ExportType.INCREMENTAL_EXPORT)
            .incrementalExportSpecification(s -> s.exportFromTime(from).exportToTime(to)));
  }

  private ExportFiles files(ExportDescription d) {
    Path bucket = dir.resolve(d.s3Bucket());
    return new ExportFiles(
        key -> {
          try {
            return Files.readAllBytes(bucket.resolve(key));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        d.exportManifest());
  }

  private Set<Map<String, AttributeValue>> restoredAt(Instant at) {
    client
        .restoreTableToPointInTime(
            r -> r.sourceTableName("orders").targetTableName("orders-at").restoreDateTime(at))
        .join();
    return new HashSet<>(client.scan(r -> r.tableName("orders-at")).join().items());
  }

  @Test
  void fullExport_atAnInstant_holdsItemForItemWhatARestoreToThatInstantHolds() throws Exception {
    start();
    Instant at = ExportHistory.START.plus(Duration.ofMinutes(25));

    ExportDescription d =
        export(ExportTableToPointInTimeRequest.builder().exportTime(at).s3Prefix("nightly"));

    assertThat(d.exportStatus()).isEqualTo(ExportStatus.COMPLETED);
    assertThat(d.exportManifest())
        .matches("nightly/AWSDynamoDB/\\d{14}-[0-9a-f]{8}/manifest-summary\\.json");
    assertThat(d.exportArn()).startsWith(tableArn + "/export/");
    assertThat(d.exportTime()).isEqualTo(at);
    assertThat(d.itemCount()).isEqualTo(3);
    ExportFiles files = files(d);
    Set<Map<String, AttributeValue>> exported = new HashSet<>();
    for (JsonNode line : files.lines) {
      assertThat(line.fieldNames()).toIterable().containsExactly("Item");
      exported.add(ExportFiles.item(line, "Item"));
    }
    assertThat(exported)
        .isEqualTo(restoredAt(at))
        .containsExactlyInAnyOrder(
            ExportHistory.item("a", 3), ExportHistory.item("b", 1), ExportHistory.item("d", 1));
    assertThat(files.summary.get("exportType").asText()).isEqualTo("FULL_EXPORT");
    assertThat(files.summary.get("outputFormat").asText()).isEqualTo("DYNAMODB_JSON");
    assertThat(files.summary.get("exportTime").asText()).isEqualTo(at.toString());
    assertThat(files.summary.get("s3Bucket").asText()).isEqualTo("exports");
  }

  @Test
  void incrementalExport_givesEachItemWrittenInTheWindow_itsImagesAtBothEnds() throws Exception {
    start();

    ExportDescription d = incremental(ExportHistory.FROM, ExportHistory.TO);

    assertThat(d.exportType()).isEqualTo(ExportType.INCREMENTAL_EXPORT);
    assertThat(d.incrementalExportSpecification().exportViewType())
        .isEqualTo(ExportViewType.NEW_AND_OLD_IMAGES);
    assertThat(d.itemCount()).isEqualTo(4);
    Map<String, JsonNode> byKey = new java.util.TreeMap<>();
    for (JsonNode line : files(d).lines) {
      byKey.put(ExportFiles.item(line, "Keys").get("pk").s(), line);
      assertThat(ExportFiles.item(line, "Keys"))
          .isEqualTo(ExportHistory.key(ExportFiles.item(line, "Keys").get("pk").s()));
    }
    assertThat(byKey).containsOnlyKeys("a", "b", "c", "e");
    assertThat(ExportFiles.item(byKey.get("a"), "OldImage")).isEqualTo(ExportHistory.item("a", 1));
    assertThat(ExportFiles.item(byKey.get("a"), "NewImage")).isEqualTo(ExportHistory.item("a", 3));
    assertThat(byKey.get("a").get("Metadata").get("WriteTimestampMicros").get("N").asText())
        .isEqualTo(
            Long.toString(ExportHistory.START.plus(Duration.ofMinutes(20)).toEpochMilli() * 1000));
    assertThat(byKey.get("b").has("OldImage")).isFalse();
    assertThat(ExportFiles.item(byKey.get("b"), "NewImage")).isEqualTo(ExportHistory.item("b", 1));
    assertThat(ExportFiles.item(byKey.get("c"), "OldImage")).isEqualTo(ExportHistory.item("c", 1));
    assertThat(byKey.get("c").has("NewImage")).isFalse();
    assertThat(byKey.get("e").has("OldImage") || byKey.get("e").has("NewImage")).isFalse();
  }

  @Test
  void incrementalExport_withNewImageView_leavesOutTheOldImages() throws Exception {
    start();

    ExportDescription d =
        export(
            ExportTableToPointInTimeRequest.builder()
                .exportType(ExportType.INCREMENTAL_EXPORT)
                .incrementalExportSpecification(
                    s ->
                        s.exportFromTime(ExportHistory.FROM)
                            .exportToTime(ExportHistory.TO)
                            .exportViewType(ExportViewType.NEW_IMAGE)));

    List<JsonNode> lines = files(d).lines;
    assertThat(lines).hasSize(4).noneMatch(l -> l.has("OldImage"));
  }

  @Test
  void export_whenPitrIsOff_isRefusedWithPointInTimeRecoveryUnavailable() throws Exception {
    start();
    client
        .updateContinuousBackups(
            r ->
                r.tableName("orders")
                    .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(false)))
        .join();

    assertThatThrownBy(() -> export(ExportTableToPointInTimeRequest.builder()))
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(PointInTimeRecoveryUnavailableException.class)
        .hasMessageStartingWith("Point in time recovery is not enabled for table 'orders'");
  }

  @Test
  void incrementalExport_whenTheWindowIsShorterThan15Minutes_isRefused() throws Exception {
    start();

    assertThatThrownBy(
            () -> incremental(ExportHistory.FROM, ExportHistory.FROM.plus(Duration.ofMinutes(5))))
        .cause()
        .isInstanceOf(DynamoDbException.class)
        .hasMessageStartingWith(
            "The incremental export period from ExportFromTime 2026-01-01T00:10:00Z to"
                + " ExportToTime 2026-01-01T00:15:00Z is 5 minutes; it must be at least 15"
                + " minutes and at most 24 hours")
        .extracting(e -> ((DynamoDbException) e).awsErrorDetails().errorCode())
        .isEqualTo("ValidationException");
  }

  @Test
  void incrementalExport_whenTheWindowIsLongerThan24Hours_isRefused() throws Exception {
    start();
    clock.advance(Duration.ofHours(30));

    assertThatThrownBy(
            () -> incremental(ExportHistory.FROM, ExportHistory.FROM.plus(Duration.ofHours(25))))
        .cause()
        .hasMessageContaining("is 25 hours; it must be at least 15 minutes and at most 24 hours");
  }

  @Test
  void incrementalExport_whenTheMinimumWindowIsLowered_takesAShorterWindow() throws Exception {
    start(EngineConfig.Exports.DEFAULTS.withMinWindow(Duration.ofMinutes(1)));

    ExportDescription d =
        incremental(ExportHistory.FROM, ExportHistory.FROM.plus(Duration.ofMinutes(2)));

    assertThat(d.exportStatus()).isEqualTo(ExportStatus.COMPLETED);
    assertThat(d.itemCount()).isEqualTo(1);
  }

  @Test
  void export_outsideTheRecoveryPeriod_isRefusedWithInvalidExportTime() throws Exception {
    start();
    Instant beforePitr = ExportHistory.START.minus(Duration.ofMinutes(1));

    assertThatThrownBy(() -> incremental(beforePitr, ExportHistory.TO))
        .cause()
        .isInstanceOf(InvalidExportTimeException.class)
        .hasMessageStartingWith(
            "ExportFromTime 2025-12-31T23:59:00Z is outside the point in time recovery period"
                + " [2026-01-01T00:00:00Z, 2026-01-01T00:40:00Z] of table orders");
    assertThatThrownBy(
            () -> incremental(ExportHistory.TO, ExportHistory.END.plus(Duration.ofMinutes(5))))
        .cause()
        .isInstanceOf(InvalidExportTimeException.class)
        .hasMessageStartingWith("ExportToTime 2026-01-01T00:45:00Z is outside");
    assertThatThrownBy(
            () -> export(ExportTableToPointInTimeRequest.builder().exportTime(beforePitr)))
        .cause()
        .isInstanceOf(InvalidExportTimeException.class)
        .hasMessageStartingWith("ExportTime 2025-12-31T23:59:00Z is outside");
  }

  @Test
  void export_inIonFormat_isRefusedNamingTheFormatTheEngineWrites() throws Exception {
    start();

    assertThatThrownBy(
            () -> export(ExportTableToPointInTimeRequest.builder().exportFormat(ExportFormat.ION)))
        .cause()
        .hasMessageStartingWith(
            "ExportFormat ION is not supported by the pitr local engine, which writes"
                + " DYNAMODB_JSON only; omit ExportFormat or set it to DYNAMODB_JSON");
  }

  @Test
  void export_ofATableThatDoesNotExist_isRefusedWithTableNotFound() throws Exception {
    start();

    assertThatThrownBy(
            () ->
                client
                    .exportTableToPointInTime(
                        r -> r.tableArn(tableArn + "-gone").s3Bucket("exports"))
                    .join())
        .cause()
        .isInstanceOf(TableNotFoundException.class);
  }

  @Test
  void export_toABucketThatDoesNotExist_failsWithS3NoSuchBucket_andWritesNothing()
      throws Exception {
    start();

    ExportDescription d =
        client
            .exportTableToPointInTime(r -> r.tableArn(tableArn).s3Bucket("no-such-bucket"))
            .join()
            .exportDescription();

    assertThat(d.exportStatus()).isEqualTo(ExportStatus.FAILED);
    assertThat(d.failureCode()).isEqualTo("S3NoSuchBucket");
    assertThat(d.failureMessage()).isEqualTo("The specified bucket does not exist");
    assertThat(d.exportManifest()).isNull();
    assertThat(dir.resolve("no-such-bucket")).doesNotExist();
  }

  @Test
  void export_staysInProgressForTheExportDuration_thenIsCompleted_andListed() throws Exception {
    start(EngineConfig.Exports.DEFAULTS.withDuration(Duration.ofMinutes(10)));

    ExportDescription started = export(ExportTableToPointInTimeRequest.builder());
    ExportDescription second = incremental(ExportHistory.FROM, ExportHistory.TO);

    assertThat(started.exportStatus()).isEqualTo(ExportStatus.IN_PROGRESS);
    assertThat(started.itemCount()).isNull();
    assertThat(started.exportManifest()).isNull();
    assertThat(started.exportTime()).isEqualTo(ExportHistory.END);
    assertThat(describe(started).exportStatus()).isEqualTo(ExportStatus.IN_PROGRESS);
    assertThat(list(null))
        .extracting(
            ExportSummary::exportArn, ExportSummary::exportStatus, ExportSummary::exportType)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                started.exportArn(), ExportStatus.IN_PROGRESS, ExportType.FULL_EXPORT),
            org.assertj.core.groups.Tuple.tuple(
                second.exportArn(), ExportStatus.IN_PROGRESS, ExportType.INCREMENTAL_EXPORT));

    clock.advance(Duration.ofMinutes(10));

    ExportDescription done = describe(started);
    assertThat(done.exportStatus()).isEqualTo(ExportStatus.COMPLETED);
    assertThat(done.itemCount()).isEqualTo(4);
    assertThat(done.endTime()).isEqualTo(ExportHistory.END.plus(Duration.ofMinutes(10)));
    assertThat(files(done).lines).hasSize(4);
    assertThat(list(tableArn))
        .extracting(ExportSummary::exportStatus)
        .containsOnly(ExportStatus.COMPLETED);
    assertThat(list(tableArn + "-other")).isEmpty();
  }

  @Test
  void listExports_pagesWithNextToken() throws Exception {
    start();
    for (int i = 0; i < 3; i++) {
      export(ExportTableToPointInTimeRequest.builder());
      clock.advance(Duration.ofSeconds(1));
    }

    var page = client.listExports(r -> r.maxResults(2)).join();
    var rest = client.listExports(r -> r.maxResults(2).nextToken(page.nextToken())).join();

    assertThat(page.exportSummaries()).hasSize(2);
    assertThat(rest.exportSummaries()).hasSize(1);
    assertThat(rest.nextToken()).isNull();
  }

  @Test
  void export_withTheSameClientToken_isTheSameExport_andWithOtherParametersIsRefused()
      throws Exception {
    start();
    Instant at = ExportHistory.START.plus(Duration.ofMinutes(25));

    ExportDescription first =
        export(ExportTableToPointInTimeRequest.builder().exportTime(at).clientToken("t-1"));
    ExportDescription again =
        export(ExportTableToPointInTimeRequest.builder().exportTime(at).clientToken("t-1"));

    assertThat(again.exportArn()).isEqualTo(first.exportArn());
    assertThat(list(null)).hasSize(1);
    assertThatThrownBy(
            () ->
                export(
                    ExportTableToPointInTimeRequest.builder()
                        .exportTime(at.plusSeconds(1))
                        .clientToken("t-1")))
        .cause()
        .isInstanceOf(ExportConflictException.class)
        .hasMessageContaining("ClientToken t-1 was used by export " + first.exportArn());
  }

  @Test
  void describeExport_ofAnUnknownArn_isExportNotFound() throws Exception {
    start();

    assertThatThrownBy(
            () -> client.describeExport(r -> r.exportArn(tableArn + "/export/nope")).join())
        .cause()
        .isInstanceOf(ExportNotFoundException.class);
  }

  private ExportDescription describe(ExportDescription d) {
    return client.describeExport(r -> r.exportArn(d.exportArn())).join().exportDescription();
  }

  private List<ExportSummary> list(String table) {
    return client.listExports(r -> r.tableArn(table)).join().exportSummaries();
  }
}
