package pitr.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lets the AWS SDK's CloudWatch client talk to moto_server. The SDK speaks CloudWatch's Smithy RPC
 * v2 CBOR protocol only; moto speaks its AWS JSON 1.0 protocol (and Query) but not CBOR. This proxy
 * turns each CBOR request into the same JSON request (same operation, same members, timestamps as
 * epoch seconds either way) and moto's JSON answer back into CBOR, so both the code under test and
 * the test's reader use the real SDK client against moto's real CloudWatch backend.
 */
final class CloudWatchBridge implements AutoCloseable {
  private static final Pattern OPERATION =
      Pattern.compile("/service/([A-Za-z0-9]+)/operation/([A-Za-z0-9]+)");
  // Response members that are timestamps, which CBOR marks with tag 1 (epoch seconds).
  private static final Set<String> TIMESTAMPS = Set.of("Timestamp", "Timestamps");
  private static final JsonFactory JSON = new JsonFactory();
  private static final CBORFactory CBOR = new CBORFactory();

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(2);
  private final HttpClient http = HttpClient.newHttpClient();
  private final URI moto;

  private CloudWatchBridge(URI moto) throws IOException {
    this.moto = moto;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  static CloudWatchBridge to(URI moto) throws IOException {
    return new CloudWatchBridge(moto);
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Matcher m = OPERATION.matcher(exchange.getRequestURI().getPath());
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      if (!m.matches()) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      HttpRequest.Builder forward =
          HttpRequest.newBuilder(moto)
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/x-amz-json-1.0")
              .header("X-Amz-Target", m.group(1) + "." + m.group(2))
              .POST(HttpRequest.BodyPublishers.ofByteArray(toJson(body)));
      // moto reads the account and region from the credential scope.
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      if (authorization != null) {
        forward.header("Authorization", authorization);
      }
      HttpResponse<byte[]> answer;
      try {
        answer = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      byte[] cbor = toCbor(answer.body());
      exchange.getResponseHeaders().add("Content-Type", "application/cbor");
      exchange.getResponseHeaders().add("smithy-protocol", "rpc-v2-cbor");
      exchange.sendResponseHeaders(answer.statusCode(), cbor.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(cbor);
      }
    }
  }

  static byte[] toJson(byte[] cbor) throws IOException {
    if (cbor.length == 0) {
      return "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonParser p = CBOR.createParser(cbor);
        JsonGenerator g = JSON.createGenerator(out)) {
      while (p.nextToken() != null) {
        if (p.currentToken() == JsonToken.VALUE_EMBEDDED_OBJECT) {
          g.writeBinary(p.getBinaryValue());
        } else {
          g.copyCurrentEvent(p);
        }
      }
    }
    return out.toByteArray();
  }

  static byte[] toCbor(byte[] json) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (CBORGenerator g = CBOR.createGenerator(out)) {
      if (json.length == 0) {
        g.writeStartObject();
        g.writeEndObject();
      } else {
        try (JsonParser p = JSON.createParser(json)) {
          while (p.nextToken() != null) {
            if (p.currentToken().isNumeric() && TIMESTAMPS.contains(member(p))) {
              g.writeTag(1);
            }
            g.copyCurrentEvent(p);
          }
        }
      }
    }
    return out.toByteArray();
  }

  /** The member a value belongs to: its field name, or the field name of its enclosing array. */
  private static String member(JsonParser p) {
    JsonStreamContext context = p.getParsingContext();
    if (context.inArray()) {
      context = context.getParent();
    }
    return context == null ? null : context.getCurrentName();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
