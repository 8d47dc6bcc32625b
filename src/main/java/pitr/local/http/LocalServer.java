package pitr.local.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.zip.CRC32;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pitr.local.Errors;
import pitr.local.Faults;
import pitr.local.LocalEngine;
import pitr.local.iam.IamPolicies;
import pitr.local.validate.RequestValidator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.ChannelBindException;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.utils.builder.ToCopyableBuilder;

/**
 * Serves a {@link LocalEngine} over the DynamoDB JSON 1.0 wire protocol on HTTP, so the AWS SDKs,
 * boto3 and the AWS CLI can use it as an endpoint ({@code --endpoint-url}).
 *
 * <p>Every operation is a {@code POST} with {@code X-Amz-Target: DynamoDB_20120810.<Operation>}.
 * Started with an {@link AccessKey}, the server checks every request's AWS Signature Version 4 and
 * refuses, as DynamoDB does, unsigned requests and unknown keys ({@code
 * UnrecognizedClientException}) and bad signatures or dates ({@code InvalidSignatureException});
 * without one, it accepts any request, signed or not. Responses carry {@code x-amz-crc32} and a
 * 52-character {@code x-amzn-RequestId} like DynamoDB's, errors DynamoDB's {@code __type}
 * namespaces and message fields ({@link ErrorShapes}). As DynamoDB's endpoint does, it answers 413
 * to a body over 16 MB, {@code GET} with a health text, {@code OPTIONS} as a CORS preflight, and
 * adds CORS headers for browser pages ({@link HttpConventions}). Engine calls run on a dedicated
 * bounded pool, never on the network event loop.
 */
public final class LocalServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalServer.class);

  private static final String TARGET_PREFIX = "DynamoDB_20120810.";
  private static final String CONTENT_TYPE = "application/x-amz-json-1.0";
  private static final byte[] EMPTY = new byte[0];
  private static final JsonFactory JSON = JsonFactory.builder().build();

  private final DisposableServer server;
  private final Scheduler engineScheduler;
  private final Dispatcher dispatcher;
  private final URI endpoint;

  private LocalServer(DisposableServer server, Scheduler engineScheduler, Dispatcher dispatcher) {
    this.server = server;
    this.engineScheduler = engineScheduler;
    this.dispatcher = dispatcher;
    InetSocketAddress address = (InetSocketAddress) server.address();
    String host = address.getHostString();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    this.endpoint = URI.create("http://" + host + ":" + address.getPort());
  }

  /**
   * Starts serving {@code engine} on {@code host:port}; port 0 picks a free port (see {@link
   * #endpoint()}). The engine stays owned by the caller.
   *
   * @throws CannotListenException when the port is in use or the address cannot be bound
   */
  public static LocalServer start(LocalEngine engine, String host, int port) {
    return start(engine, host, port, null);
  }

  /**
   * Starts serving {@code engine} on {@code host:port} to requests signed with {@code key} only
   * (any request when {@code key} is null).
   *
   * @throws CannotListenException when the address cannot be bound, its message saying why
   */
  public static LocalServer start(LocalEngine engine, String host, int port, AccessKey key) {
    return start(engine, host, port, key, null);
  }

  /**
   * Starts serving {@code engine} as {@link #start(LocalEngine, String, int, AccessKey)} does, and,
   * when {@code policies} is not null, runs only the requests the IAM policies of their access key
   * allow; others get {@code AccessDeniedException}.
   */
  public static LocalServer start(
      LocalEngine engine, String host, int port, AccessKey key, IamPolicies policies) {
    // An in-memory engine answers in microseconds and never blocks on I/O, so it runs on the event
    // loop; one that commits to disk or writes exports gets its own threads.
    return start(
        Operations.of(engine),
        engine::nextFault,
        key == null ? null : new SignatureCheck(key, java.time.Clock.systemUTC()),
        policies == null
            ? null
            : new PolicyCheck(policies, engine.config().region(), engine.config().accountId()),
        host,
        port,
        !engine.mayBlock(),
        engine.config().region());
  }

  static LocalServer start(Map<String, Operation> operations, String host, int port) {
    return start(operations, () -> NO_FAULT, null, null, host, port, false, "us-east-1");
  }

  private static final Faults.Decision NO_FAULT =
      new Faults.Decision(Faults.Kind.NONE, java.time.Duration.ZERO);

  static LocalServer start(
      Map<String, Operation> operations,
      Supplier<Faults.Decision> faults,
      SignatureCheck signatures,
      PolicyCheck policies,
      String host,
      int port,
      boolean inline,
      String region) {
    WireCodec codec = new WireCodec();
    for (Operation operation : operations.values()) {
      // Compile every request schema now, so the first requests do not pay for it.
      codec.struct(operation.requestBuilder().get().sdkFields());
    }
    int threads = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
    Scheduler scheduler =
        Schedulers.newBoundedElastic(threads, 10_000, "pitr-local-engine", 60, true);
    Dispatcher dispatcher =
        new Dispatcher(operations, codec, faults, signatures, policies, inline, region);
    try {
      DisposableServer server =
          HttpServer.create()
              .host(host)
              .port(port)
              .handle((request, response) -> dispatcher.serve(request, response, scheduler))
              .bindNow();
      LocalServer started = new LocalServer(server, scheduler, dispatcher);
      log.debug("event=local_server_started endpoint={}", started.endpoint);
      return started;
    } catch (RuntimeException e) {
      scheduler.dispose();
      if (e instanceof ChannelBindException || e.getCause() instanceof BindException) {
        throw new CannotListenException(bindFailure(host, port, e), e);
      }
      throw e;
    }
  }

  private static String bindFailure(String host, int port, RuntimeException e) {
    String where = "Cannot listen on " + host + ":" + port + ": ";
    String cause = "";
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException && t.getMessage() != null) {
        cause = t.getMessage();
      }
    }
    if (cause.isEmpty() || cause.contains("in use")) {
      return where
          + "the port is already in use; stop the process using it or choose another port (0 picks"
          + " a free one)";
    }
    if (cause.contains("ermission denied")) {
      return where
          + "ports below 1024 need privileges this process lacks; choose a port from 1024 (0 picks"
          + " a free one)";
    }
    if (cause.contains("assign requested address")) {
      return where + host + " is not an address of this machine; pass one of its addresses";
    }
    return where + cause;
  }

  /** Where the server listens, e.g. {@code http://127.0.0.1:8000}. */
  public URI endpoint() {
    return endpoint;
  }

  /** The most requests this server has had in progress at once, since it started. */
  public int maxInFlight() {
    return dispatcher.maxInFlight.get();
  }

  /** The requests this server has in progress now. */
  public int inFlight() {
    return dispatcher.inFlight.get();
  }

  /** The port the server listens on. */
  public int port() {
    return endpoint.getPort();
  }

  /** Stops listening and waits for in-flight requests to finish (a few seconds at most). */
  @Override
  public void close() {
    server.disposeNow(java.time.Duration.ofSeconds(5));
    engineScheduler.dispose();
  }

  /** Turns HTTP requests into operation calls and results into HTTP responses. */
  private static final class Dispatcher {
    private final Map<String, Operation> operations;
    private final WireCodec codec;
    private final String region;
    private final Supplier<Faults.Decision> faults;
    private final SignatureCheck signatures;
    private final PolicyCheck policies;

    private final boolean inline;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    Dispatcher(
        Map<String, Operation> operations,
        WireCodec codec,
        Supplier<Faults.Decision> faults,
        SignatureCheck signatures,
        PolicyCheck policies,
        boolean inline,
        String region) {
      this.policies = policies;
      this.operations = operations;
      this.codec = codec;
      this.faults = faults;
      this.signatures = signatures;
      this.inline = inline;
      this.region = region;
    }

    Publisher<Void> serve(
        HttpServerRequest request, HttpServerResponse response, Scheduler scheduler) {
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      return Flux.from(answer(request, response, scheduler))
          .doFinally(signal -> inFlight.decrementAndGet());
    }

    private Publisher<Void> answer(
        HttpServerRequest request, HttpServerResponse response, Scheduler scheduler) {
      if (request.method() == HttpMethod.OPTIONS) {
        return HttpConventions.preflight(request, response);
      }
      if (request.method() == HttpMethod.GET) {
        return HttpConventions.health(request, response, region);
      }
      if (HttpConventions.declaresTooLarge(request)) {
        // Read (and drop) the body first: a client still sending would not see an early answer.
        return request.receive().then(HttpConventions.tooLarge(request, response));
      }
      Mono<byte[]> body = request.receive().aggregate().asByteArray().defaultIfEmpty(EMPTY);
      return body.flatMap(
          b -> {
            if (b.length > HttpConventions.MAX_REQUEST_BYTES) {
              return HttpConventions.tooLarge(request, response);
            }
            if (signatures == null) {
              return Mono.from(answer(request, Mono.just(b), response, scheduler));
            }
            // Authenticate before anything else, faults included, as DynamoDB does.
            SignatureCheck.Refusal refusal =
                signatures.check(
                    request.method().name(), request.uri(), request.requestHeaders(), b);
            if (refusal == null) {
              return Mono.from(answer(request, Mono.just(b), response, scheduler));
            }
            String requestId = HttpConventions.newRequestId();
            log.debug("event=request_refused error={} requestId={}", refusal.code(), requestId);
            return send(
                request,
                response,
                error(response.alloc(), requestId, 400, refusal.code(), refusal.message(), null));
          });
    }

    private Publisher<Void> answer(
        HttpServerRequest request,
        Mono<byte[]> body,
        HttpServerResponse response,
        Scheduler scheduler) {
      String target = request.requestHeaders().get("X-Amz-Target");
      Operation operation = resolve(target);
      Faults.Decision fault = faults.get();
      if (!fault.delay().isZero()) {
        body = body.delayElement(fault.delay());
      }
      if (fault.kind() == Faults.Kind.DROP) {
        // Close the connection without a response, as a network fault would.
        return body.then(
            Mono.fromRunnable(() -> response.withConnection(c -> c.channel().close())));
      }
      return (inline ? body : body.publishOn(scheduler))
          .map(b -> safeReply(operation, target, b, response.alloc(), fault.kind(), request))
          .flatMap(reply -> send(request, response, reply));
    }

    private Operation resolve(String target) {
      if (target == null || !target.startsWith(TARGET_PREFIX)) {
        return null;
      }
      return operations.get(target.substring(TARGET_PREFIX.length()));
    }

    private Mono<Void> send(HttpServerRequest request, HttpServerResponse response, Reply reply) {
      CRC32 crc = new CRC32();
      crc.update(reply.body.nioBuffer());
      HttpConventions.cors(request.requestHeaders(), response);
      return response
          .status(reply.status)
          .header(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE)
          .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(reply.body.readableBytes()))
          .header("x-amz-crc32", Long.toString(crc.getValue()))
          .header("x-amzn-RequestId", reply.requestId)
          .send(Mono.just(reply.body))
          .then();
    }

    /**
     * {@link #reply}, and a 500 answer for anything it did not expect (a decoder bug, a stack
     * overflow on absurdly nested JSON): an exception reaching the server would close the
     * connection without an answer, which a client sees as a transport failure.
     */
    private Reply safeReply(
        Operation operation,
        String target,
        byte[] body,
        ByteBufAllocator alloc,
        Faults.Kind fault,
        HttpServerRequest http) {
      try {
        return reply(operation, target, body, alloc, fault, http);
      } catch (RuntimeException | StackOverflowError e) {
        String requestId = HttpConventions.newRequestId();
        log.error(
            "event=engine_failure target={} requestId={} error={}",
            target,
            requestId,
            e.toString());
        log.debug("event=engine_failure requestId={}", requestId, e);
        return error(
            alloc,
            requestId,
            500,
            "InternalServerError",
            "Internal server error (request " + requestId + ")",
            null);
      }
    }

    private Reply reply(
        Operation operation,
        String target,
        byte[] body,
        ByteBufAllocator alloc,
        Faults.Kind fault,
        HttpServerRequest http) {
      String requestId = HttpConventions.newRequestId();
      if (operation == null) {
        return error(alloc, requestId, 400, "UnknownOperationException", null, null);
      }
      if (fault == Faults.Kind.THROTTLE) {
        return serviceError(alloc, requestId, Errors.throughputExceeded());
      }
      if (fault == Faults.Kind.ERROR) {
        return error(
            alloc,
            requestId,
            500,
            "InternalServerError",
            "Internal server error (injected fault, request " + requestId + ")",
            null);
      }
      SdkRequest request;
      try {
        request = codec.read(body, operation.requestBuilder());
      } catch (WireFormatException e) {
        return error(alloc, requestId, 400, "SerializationException", e.getMessage(), null);
      }
      if (policies != null) {
        String denied =
            policies.deny(http.requestHeaders().get("Authorization"), operation.name(), request);
        if (denied != null) {
          return error(alloc, requestId, 400, "AccessDeniedException", denied, null);
        }
      }
      SdkResponse result;
      try {
        SdkRequest decoded = request;
        result =
            RequestValidator.decodedFrom(body.length, () -> operation.handler().handle(decoded));
      } catch (AwsServiceException e) {
        return serviceError(alloc, requestId, e);
      } catch (RuntimeException e) {
        // One line; the stack trace only at debug, so a client's retries do not flood the log.
        log.error(
            "event=engine_failure operation={} requestId={} error={}",
            operation.name(),
            requestId,
            e.toString());
        log.debug("event=engine_failure requestId={}", requestId, e);
        return error(
            alloc,
            requestId,
            500,
            "InternalServerError",
            "Internal server error (request " + requestId + ")",
            null);
      }
      ByteBuf buf = alloc.buffer(256);
      try (OutputStream out = new ByteBufOutputStream(buf)) {
        codec.write(result, out);
      } catch (IOException | RuntimeException e) {
        buf.release();
        log.error(
            "event=response_write_failure operation={} requestId={} error={}",
            operation.name(),
            requestId,
            e.toString(),
            e);
        return error(alloc, requestId, 500, "InternalServerError", "Internal server error", null);
      }
      return new Reply(HttpResponseStatus.OK, buf, requestId);
    }

    private Reply serviceError(ByteBufAllocator alloc, String requestId, AwsServiceException e) {
      AwsErrorDetails details = e.awsErrorDetails();
      String code =
          details != null && details.errorCode() != null
              ? details.errorCode()
              : e.getClass().getSimpleName();
      String message =
          details != null && details.errorMessage() != null
              ? details.errorMessage()
              : e.getMessage();
      int status = e.statusCode() > 0 ? e.statusCode() : 400;
      return error(alloc, requestId, status, code, message, e);
    }

    /**
     * An error body as DynamoDB writes it: {@code __type} in the error's namespace, the message
     * under the field name DynamoDB uses for it, and the exception's modelled members.
     */
    private Reply error(
        ByteBufAllocator alloc,
        String requestId,
        int status,
        String code,
        String message,
        AwsServiceException modelled) {
      ByteBuf buf = alloc.buffer(128);
      try (JsonGenerator gen = JSON.createGenerator((OutputStream) new ByteBufOutputStream(buf))) {
        gen.writeStartObject();
        gen.writeStringField("__type", ErrorShapes.type(code));
        String messageField = ErrorShapes.messageField(code);
        if (message != null) {
          gen.writeStringField(messageField, message);
        }
        if (modelled instanceof ToCopyableBuilder<?, ?> copyable
            && copyable.toBuilder() instanceof SdkPojo pojo) {
          codec.writeMembers(gen, pojo.sdkFields(), modelled, messageField);
        }
        gen.writeEndObject();
      } catch (IOException e) {
        buf.release();
        throw new java.io.UncheckedIOException(e);
      }
      return new Reply(HttpResponseStatus.valueOf(status), buf, requestId);
    }
  }

  private record Reply(HttpResponseStatus status, ByteBuf body, String requestId) {}
}
