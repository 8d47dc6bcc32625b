package pitr.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.ExportConflictException;
import software.amazon.awssdk.services.dynamodb.model.ExportDescription;
import software.amazon.awssdk.services.dynamodb.model.ExportStatus;
import software.amazon.awssdk.services.dynamodb.model.ExportSummary;
import software.amazon.awssdk.services.dynamodb.model.ExportTableToPointInTimeRequest;
import software.amazon.awssdk.services.dynamodb.model.ExportType;
import software.amazon.awssdk.services.dynamodb.model.ExportViewType;
import software.amazon.awssdk.services.dynamodb.model.S3SseAlgorithm;

/**
 * {@code pitr local serve --data-dir}: the exports an engine made are still listed and described,
 * and their ClientTokens still honoured, after a restart.
 */
class DurableExportTest {
  private final AdjustableClock clock = AdjustableClock.startingAt(ExportHistory.START);
  @TempDir Path exportDir;
  @TempDir Path dataDir;

  private LocalEngine open() {
    return LocalEngine.open(
        EngineConfig.defaults()
            .withClock(clock)
            .withExports(
                EngineConfig.Exports.DEFAULTS
                    .withDirectory(exportDir)
                    .withDuration(Duration.ofMinutes(5))),
        dataDir);
  }

  private static ExportTableToPointInTimeRequest full(String tableArn) {
    return ExportTableToPointInTimeRequest.builder()
        .tableArn(tableArn)
        .s3Bucket("exports")
        .s3Prefix("nightly")
        .exportTime(ExportHistory.START.plus(Duration.ofMinutes(25)).plusNanos(123_456_789))
        .clientToken("nightly-1")
        .s3SseAlgorithm(S3SseAlgorithm.AES256)
        .build();
  }

  private static List<ExportDescription> describeAll(
      DynamoDbAsyncClient client, List<String> arns) {
    return arns.stream()
        .map(a -> client.describeExport(r -> r.exportArn(a)).join().exportDescription())
        .toList();
  }

  private static List<ExportSummary> listAll(DynamoDbAsyncClient client) {
    return client.listExports(r -> r.maxResults(25)).join().exportSummaries();
  }

  @Test
  void reopenedEngine_listsAndDescribesItsExportsAsBefore() throws Exception {
    Files.createDirectories(exportDir.resolve("exports"));
    String tableArn;
    List<String> arns;
    List<ExportDescription> before;
    List<ExportSummary> listedBefore;
    try (LocalEngine engine = open();
        DynamoDbAsyncClient client = LocalDynamoDbAsyncClient.create(engine)) {
      ExportHistory.write(client, clock);
      tableArn = client.describeTable(r -> r.tableName("orders")).join().table().tableArn();
      String fullArn =
          client.exportTableToPointInTime(full(tableArn)).join().exportDescription().exportArn();
      clock.advance(Duration.ofSeconds(1));
      String incrementalArn =
          client
              .exportTableToPointInTime(
                  r ->
                      r.tableArn(tableArn)
                          .s3Bucket("exports")
                          .exportType(ExportType.INCREMENTAL_EXPORT)
                          .incrementalExportSpecification(
                              s ->
                                  s.exportFromTime(ExportHistory.FROM)
                                      .exportToTime(ExportHistory.TO)
                                      .exportViewType(ExportViewType.NEW_IMAGE)))
              .join()
              .exportDescription()
              .exportArn();
      clock.advance(Duration.ofSeconds(1));
      String failedArn =
          client
              .exportTableToPointInTime(r -> r.tableArn(tableArn).s3Bucket("no-such-bucket"))
              .join()
              .exportDescription()
              .exportArn();
      arns = List.of(fullArn, incrementalArn, failedArn);
      before = describeAll(client, arns);
      listedBefore = listAll(client);
    }
    assertThat(before)
        .extracting(ExportDescription::exportStatus)
        .containsExactly(ExportStatus.IN_PROGRESS, ExportStatus.IN_PROGRESS, ExportStatus.FAILED);

    try (LocalEngine engine = open();
        DynamoDbAsyncClient client = LocalDynamoDbAsyncClient.create(engine)) {
      assertThat(describeAll(client, arns)).isEqualTo(before);
      assertThat(listAll(client)).isEqualTo(listedBefore).hasSize(3);
      assertThat(
              client
                  .exportTableToPointInTime(full(tableArn))
                  .join()
                  .exportDescription()
                  .exportArn())
          .isEqualTo(arns.get(0));
      Throwable reused =
          catchThrowable(
              () ->
                  client
                      .exportTableToPointInTime(
                          full(tableArn).toBuilder().s3Prefix("other").build())
                      .join());
      assertThat(reused).isInstanceOf(CompletionException.class);
      assertThat(reused.getCause()).isInstanceOf(ExportConflictException.class);

      clock.advance(Duration.ofMinutes(5));
      List<ExportDescription> after = describeAll(client, arns);
      assertThat(after)
          .extracting(ExportDescription::exportStatus)
          .containsExactly(ExportStatus.COMPLETED, ExportStatus.COMPLETED, ExportStatus.FAILED);
      assertThat(after.get(0).itemCount()).isEqualTo(3);
      assertThat(after.get(0).exportTime()).isEqualTo(Instant.parse("2026-01-01T00:25:00.123Z"));
    }
  }
}
