package pitr.dynamo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.TestHttp;
import pitr.local.EngineConfig;
import pitr.local.Faults;
import pitr.local.LocalEngine;
import pitr.local.http.LocalServer;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

class DynamoDbGatewayTest {
  private static LocalTarget local;
  private static DynamoDbGateway gateway;

  @BeforeAll
  static void start() {
    local = new LocalTarget();
    gateway = local.gateway();
    local.createTable("orders");
    local.fill("orders", 0, 3000, "v1", 200);
  }

  @AfterAll
  static void stop() {
    local.close();
  }

  @Test
  void describeTable_ofMissingTable_failsWithUsageNamingTableAndTarget() {
    StepVerifier.create(gateway.describeTable("ghost"))
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(PitrException.class);
              assertThat(((PitrException) e).code()).isEqualTo(ErrorCode.USAGE);
              assertThat(e)
                  .hasMessage(
                      "Table ghost does not exist in "
                          + local.endpoint()
                          + "; check the name and region");
            })
        .verify();
  }

  @Test
  void describeTable_ofAMistypedName_suggestsTheNearestTablesTheTargetHas() {
    local.createTable("order-items");

    StepVerifier.create(gateway.describeTable("Ordrs"))
        .expectErrorSatisfies(
            e -> {
              assertThat(((PitrException) e).code()).isEqualTo(ErrorCode.USAGE);
              assertThat(e)
                  .hasMessage(
                      "Table Ordrs does not exist in "
                          + local.endpoint()
                          + "; did you mean orders? Check the name and region");
            })
        .verify();
    StepVerifier.create(gateway.describeTable("order_item"))
        .expectErrorMessage(
            "Table order_item does not exist in "
                + local.endpoint()
                + "; did you mean order-items or orders? Check the name and region")
        .verify();
  }

  @Test
  void findTable_ofMissingTable_isEmpty() {
    StepVerifier.create(gateway.findTable("ghost")).verifyComplete();
  }

  @Test
  void scanSegments_coverEveryItemOnceAndEachPageSaysWhereToResume() {
    ScanSpec spec = ScanSpec.of("orders", 4).withLimit(100);
    Set<String> keys = new HashSet<>();
    int[] pages = {0};
    Flux.range(0, 4)
        .flatMap(s -> gateway.scanSegment(spec, s, null))
        .doOnNext(p -> pages[0]++)
        .doOnNext(p -> p.items().forEach(i -> assertThat(keys.add(i.get("pk").s())).isTrue()))
        .blockLast();
    assertThat(keys).hasSize(3000);
    assertThat(pages[0]).isGreaterThanOrEqualTo(30);
  }

  @Test
  void scanSegment_resumedFromAPagePosition_readsOnlyWhatFollows() {
    ScanSpec spec = ScanSpec.of("orders", 1).withLimit(1000);
    ScanPage first = gateway.scanPage(spec, 0, null).block();
    long rest =
        gateway
            .scanSegment(spec, 0, first.next())
            .map(p -> p.items().size())
            .reduce(0, Integer::sum)
            .block();
    assertThat(first.items()).hasSize(1000);
    assertThat(rest).isEqualTo(2000);
    assertThat(first.readUnits()).isPositive();
  }

  @Test
  void scan_withInvalidFilter_failsWithUsageAndTheEngineMessage() {
    StepVerifier.create(gateway.scanPage(ScanSpec.of("orders", 1).withFilter("n >"), 0, null))
        .expectErrorSatisfies(
            e -> {
              assertThat(((PitrException) e).code()).isEqualTo(ErrorCode.USAGE);
              assertThat(e.getMessage())
                  .startsWith("DynamoDB rejected the request for table orders: ");
            })
        .verify();
  }

  @Test
  void scan_underInjectedFaults_stillReadsEverything() {
    try (LocalTarget faulty =
        new LocalTarget(
            EngineConfig.defaults()
                .withFaults(Faults.parse("throttle=0.2,error=0.1,drop=0.05,seed=3")))) {
      faulty.engine.setFaults(Faults.NONE);
      faulty.createTable("tab");
      faulty.fill("tab", 0, 500, "v", 10);
      faulty.engine.setFaults(Faults.parse("throttle=0.2,error=0.1,drop=0.05,seed=3"));
      long n =
          faulty
              .gateway()
              .scanSegment(ScanSpec.of("tab", 1).withLimit(20), 0, null)
              .map(p -> p.items().size())
              .reduce(0, Integer::sum)
              .block();
      assertThat(n).isEqualTo(500);
    }
  }

  @Test
  void batchWriteOnce_whenThrottled_failsAfterOneAttemptForTheCallerToRetry() {
    var put =
        software.amazon.awssdk.services.dynamodb.model.WriteRequest.builder()
            .putRequest(p -> p.item(LocalTarget.item(1, "v", 10)))
            .build();
    var request =
        software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest.builder()
            .requestItems(java.util.Map.of("orders", java.util.List.of(put)))
            .build();
    local.engine.setFaults(Faults.parse("throttle=1"));
    try {
      StepVerifier.create(gateway.batchWriteOnce(request))
          .expectErrorSatisfies(
              e ->
                  assertThat(e)
                      .isInstanceOf(
                          software.amazon.awssdk.services.dynamodb.model
                              .ProvisionedThroughputExceededException.class)
                      .hasMessageContaining("(SDK Attempt Count: 1)"))
          .verify();
    } finally {
      local.engine.setFaults(Faults.NONE);
    }
  }

  @Test
  void putDeleteAndUpdateItem_withNoRetries_whenThrottled_failAfterOneAttemptForTheCallerToRetry() {
    var put =
        software.amazon.awssdk.services.dynamodb.model.PutItemRequest.builder()
            .tableName("orders")
            .item(LocalTarget.item(1, "v", 10))
            .build();
    var delete =
        software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest.builder()
            .tableName("orders")
            .key(java.util.Map.of("pk", LocalTarget.item(1, "v", 10).get("pk")))
            .build();
    var update =
        software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest.builder()
            .tableName("orders")
            .key(java.util.Map.of("pk", LocalTarget.item(1, "v", 10).get("pk")))
            .updateExpression("SET v = :v")
            .expressionAttributeValues(
                java.util.Map.of(
                    ":v", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("w")))
            .build();
    local.engine.setFaults(Faults.parse("throttle=1"));
    try {
      for (var call :
          java.util.List.of(
              gateway.putItem(put, Retries.NONE).then(),
              gateway.deleteItem(delete, Retries.NONE).then(),
              gateway.updateItem(update, Retries.NONE).then())) {
        StepVerifier.create(call)
            .expectErrorSatisfies(
                e ->
                    assertThat(e)
                        .isInstanceOf(
                            software.amazon.awssdk.services.dynamodb.model
                                .ProvisionedThroughputExceededException.class)
                        .hasMessageContaining("(SDK Attempt Count: 1)"))
            .verify();
      }
    } finally {
      local.engine.setFaults(Faults.NONE);
    }
  }

  @Test
  void awaitActive_whenTableStaysCreating_timesOutWithItsStatus() {
    LocalEngine engine =
        LocalEngine.create(
            EngineConfig.defaults()
                .withClock(java.time.Clock.fixed(Instant.EPOCH, java.time.ZoneOffset.UTC))
                .withTableActivationDelay(Duration.ofHours(1)));
    var client = pitr.local.LocalDynamoDbAsyncClient.create(engine);
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    DynamoDbGateway g = DynamoDbGateway.create(client, "local").withScheduler(vts);
    client
        .createTable(
            r ->
                r.tableName("slow")
                    .billingMode(
                        software.amazon.awssdk.services.dynamodb.model.BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                        a ->
                            a.attributeName("pk")
                                .attributeType(
                                    software.amazon.awssdk.services.dynamodb.model
                                        .ScalarAttributeType.S))
                    .keySchema(
                        k ->
                            k.attributeName("pk")
                                .keyType(
                                    software.amazon.awssdk.services.dynamodb.model.KeyType.HASH)))
        .join();

    StepVerifier.withVirtualTime(
            () -> g.awaitActive("slow", Duration.ofMinutes(20), Duration.ofSeconds(10)),
            () -> vts,
            Long.MAX_VALUE)
        .expectNextMatches(d -> d.tableStatus() == TableStatus.CREATING)
        .thenAwait(Duration.ofMinutes(20))
        .thenConsumeWhile(d -> d.tableStatus() == TableStatus.CREATING)
        .expectErrorMessage(
            "Table slow is not ACTIVE after 20m (status CREATING); rerun with --wait-timeout 1h or"
                + " check the table in the console")
        .verify();
  }

  /**
   * A client of {@code endpoint} without the SDK's own retries, so the gateway's are all there are.
   */
  private static DynamoDbAsyncClient noSdkRetries(URI endpoint) {
    return TestHttp.dynamo(endpoint)
        // A new connection per call, so that a stopped server is felt at once.
        .overrideConfiguration(
            o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).putHeader("Connection", "close"))
        .build();
  }

  @Test
  void endpointThatNeverAnswered_isAUsageErrorNamingItAndTheFix_withoutRetries() throws Exception {
    int port = LocalTarget.freePort();
    URI endpoint = URI.create("http://127.0.0.1:" + port);
    AtomicInteger retries = new AtomicInteger();
    try (var client = noSdkRetries(endpoint)) {
      DynamoDbGateway g =
          DynamoDbGateway.create(client, endpoint.toString())
              .withRetryListener(e -> retries.incrementAndGet());

      StepVerifier.create(g.describeTable("orders"))
          .expectErrorSatisfies(
              e -> {
                assertThat(e).isInstanceOf(PitrException.class);
                assertThat(((PitrException) e).code()).isEqualTo(ErrorCode.USAGE);
                assertThat(e.getMessage())
                    .startsWith("Cannot reach DynamoDB at " + endpoint + " (Connection refused")
                    .contains("nothing was changed")
                    .contains("--endpoint-url")
                    .contains("pitr local serve");
              })
          .verify(Duration.ofSeconds(30));
    }
    assertThat(retries).hasValue(0);
  }

  @Test
  void connectionLostAfterTheTargetAnswered_isRetriedUntilItIsBack() throws Exception {
    LocalEngine engine = LocalEngine.create();
    LocalServer server = LocalServer.start(engine, "127.0.0.1", 0);
    int port = server.endpoint().getPort();
    AtomicInteger retries = new AtomicInteger();
    try (var client = noSdkRetries(server.endpoint())) {
      DynamoDbGateway g =
          DynamoDbGateway.create(client, server.endpoint().toString())
              .withRetryListener(e -> retries.incrementAndGet());
      assertThat(g.findTable("orders").blockOptional()).isEmpty();

      server.close();
      var restart =
          CompletableFuture.supplyAsync(
              () -> LocalServer.start(engine, "127.0.0.1", port),
              CompletableFuture.delayedExecutor(400, TimeUnit.MILLISECONDS));
      assertThat(g.findTable("orders").blockOptional(Duration.ofSeconds(30))).isEmpty();
      restart.get().close();
    } finally {
      engine.close();
    }
    assertThat(retries.get()).isPositive();
  }
}
