package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.export.ExportStore;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** What counts as "the endpoint does not speak S3", and that AWS's own failures pass through. */
class CheckedS3StoreTest {
  private static final String AT = "http://127.0.0.1:8000 (AWS_ENDPOINT_URL)";

  /** A store whose every call fails with {@code e}, or answers {@code bytes}. */
  private static ExportStore store(RuntimeException e, byte[] bytes) {
    return new ExportStore() {
      @Override
      public Mono<byte[]> get(String bucket, String key) {
        return e != null ? Mono.error(e) : Mono.just(bytes);
      }

      @Override
      public Mono<Boolean> bucketExists(String bucket) {
        return e != null ? Mono.error(e) : Mono.just(true);
      }

      @Override
      public String describe(String bucket, String key) {
        return "s3://" + bucket + "/" + key;
      }
    };
  }

  @Test
  void aClientSideFailureAtAConfiguredEndpoint_isAUsageErrorNamingItAndExportDir() {
    ExportStore checked =
        new CheckedS3Store(store(SdkClientException.create("no content"), null), AT);

    assertThatThrownBy(() -> checked.bucketExists("b").block())
        .isInstanceOf(PitrException.class)
        .satisfies(e -> assertThat(((PitrException) e).code()).isEqualTo(ErrorCode.USAGE))
        .hasMessageStartingWith(
            "S3 at "
                + AT
                + " did not answer as S3 when checking bucket b (SdkClientException: no"
                + " content)")
        .hasMessageContaining("--export-dir DIR");
  }

  @Test
  void anErrorWithS3sOwnCode_passesThrough_andOneWithoutIsNotS3() {
    S3Exception denied =
        (S3Exception)
            S3Exception.builder()
                .statusCode(403)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDenied").build())
                .build();
    S3Exception bare = (S3Exception) S3Exception.builder().statusCode(400).build();

    assertThatThrownBy(() -> new CheckedS3Store(store(denied, null), AT).get("b", "k").block())
        .isSameAs(denied);
    assertThatThrownBy(() -> new CheckedS3Store(store(bare, null), AT).get("b", "k").block())
        .isInstanceOf(PitrException.class)
        .hasMessageContaining("did not answer as S3 when reading s3://b/k");
  }

  @Test
  void onAwsItself_aClientSideFailurePassesThrough() {
    SdkClientException e = SdkClientException.create("Unable to load credentials");

    assertThatThrownBy(() -> new CheckedS3Store(store(e, null), null).bucketExists("b").block())
        .isSameAs(e);
  }

  @Test
  void dynamoDbsHealthText_isNotTakenForAnObject() {
    byte[] health = "healthy: dynamodb.us-east-1.amazonaws.com ".getBytes(StandardCharsets.UTF_8);
    byte[] data = "{\"Item\":{}}".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> new CheckedS3Store(store(null, health), AT).get("b", "k").block())
        .hasMessageContaining("it answered with DynamoDB's health text instead of the object");
    assertThat(new CheckedS3Store(store(null, data), AT).get("b", "k").block()).isEqualTo(data);
  }
}
