package pitr.local.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.signer.Aws4Signer;
import software.amazon.awssdk.auth.signer.params.Aws4SignerParams;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.regions.Region;

/** The date checks of {@link SignatureCheck}, with a fixed clock instead of a skewed one. */
class SignatureCheckTest {
  private static final AccessKey KEY = new AccessKey("AKIDPITR", "secret");
  private static final Instant SIGNED_AT = Instant.parse("2025-03-01T12:00:00Z");
  private static final byte[] BODY = "{}".getBytes(StandardCharsets.UTF_8);

  /** A ListTables request signed at {@link #SIGNED_AT}, as the server receives it. */
  @SuppressWarnings("deprecation")
  private static HttpHeaders signedHeaders() {
    SdkHttpFullRequest signed =
        Aws4Signer.create()
            .sign(
                SdkHttpFullRequest.builder()
                    .method(SdkHttpMethod.POST)
                    .protocol("http")
                    .host("127.0.0.1")
                    .port(8000)
                    .encodedPath("/")
                    .putHeader("Content-Type", "application/x-amz-json-1.0")
                    .putHeader("X-Amz-Target", "DynamoDB_20120810.ListTables")
                    .contentStreamProvider(ContentStreamProvider.fromByteArray(BODY))
                    .build(),
                Aws4SignerParams.builder()
                    .awsCredentials(AwsBasicCredentials.create(KEY.id(), KEY.secret()))
                    .signingName("dynamodb")
                    .signingRegion(Region.US_EAST_1)
                    .signingClockOverride(Clock.fixed(SIGNED_AT, ZoneOffset.UTC))
                    .build());
    HttpHeaders headers = new DefaultHttpHeaders();
    signed.headers().forEach((name, values) -> values.forEach(v -> headers.add(name, v)));
    if (!headers.contains("Host")) {
      headers.add("Host", "127.0.0.1:8000");
    }
    return headers;
  }

  private static SignatureCheck.Refusal checkAt(Instant now) {
    return new SignatureCheck(KEY, Clock.fixed(now, ZoneOffset.UTC))
        .check("POST", "/", signedHeaders(), BODY);
  }

  @Test
  void requestSignedWithinFifteenMinutes_passes() {
    assertThat(checkAt(SIGNED_AT)).isNull();
    assertThat(checkAt(SIGNED_AT.plus(Duration.ofMinutes(14)))).isNull();
    assertThat(checkAt(SIGNED_AT.minus(Duration.ofMinutes(14)))).isNull();
  }

  @Test
  void requestSignedMoreThanFifteenMinutesAgo_isExpired() {
    assertThat(checkAt(SIGNED_AT.plus(Duration.ofMinutes(16))))
        .isEqualTo(
            new SignatureCheck.Refusal(
                "InvalidSignatureException",
                "Signature expired: 20250301T120000Z is now earlier than 20250301T120100Z"
                    + " (20250301T121600Z - 15 min.)"));
  }

  @Test
  void requestSignedMoreThanFifteenMinutesAhead_isNotYetCurrent() {
    assertThat(checkAt(SIGNED_AT.minus(Duration.ofMinutes(16))))
        .isEqualTo(
            new SignatureCheck.Refusal(
                "InvalidSignatureException",
                "Signature not yet current: 20250301T120000Z is still later than 20250301T115900Z"
                    + " (20250301T114400Z + 15 min.)"));
  }

  @Test
  void requestWithoutADate_isIncomplete() {
    HttpHeaders headers = signedHeaders();
    headers.remove("X-Amz-Date");

    assertThat(new SignatureCheck(KEY, Clock.systemUTC()).check("POST", "/", headers, BODY))
        .isEqualTo(
            new SignatureCheck.Refusal(
                "IncompleteSignatureException",
                "Authorization header requires existence of a valid 'X-Amz-Date' header."));
  }

  @Test
  void malformedAuthorization_isIncomplete() {
    HttpHeaders headers = signedHeaders();
    headers.set("Authorization", "Bearer abc");

    assertThat(
            new SignatureCheck(KEY, Clock.fixed(SIGNED_AT, ZoneOffset.UTC))
                .check("POST", "/", headers, BODY))
        .isEqualTo(
            new SignatureCheck.Refusal(
                "IncompleteSignatureException",
                "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'"
                    + " parameters, in an AWS4-HMAC-SHA256 signature."));
  }
}
