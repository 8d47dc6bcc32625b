package pitr.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test fixture: a loopback HTTP relay in front of an engine that holds every call of one DynamoDB
 * operation until {@code calls} of them are waiting at once, then lets them all through and holds
 * nothing more. A client that can have that many calls in flight opens the gate however slowly it
 * sends them, so a test of how many calls a client keeps in flight needs no guess at how long
 * sending them takes; a client that cannot has its calls released after {@code timeout}, and the
 * gate stays open. Other operations pass at once. It counts the calls in flight through it.
 */
final class HoldingRelay implements AutoCloseable {
  /** Headers the JDK's HTTP client sets itself and refuses to be given. */
  private static final Set<String> RESTRICTED =
      Set.of("connection", "content-length", "expect", "host", "upgrade");

  private final URI target;
  private final String operation;
  private final Duration timeout;
  private final CountDownLatch gate;
  private volatile boolean timedOut;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger mostInFlight = new AtomicInteger();
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(threads).build();
  private final HttpServer server;

  /** Relays to {@code target}, holding calls of {@code operation} (e.g. BatchWriteItem). */
  HoldingRelay(URI target, String operation, int calls, Duration timeout) throws IOException {
    this.target = target;
    this.operation = operation;
    this.timeout = timeout;
    this.gate = new CountDownLatch(calls);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(threads);
    server.createContext("/", this::relay);
    server.start();
  }

  /** Where clients send their calls. */
  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The most calls, of any operation, that were in flight through the relay at once. */
  int mostInFlight() {
    return mostInFlight.get();
  }

  /** Whether the gate opened because enough calls were held, not because the timeout passed. */
  boolean openedByCalls() {
    return gate.getCount() == 0 && !timedOut;
  }

  private void relay(HttpExchange x) throws IOException {
    mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    try (x) {
      String called = x.getRequestHeaders().getFirst("X-Amz-Target");
      if (called != null && called.endsWith("." + operation) && !timedOut) {
        hold();
      }
      byte[] body;
      try (InputStream in = x.getRequestBody()) {
        body = in.readAllBytes();
      }
      HttpRequest.Builder request =
          HttpRequest.newBuilder(target.resolve(x.getRequestURI()))
              .method(x.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
      x.getRequestHeaders()
          .forEach(
              (name, values) -> {
                if (!RESTRICTED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                  values.forEach(v -> request.header(name, v));
                }
              });
      HttpResponse<byte[]> answer =
          client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      answer
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                if (!name.equalsIgnoreCase("content-length")
                    && !name.equalsIgnoreCase("transfer-encoding")
                    && !name.startsWith(":")) {
                  x.getResponseHeaders().put(name, List.copyOf(values));
                }
              });
      x.sendResponseHeaders(
          answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
      try (OutputStream out = x.getResponseBody()) {
        out.write(answer.body());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  /** Waits until enough calls wait with this one; after a timeout, holds nothing again. */
  private void hold() throws InterruptedException {
    gate.countDown();
    if (!gate.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      timedOut = true;
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
