package pitr.local.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * What DynamoDB's endpoint does at the HTTP level besides the operations: 52-character request IDs,
 * the 16 MB request limit (413), CORS headers and preflight answers for browser clients, and the
 * health answer to {@code GET /}.
 */
final class HttpConventions {
  private HttpConventions() {}

  /** The largest request body DynamoDB accepts. */
  static final int MAX_REQUEST_BYTES = 16 * 1024 * 1024;

  private static final char[] ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();
  private static final String EXPOSED =
      "x-amzn-RequestId,x-amzn-ErrorType,x-amz-crc32,x-amz-id-2,Date";
  private static final String ALLOWED_METHODS = "GET,POST,OPTIONS";

  /** A request ID like DynamoDB's: 52 characters of A-Z and 0-9. */
  static String newRequestId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] id = new char[52];
    for (int i = 0; i < id.length; i++) {
      id[i] = ID_CHARS[random.nextInt(ID_CHARS.length)];
    }
    return new String(id);
  }

  /** Whether the declared body length is over DynamoDB's limit. */
  static boolean declaresTooLarge(HttpServerRequest request) {
    String length = request.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
    if (length == null) {
      return false;
    }
    try {
      return Long.parseLong(length.trim()) > MAX_REQUEST_BYTES;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Adds the CORS response headers when the request comes from a browser page (has Origin). */
  static void cors(HttpHeaders requestHeaders, HttpServerResponse response) {
    if (requestHeaders.contains(HttpHeaderNames.ORIGIN)) {
      response
          .header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
          .header(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED);
    }
  }

  /** The answer to a CORS preflight: any origin, the methods served, the headers asked for. */
  static Mono<Void> preflight(HttpServerRequest request, HttpServerResponse response) {
    String asked = request.requestHeaders().get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
    response
        .status(HttpResponseStatus.OK)
        .header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
        .header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS)
        .header(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "172800")
        .header(HttpHeaderNames.CONTENT_LENGTH, "0")
        .header("x-amzn-RequestId", newRequestId());
    if (asked != null) {
      response.header(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, asked);
    }
    return response.send().then();
  }

  /** The health answer DynamoDB's endpoint gives to a GET: 200 and {@code healthy: <host>}. */
  static Mono<Void> health(HttpServerRequest request, HttpServerResponse response, String region) {
    return plain(
        request,
        response,
        HttpResponseStatus.OK,
        "healthy: dynamodb." + region + ".amazonaws.com ");
  }

  /**
   * 413 with an empty body, as DynamoDB answers a request over 16 MB, and the connection closed.
   */
  static Mono<Void> tooLarge(HttpServerRequest request, HttpServerResponse response) {
    cors(request.requestHeaders(), response);
    return response
        .status(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE)
        .header(HttpHeaderNames.CONTENT_LENGTH, "0")
        .header("x-amzn-RequestId", newRequestId())
        .header("x-amz-crc32", "0")
        .send()
        .then();
  }

  private static Mono<Void> plain(
      HttpServerRequest request,
      HttpServerResponse response,
      HttpResponseStatus status,
      String text) {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    CRC32 crc = new CRC32();
    crc.update(body);
    cors(request.requestHeaders(), response);
    return response
        .status(status)
        .header(HttpHeaderNames.CONTENT_TYPE, "text/plain")
        .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length))
        .header("x-amz-crc32", Long.toString(crc.getValue()))
        .header("x-amzn-RequestId", newRequestId())
        .sendByteArray(Mono.just(body))
        .then();
  }
}
