package pitr.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.dynamo.MotoServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ExportDescription;
import software.amazon.awssdk.services.dynamodb.model.ExportStatus;
import software.amazon.awssdk.services.dynamodb.model.ExportType;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Exports written through the SDK's S3 client to moto_server's S3 and read back with the S3 client:
 * the same round trips as {@link ExportTest}'s export directory. Skipped where moto_server is not
 * on PATH.
 */
class ExportToS3Test {
  @TempDir static Path logs;
  private static MotoServer moto;
  private static S3Client s3;

  private final AdjustableClock clock = AdjustableClock.startingAt(ExportHistory.START);
  private EngineOverHttp local;
  private DynamoDbAsyncClient client;
  private String tableArn;
  private String bucket;

  @BeforeAll
  static void startMoto() throws Exception {
    assumeTrue(MotoServer.executable().isPresent(), "moto_server is not on PATH");
    moto = MotoServer.start(logs);
    s3 =
        S3Client.builder()
            .endpointOverride(moto.endpoint())
            .region(Region.US_EAST_1)
            .forcePathStyle(true)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .build();
  }

  @AfterAll
  static void stopMoto() {
    if (s3 != null) {
      s3.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  @BeforeEach
  void start() {
    bucket = "exports-" + Long.toHexString(System.nanoTime());
    s3.createBucket(r -> r.bucket(bucket));
    local =
        new EngineOverHttp(
            EngineConfig.defaults()
                .withClock(clock)
                .withExports(EngineConfig.Exports.DEFAULTS.withS3Endpoint(moto.endpoint())));
    client = local.client;
    ExportHistory.write(client, clock);
    tableArn = client.describeTable(r -> r.tableName("orders")).join().table().tableArn();
  }

  @AfterEach
  void stop() {
    if (local != null) {
      local.close();
    }
  }

  private ExportFiles files(ExportDescription d) {
    return new ExportFiles(
        key -> s3.getObjectAsBytes(r -> r.bucket(d.s3Bucket()).key(key)).asByteArray(),
        d.exportManifest());
  }

  @Test
  void fullExportToS3_holdsItemForItemWhatARestoreToThatInstantHolds() {
    Instant at = ExportHistory.START.plus(Duration.ofMinutes(25));

    ExportDescription d =
        client
            .exportTableToPointInTime(
                r -> r.tableArn(tableArn).s3Bucket(bucket).s3Prefix("p/q").exportTime(at))
            .join()
            .exportDescription();

    assertThat(d.exportStatus()).isEqualTo(ExportStatus.COMPLETED);
    assertThat(d.exportManifest()).startsWith("p/q/AWSDynamoDB/");
    Set<Map<String, AttributeValue>> exported = new HashSet<>();
    for (JsonNode line : files(d).lines) {
      exported.add(ExportFiles.item(line, "Item"));
    }
    client
        .restoreTableToPointInTime(
            r -> r.sourceTableName("orders").targetTableName("orders-at").restoreDateTime(at))
        .join();
    assertThat(exported)
        .isEqualTo(new HashSet<>(client.scan(r -> r.tableName("orders-at")).join().items()))
        .hasSize(3);
  }

  @Test
  void incrementalExportToS3_givesTheHistorysImagesAtBothEnds() {
    ExportDescription d =
        client
            .exportTableToPointInTime(
                r ->
                    r.tableArn(tableArn)
                        .s3Bucket(bucket)
                        .exportType(ExportType.INCREMENTAL_EXPORT)
                        .incrementalExportSpecification(
                            s ->
                                s.exportFromTime(ExportHistory.FROM)
                                    .exportToTime(ExportHistory.TO)))
            .join()
            .exportDescription();

    Map<String, JsonNode> byKey = new TreeMap<>();
    for (JsonNode line : files(d).lines) {
      byKey.put(ExportFiles.item(line, "Keys").get("pk").s(), line);
    }
    assertThat(byKey).containsOnlyKeys("a", "b", "c", "e");
    assertThat(ExportFiles.item(byKey.get("a"), "OldImage")).isEqualTo(ExportHistory.item("a", 1));
    assertThat(ExportFiles.item(byKey.get("a"), "NewImage")).isEqualTo(ExportHistory.item("a", 3));
    assertThat(ExportFiles.item(byKey.get("c"), "NewImage")).isNull();
  }

  @Test
  void exportToAMissingS3Bucket_failsWithS3NoSuchBucket() {
    ExportDescription d =
        client
            .exportTableToPointInTime(r -> r.tableArn(tableArn).s3Bucket(bucket + "-missing"))
            .join()
            .exportDescription();

    assertThat(d.exportStatus()).isEqualTo(ExportStatus.FAILED);
    assertThat(d.failureCode()).isEqualTo("S3NoSuchBucket");
  }
}
