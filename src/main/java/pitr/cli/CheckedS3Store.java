package pitr.cli;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletionException;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.export.ExportStore;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An S3 export store that says so when the S3 endpoint it was sent to does not speak S3, the usual
 * case being {@code AWS_ENDPOINT_URL} set to {@code pitr local serve} (which serves DynamoDB, and
 * exports to a folder): a client-side failure (a response it could not read, such as an empty
 * answer with a checksum), an error without S3's error code, or an object that is DynamoDB's health
 * text. Each becomes a usage error (exit 2) naming the endpoint, the variable that chose it and the
 * fix, instead of an SDK exception or a manifest that does not parse. Answers S3 gives (no such
 * bucket, access denied), and every failure on AWS itself, pass through as they are.
 */
final class CheckedS3Store implements ExportStore {
  private static final byte[] HEALTH = "healthy: dynamodb.".getBytes(StandardCharsets.US_ASCII);

  private final ExportStore s3;
  private final String endpoint;

  /**
   * @param s3 the store reading through the S3 client
   * @param endpoint where that client sends requests, with the variable that set it ({@code
   *     http://127.0.0.1:8000 (AWS_ENDPOINT_URL)}), or null for AWS
   */
  CheckedS3Store(ExportStore s3, String endpoint) {
    this.s3 = s3;
    this.endpoint = endpoint;
  }

  @Override
  public Mono<byte[]> get(String bucket, String key) {
    return s3.get(bucket, key)
        .onErrorMap(this::notS3, e -> notS3("reading " + describe(bucket, key), e))
        .map(
            b -> {
              if (endpoint != null
                  && b.length >= HEALTH.length
                  && Arrays.equals(b, 0, HEALTH.length, HEALTH, 0, HEALTH.length)) {
                throw notS3(
                    "reading " + describe(bucket, key),
                    "it answered with DynamoDB's health text instead of the object",
                    null);
              }
              return b;
            });
  }

  @Override
  public Mono<Boolean> bucketExists(String bucket) {
    return s3.bucketExists(bucket)
        .onErrorMap(this::notS3, e -> notS3("checking bucket " + bucket, e));
  }

  @Override
  public String describe(String bucket, String key) {
    return s3.describe(bucket, key);
  }

  /**
   * Whether {@code e} says the configured endpoint did not answer as S3 does. Not asked of AWS
   * itself, where a client-side failure is credentials or the network, which the caller reports.
   */
  private boolean notS3(Throwable e) {
    if (endpoint == null) {
      return false;
    }
    Throwable c = unwrapped(e);
    if (c instanceof S3Exception s) {
      return s.awsErrorDetails() == null
          || s.awsErrorDetails().errorCode() == null
          || s.awsErrorDetails().errorCode().isBlank();
    }
    return c instanceof SdkClientException;
  }

  /** {@code e}, or the failure a CompletionException carries. */
  private static Throwable unwrapped(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  private PitrException notS3(String doing, Throwable e) {
    Throwable c = unwrapped(e);
    String why =
        c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
    return notS3(doing, why, c);
  }

  private PitrException notS3(String doing, String why, Throwable cause) {
    return new PitrException(
        ErrorCode.USAGE,
        "S3 at "
            + (endpoint == null ? "AWS" : endpoint)
            + " did not answer as S3 when "
            + doing
            + " ("
            + why
            + "). pitr's embedded engine serves DynamoDB only and writes exports to a folder: read"
            + " them with --export-dir DIR, the folder given to 'pitr local serve --export-dir"
            + " DIR', or point AWS_ENDPOINT_URL_S3 at an S3 endpoint",
        cause);
  }
}
