package pitr.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import pitr.TestHttp;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.InternalServerErrorException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** Each injected fault as the real SDK client sees it over HTTP, and replay by seed. */
class FaultInjectionTest {
  private static EngineOverHttp local;
  private static DynamoDbAsyncClient noRetry;

  @BeforeAll
  static void start() {
    local = new EngineOverHttp(EngineConfig.defaults());
    noRetry =
        TestHttp.dynamo(local.server.endpoint())
            .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1)))
            .build();
    local
        .client
        .createTable(
            r ->
                r.tableName("faulty")
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                        a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
                    .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH)))
        .join();
  }

  @AfterAll
  static void stop() {
    noRetry.close();
    local.close();
  }

  @AfterEach
  void clearFaults() {
    local.engine.setFaults(Faults.NONE);
  }

  private static void put(DynamoDbAsyncClient client, String pk) {
    client.putItem(r -> r.tableName("faulty").item(Map.of("pk", AttributeValue.fromS(pk)))).join();
  }

  @Test
  void throttleFault_reachesSdkAsProvisionedThroughputExceeded() {
    local.engine.setFaults(Faults.parse("throttle=1"));
    assertThatThrownBy(() -> put(noRetry, "a"))
        .cause()
        .isInstanceOf(ProvisionedThroughputExceededException.class);
  }

  @Test
  void errorFault_reachesSdkAsInternalServerErrorWithStatus500() {
    local.engine.setFaults(Faults.parse("error=1"));
    assertThatThrownBy(() -> put(noRetry, "a"))
        .cause()
        .isInstanceOf(InternalServerErrorException.class)
        .satisfies(e -> assertThat(((InternalServerErrorException) e).statusCode()).isEqualTo(500));
  }

  @Test
  void dropFault_reachesSdkAsClientIoError() {
    local.engine.setFaults(Faults.parse("drop=1"));
    assertThatThrownBy(() -> put(noRetry, "a")).cause().isInstanceOf(SdkClientException.class);
  }

  @Test
  void latencyFault_delaysTheAnswer() {
    local.engine.setFaults(Faults.parse("latency=1,delay=300ms"));
    long t0 = System.nanoTime();
    put(noRetry, "slow");
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void partialFaults_withSdkRetries_stillWriteEveryItem() {
    local.engine.setFaults(Faults.parse("throttle=0.2,error=0.1,seed=3"));
    for (int i = 0; i < 50; i++) {
      put(local.client, "retried-" + i);
    }
    local.engine.setFaults(Faults.NONE);
    assertThat(
            local
                .client
                .scan(
                    r ->
                        r.tableName("faulty")
                            .filterExpression("begins_with(pk, :p)")
                            .expressionAttributeValues(
                                Map.of(":p", AttributeValue.fromS("retried-"))))
                .join()
                .count())
        .isEqualTo(50);
  }

  @Test
  void sameSeed_replaysTheSameFaults() {
    Faults faults = Faults.parse("throttle=0.3,error=0.2,drop=0.1,latency=0.5,delay=5ms,seed=42");
    List<Faults.Decision> first = new ArrayList<>();
    List<Faults.Decision> second = new ArrayList<>();
    Faults.Injector a = faults.injector();
    Faults.Injector b = faults.injector();
    for (int i = 0; i < 200; i++) {
      first.add(a.next());
      second.add(b.next());
    }
    assertThat(first).isEqualTo(second);
    assertThat(first).extracting(Faults.Decision::kind).contains(Faults.Kind.values());
  }

  @Test
  void inProcessClient_seesTheSameFaultClasses() {
    LocalEngine engine =
        LocalEngine.create(EngineConfig.defaults().withFaults(Faults.parse("throttle=1")));
    try (DynamoDbAsyncClient client = LocalDynamoDbAsyncClient.owning(engine)) {
      assertThatThrownBy(() -> client.listTables().join())
          .cause()
          .isInstanceOf(ProvisionedThroughputExceededException.class);
      engine.setFaults(Faults.parse("error=1"));
      assertThatThrownBy(() -> client.listTables().join())
          .cause()
          .isInstanceOf(InternalServerErrorException.class);
      engine.setFaults(Faults.parse("drop=1"));
      assertThatThrownBy(() -> client.listTables().join())
          .cause()
          .isInstanceOf(SdkClientException.class);
    }
  }

  @Test
  void parse_rejectsUnknownKeysRatesOutOfRangeAndNegativeDelays() {
    assertThatThrownBy(() -> Faults.parse("thrott=0.1"))
        .hasMessage("unknown fault 'thrott'; known: throttle, error, latency, delay, drop, seed");
    assertThatThrownBy(() -> Faults.parse("error=1.5"))
        .hasMessage(
            "fault rate error=1.5 is not between 0 and 1; rates are fractions of requests (0.05 is"
                + " 5%)");
    assertThatThrownBy(() -> Faults.parse("latency=1,delay=-20ms"))
        .hasMessage("fault delay=-20ms is negative; pass 0 or more, e.g. delay=50ms");
    assertThatThrownBy(() -> Faults.parse("throttle=0.6,error=0.6"))
        .hasMessage("fault rates throttle+error+drop add up to more than 1; lower one of them");
  }
}
