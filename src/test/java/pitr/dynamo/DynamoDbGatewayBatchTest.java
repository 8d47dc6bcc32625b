package pitr.dynamo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.TestHttp;
import pitr.local.AdjustableClock;
import pitr.local.EngineConfig;
import pitr.local.Faults;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The gateway's batch writes and reads until done, through the real SDK client over loopback HTTP
 * (with the SDK's own retries off, so the gateway's are all there are). Backoffs run on virtual
 * time, which the engine's capacity buckets follow too: no test waits out a backoff.
 */
class DynamoDbGatewayBatchTest {
  private static final String THROTTLED =
      "The level of configured provisioned throughput for the table was exceeded. Consider"
          + " increasing your provisioning level with the UpdateTable API.";

  private static final VirtualTimeScheduler vts = VirtualTimeScheduler.create();

  /** An engine whose clock (and so its capacity buckets) follows virtual time. */
  private static Target moving;

  /** An engine whose clock never moves: spent capacity never comes back. */
  private static Target frozen;

  @BeforeAll
  static void start() {
    moving = target(EngineConfig.defaults().withClock(virtualClock()).withBurstSeconds(1));
    frozen =
        target(
            EngineConfig.defaults()
                .withClock(AdjustableClock.startingAt(Instant.parse("2025-01-01T00:00:00Z")))
                .withBurstSeconds(1));
  }

  @AfterEach
  void clean() {
    for (Target t : List.of(moving, frozen)) {
      t.local().engine.setFaults(Faults.NONE);
      t.local().deleteAllTables();
    }
  }

  @AfterAll
  static void stop() {
    for (Target t : List.of(moving, frozen)) {
      t.client().close();
      t.local().close();
    }
    vts.dispose();
  }

  /** An engine, and a gateway on virtual time over a client without the SDK's retries. */
  private record Target(LocalTarget local, DynamoDbAsyncClient client, DynamoDbGateway gateway) {}

  private static Target target(EngineConfig config) {
    LocalTarget local = new LocalTarget(config);
    DynamoDbAsyncClient client =
        TestHttp.dynamo(local.server.endpoint())
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build();
    return new Target(
        local, client, DynamoDbGateway.create(client, local.endpoint()).withScheduler(vts));
  }

  private static Clock virtualClock() {
    return VirtualTime.clock(vts, Instant.parse("2025-01-01T00:00:00Z"));
  }

  private static <T> T onVirtualTime(Mono<T> mono) {
    return VirtualTime.run(vts, mono);
  }

  private static List<WriteRequest> puts(int from, int to) {
    return IntStream.range(from, to)
        .mapToObj(
            i ->
                WriteRequest.builder()
                    .putRequest(PutRequest.builder().item(LocalTarget.item(i, "v1", 100)).build())
                    .build())
        .toList();
  }

  private static List<Map<String, AttributeValue>> keys(int from, int to) {
    return IntStream.range(from, to)
        .mapToObj(i -> Map.of("pk", AttributeValue.fromS("k" + i)))
        .toList();
  }

  private static String pk(WriteRequest w) {
    return w.putRequest().item().get("pk").s();
  }

  @Test
  void batchWriteUntilDone_whenTheTableLeavesItemsUnprocessed_resubmitsThemUntilAllAreWritten() {
    Target t = moving;
    t.local().createProvisioned("cars", 100, 5);
    AtomicInteger retries = new AtomicInteger();
    DynamoDbGateway gateway = t.gateway().withRetryListener(e -> retries.incrementAndGet());

    BatchWriteResult result = onVirtualTime(gateway.batchWriteUntilDone("cars", puts(0, 25)));

    assertThat(result.complete()).isTrue();
    assertThat(result.written()).isEqualTo(25);
    assertThat(result.unwritten()).isEmpty();
    assertThat(result.reason()).isNull();
    assertThat(result.consumedUnits()).isEqualTo(25.0);
    assertThat(retries.get()).as("resubmissions").isPositive();
    assertThat(t.local().contents("cars")).hasSize(25);
  }

  @Test
  void batchWriteUntilDone_whenTheTableStaysThrottled_returnsWhatItCouldNotWrite_withTheReason() {
    Target t = frozen;
    // 5 WCU and a clock that never moves: the first five items land, the rest never can.
    t.local().createProvisioned("cars", 100, 5);

    BatchWriteResult result = onVirtualTime(t.gateway().batchWriteUntilDone("cars", puts(0, 25)));

    assertThat(result.complete()).isFalse();
    assertThat(result.written()).isEqualTo(5);
    assertThat(result.unwritten()).hasSize(20);
    assertThat(result.reason()).isEqualTo(THROTTLED);
    var stored = t.local().contents("cars").keySet();
    assertThat(stored).hasSize(5);
    assertThat(result.unwritten())
        .map(DynamoDbGatewayBatchTest::pk)
        .doesNotContainAnyElementsOf(stored);
  }

  @Test
  void batchWriteUntilDone_underInjectedThrottlingAndServerErrors_writesEverything() {
    Target t = moving;
    t.local().createTable("cars");
    t.local().engine.setFaults(Faults.parse("throttle=0.3,error=0.2,seed=5"));
    AtomicInteger retries = new AtomicInteger();
    DynamoDbGateway gateway = t.gateway().withRetryListener(e -> retries.incrementAndGet());

    List<BatchWriteResult> results =
        onVirtualTime(
            Flux.range(0, 4)
                .concatMap(b -> gateway.batchWriteUntilDone("cars", puts(b * 25, b * 25 + 25)))
                .collectList());

    t.local().engine.setFaults(Faults.NONE);
    assertThat(results).allSatisfy(r -> assertThat(r.complete()).isTrue());
    assertThat(results.stream().mapToInt(BatchWriteResult::written).sum()).isEqualTo(100);
    assertThat(retries.get()).isPositive();
    assertThat(t.local().contents("cars")).hasSize(100);
  }

  @Test
  void batchWriteUntilDone_toAMissingTable_failsWithUsageNamingIt() {
    Target t = moving;

    assertThatThrownBy(() -> t.gateway().batchWriteUntilDone("ghost", puts(0, 3)).block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "Table ghost does not exist in "
                + t.local().endpoint()
                + "; check the name and region");
  }

  @Test
  void batchWriteUntilDone_ofMoreThan25Requests_isRefusedBeforeAnyCall() {
    Target t = moving;

    assertThatThrownBy(() -> t.gateway().batchWriteUntilDone("cars", puts(0, 26)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("26 write requests for one BatchWriteItem; send at most 25");
  }

  @Test
  void batchGetUntilDone_whenAnAnswerWouldPass16MB_resubmitsTheUnprocessedKeysUntilAllAreRead() {
    Target t = moving;
    t.local().createTable("big");
    // 60 items of ~350 KB: about 21 MB, more than one 16 MB answer holds.
    t.local().fill("big", 0, 60, "v1", 350_000);

    AtomicInteger resubmissions = new AtomicInteger();

    BatchGetResult result =
        onVirtualTime(
            t.gateway()
                .withRetryListener(e -> resubmissions.incrementAndGet())
                .batchGetUntilDone(
                    "big",
                    KeysAndAttributes.builder().keys(keys(0, 70)).consistentRead(true).build()));

    assertThat(result.complete()).isTrue();
    assertThat(result.unread()).isEmpty();
    assertThat(result.items()).hasSize(60);
    assertThat(result.items()).map(i -> i.get("pk").s()).doesNotHaveDuplicates();
    assertThat(result.consumedUnits()).isPositive();
    assertThat(resubmissions.get()).isPositive();
  }

  @Test
  void batchGetUntilDone_keepsTheProjectionOfTheKeysItWasGiven() {
    Target t = moving;
    t.local().createTable("cars");
    t.local().fill("cars", 0, 10, "v1", 10);

    BatchGetResult result =
        onVirtualTime(
            t.gateway()
                .batchGetUntilDone(
                    "cars",
                    KeysAndAttributes.builder()
                        .keys(keys(0, 10))
                        .projectionExpression("pk, #v")
                        .expressionAttributeNames(Map.of("#v", "v"))
                        .build()));

    assertThat(result.items())
        .hasSize(10)
        .allSatisfy(i -> assertThat(i).containsOnlyKeys("pk", "v"));
  }

  @Test
  void batchGetUntilDone_whenEveryCallIsThrottled_returnsTheKeysUnread_withTheReason() {
    Target t = moving;
    t.local().createTable("cars");
    t.local().fill("cars", 0, 10, "v1", 10);
    t.local().engine.setFaults(Faults.parse("throttle=1"));

    BatchGetResult result =
        onVirtualTime(
            t.gateway()
                .batchGetUntilDone("cars", KeysAndAttributes.builder().keys(keys(0, 10)).build()));

    t.local().engine.setFaults(Faults.NONE);
    assertThat(result.complete()).isFalse();
    assertThat(result.items()).isEmpty();
    assertThat(result.unread()).containsExactlyInAnyOrderElementsOf(keys(0, 10));
    assertThat(result.reason()).isEqualTo(THROTTLED);
  }

  @Test
  void batchGetUntilDone_whenTheConnectionIsLost_returnsTheKeysUnread_sayingSo() {
    Target t = moving;
    t.local().createTable("cars");
    t.local().fill("cars", 0, 10, "v1", 10);
    // The first call is answered; every later one fails as a connection the target dropped does.
    java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    DynamoDbAsyncClient dropping =
        (DynamoDbAsyncClient)
            java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {DynamoDbAsyncClient.class},
                (proxy, method, args) -> {
                  if (args != null && args.length == 1 && calls.getAndIncrement() > 0) {
                    return java.util.concurrent.CompletableFuture.failedFuture(
                        software.amazon.awssdk.core.exception.SdkClientException.builder()
                            .message("Unable to execute HTTP request: Connection refused")
                            .cause(new java.net.ConnectException("Connection refused"))
                            .build());
                  }
                  try {
                    return method.invoke(t.client(), args);
                  } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    DynamoDbGateway gateway =
        DynamoDbGateway.create(dropping, t.local().endpoint()).withScheduler(vts);
    onVirtualTime(
        gateway.batchGetUntilDone("cars", KeysAndAttributes.builder().keys(keys(0, 1)).build()));

    BatchGetResult result =
        onVirtualTime(
            gateway.batchGetUntilDone(
                "cars", KeysAndAttributes.builder().keys(keys(0, 10)).build()));

    assertThat(result.unread()).hasSize(10);
    assertThat(result.reason()).startsWith("lost the connection: ");
    assertThat(result.unreadFailure("cars", "nothing was changed for them").getMessage())
        .startsWith("Could not read 10 keys of table cars after retrying (lost the connection: ")
        .endsWith("; nothing was changed for them. Rerun once DynamoDB can be reached again");
  }

  /** A pacing that records what it is asked and told. */
  private static final class Recording implements BatchPacing {
    final List<Integer> reserved = new java.util.concurrent.CopyOnWriteArrayList<>();
    final List<String> settled = new java.util.concurrent.CopyOnWriteArrayList<>();
    final List<Throwable> failed = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public Mono<Double> reserve(List<WriteRequest> pending) {
      reserved.add(pending.size());
      return Mono.just((double) pending.size());
    }

    @Override
    public void settle(int sent, int left, double units, double consumed) {
      settled.add(sent + " sent, " + left + " left, " + units + " reserved, " + consumed + " used");
    }

    @Override
    public void failed(Throwable failure) {
      failed.add(failure);
    }
  }

  @Test
  void batchWriteUntilDone_withPacing_reservesBeforeEachAttemptAndSettlesEachAnswer() {
    Target t = frozen;
    // 5 WCU and a clock that never moves: five items land, then every call is throttled.
    t.local().createProvisioned("cars", 100, 5);
    Recording pacing = new Recording();

    BatchWriteResult result =
        onVirtualTime(
            t.gateway()
                .batchWriteUntilDone(
                    "cars",
                    puts(0, 25),
                    Throttling.retry(2, Duration.ofMillis(10), Duration.ofMillis(100), vts),
                    pacing));

    assertThat(result.written()).isEqualTo(5);
    assertThat(result.unwritten()).hasSize(20);
    assertThat(result.reason()).isEqualTo(THROTTLED);
    assertThat(pacing.reserved).containsExactly(25, 20, 20);
    assertThat(pacing.settled).containsExactly("25 sent, 20 left, 25.0 reserved, 5.0 used");
    assertThat(pacing.failed).hasSize(3).allMatch(Throttling::isThrottle);
    assertThat(pacing.failed.get(0)).isInstanceOf(UnprocessedItemsException.class);
  }

  @Test
  void batchWriteUntilDone_withPacing_handsBackACallersProblemAsTheFailureInsteadOfFailing() {
    Recording pacing = new Recording();

    BatchWriteResult result =
        onVirtualTime(
            moving
                .gateway()
                .batchWriteUntilDone(
                    "missing",
                    puts(0, 3),
                    Throttling.retry(2, Duration.ofMillis(10), Duration.ofMillis(100), vts),
                    pacing));

    assertThat(result.written()).isZero();
    assertThat(result.unwritten()).hasSize(3);
    assertThat(result.failure())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE));
    assertThat(pacing.reserved).containsExactly(3);
    assertThat(pacing.failed).hasSize(1);
  }
}
