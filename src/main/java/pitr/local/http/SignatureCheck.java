package pitr.local.http;

import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.signer.Aws4Signer;
import software.amazon.awssdk.auth.signer.params.Aws4SignerParams;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.regions.Region;

/**
 * Verifies the AWS Signature Version 4 of a request as DynamoDB does: the access key must be the
 * one this server accepts, the request date within 15 minutes of now, and the signature the one the
 * SDK's own signer computes over the request as received (method, path, query, the headers the
 * client signed, and the body) with that key's secret. The region and service are taken from the
 * request's credential scope, so a client may sign for any region.
 */
final class SignatureCheck {
  static final Duration MAX_SKEW = Duration.ofMinutes(15);

  private static final Pattern AUTHORIZATION =
      Pattern.compile(
          "AWS4-HMAC-SHA256\\s+Credential=([^/,\\s]+)/(\\d{8})/([^/,\\s]+)/([^/,\\s]+)/aws4_request"
              + "\\s*,\\s*SignedHeaders=([^,\\s]+)\\s*,\\s*Signature=([0-9a-f]{64})\\s*");

  // The older signer, on purpose: AwsV4HttpSigner always signs an x-amz-content-sha256 header,
  // which the SDK for Java sends but boto3 and the AWS CLI do not, so it cannot recompute theirs.
  @SuppressWarnings("deprecation")
  private static final Aws4Signer SIGNER = Aws4Signer.create();

  private static final Pattern SIGNATURE = Pattern.compile("Signature=([0-9a-f]{64})");
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final String INVALID_TOKEN =
      "The security token included in the request is invalid.";
  private static final String SIGNATURE_MISMATCH =
      "The request signature we calculated does not match the signature you provided. Check your"
          + " AWS Secret Access Key and signing method. Consult the service documentation for"
          + " details.";

  /** Why a request is refused: DynamoDB's error code (of the coral service namespace) and text. */
  record Refusal(String code, String message) {}

  private final AccessKey key;
  private final Clock clock;

  SignatureCheck(AccessKey key, Clock clock) {
    this.key = key;
    this.clock = clock;
  }

  /**
   * Checks one request.
   *
   * @param uri the request target as received, path and query
   * @return null when the request is signed with the accepted key, else why it is refused
   */
  Refusal check(String method, String uri, HttpHeaders headers, byte[] body) {
    String authorization = headers.get("Authorization");
    if (authorization == null) {
      return new Refusal("UnrecognizedClientException", INVALID_TOKEN);
    }
    Matcher auth = AUTHORIZATION.matcher(authorization);
    if (!auth.matches()) {
      return new Refusal(
          "IncompleteSignatureException",
          "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'"
              + " parameters, in an AWS4-HMAC-SHA256 signature.");
    }
    if (!MessageDigest.isEqual(bytes(auth.group(1)), bytes(key.id()))) {
      return new Refusal("UnrecognizedClientException", INVALID_TOKEN);
    }
    String amzDate = headers.get("X-Amz-Date");
    Instant signedAt;
    try {
      signedAt = amzDate == null ? null : AMZ_DATE.parse(amzDate, Instant::from);
    } catch (DateTimeParseException e) {
      signedAt = null;
    }
    if (signedAt == null) {
      return new Refusal(
          "IncompleteSignatureException",
          "Authorization header requires existence of a valid 'X-Amz-Date' header.");
    }
    Instant now = clock.instant();
    if (signedAt.isBefore(now.minus(MAX_SKEW))) {
      return new Refusal(
          "InvalidSignatureException",
          "Signature expired: "
              + amzDate
              + " is now earlier than "
              + AMZ_DATE.format(now.minus(MAX_SKEW))
              + " ("
              + AMZ_DATE.format(now)
              + " - 15 min.)");
    }
    if (signedAt.isAfter(now.plus(MAX_SKEW))) {
      return new Refusal(
          "InvalidSignatureException",
          "Signature not yet current: "
              + amzDate
              + " is still later than "
              + AMZ_DATE.format(now.plus(MAX_SKEW))
              + " ("
              + AMZ_DATE.format(now)
              + " + 15 min.)");
    }
    String expected;
    try {
      expected = signature(method, uri, headers, body, auth, signedAt);
    } catch (RuntimeException e) {
      // A request the signer cannot even rebuild (a bad Host header, say) is not signed right.
      expected = null;
    }
    if (expected == null || !MessageDigest.isEqual(bytes(expected), bytes(auth.group(6)))) {
      return new Refusal("InvalidSignatureException", SIGNATURE_MISMATCH);
    }
    return null;
  }

  /** The signature the SDK's signer gives the request as received, or null if it gives none. */
  @SuppressWarnings("deprecation")
  private String signature(
      String method, String uri, HttpHeaders headers, byte[] body, Matcher auth, Instant signedAt) {
    URI target = URI.create(uri);
    URI host = URI.create("http://" + headers.get("Host", "localhost"));
    SdkHttpFullRequest.Builder request =
        SdkHttpFullRequest.builder()
            .method(SdkHttpMethod.fromValue(method))
            .protocol("http")
            .host(host.getHost())
            .port(host.getPort() < 0 ? 80 : host.getPort())
            .encodedPath(target.getRawPath() == null ? "/" : target.getRawPath());
    String query = target.getRawQuery();
    if (query != null && !query.isEmpty()) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        request.appendRawQueryParameter(decode(name), decode(value));
      }
    }
    for (String name : auth.group(5).split(";")) {
      List<String> values = headers.getAll(name);
      if (!values.isEmpty()) {
        request.putHeader(name, values);
      }
    }
    Aws4SignerParams params =
        Aws4SignerParams.builder()
            .awsCredentials(AwsBasicCredentials.create(key.id(), key.secret()))
            .signingName(auth.group(4))
            .signingRegion(Region.of(auth.group(3)))
            .signingClockOverride(Clock.fixed(signedAt, ZoneOffset.UTC))
            .build();
    request.contentStreamProvider(ContentStreamProvider.fromByteArrayUnsafe(body));
    String signed =
        SIGNER.sign(request.build(), params).firstMatchingHeader("Authorization").orElse("");
    Matcher m = SIGNATURE.matcher(signed);
    return m.find() ? m.group(1) : null;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
