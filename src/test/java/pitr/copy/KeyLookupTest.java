package pitr.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.KeySchema;
import pitr.dynamo.LocalTarget;
import pitr.dynamo.VirtualTime;
import pitr.local.EngineConfig;
import pitr.local.Faults;
import pitr.metrics.CopyMeters;
import reactor.test.scheduler.VirtualTimeScheduler;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Copy-back's lookups by key, through the real SDK client (its own retries off) and the gateway's
 * batch-get loop on virtual time: a key the retries could not read fails the lookup, naming the
 * table and how many, instead of passing for a missing item (which a delete-extra run would then
 * delete).
 */
class KeyLookupTest {
  private static final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
  private static LocalTarget local;
  private static DynamoDbAsyncClient client;
  private static KeyLookup lookup;
  private static KeySchema schema;

  @BeforeAll
  static void start() {
    local =
        new LocalTarget(
            EngineConfig.defaults()
                .withClock(VirtualTime.clock(vts, Instant.parse("2025-01-01T00:00:00Z"))));
    client = local.clientWithoutSdkRetries();
    DynamoDbGateway gateway = DynamoDbGateway.create(client, local.endpoint()).withScheduler(vts);
    lookup = new KeyLookup(gateway, CopyMeters.inMemory());
    local.createTable("cars");
    local.fill("cars", 0, 5, "v1", 10);
    schema = KeySchema.of(VirtualTime.run(vts, gateway.describeTable("cars")));
  }

  @AfterAll
  static void stop() {
    client.close();
    local.close();
    vts.dispose();
  }

  private static List<Map<String, AttributeValue>> keys(int from, int to) {
    return IntStream.range(from, to)
        .mapToObj(i -> Map.of("pk", AttributeValue.fromS("k" + i)))
        .toList();
  }

  @Test
  void missingFrom_whenEveryReadIsAnswered_isTheKeysTheTableDoesNotHave() {
    List<Map<String, AttributeValue>> missing =
        VirtualTime.run(vts, lookup.missingFrom("cars", keys(0, 8), schema).collectList());

    assertThat(missing).containsExactlyInAnyOrderElementsOf(keys(5, 8));
  }

  @Test
  void missingFrom_whenTheReadsStayThrottled_failsNamingTheTableAndTheUnreadKeys() {
    local.engine.setFaults(Faults.parse("throttle=1"));
    try {
      Throwable thrown =
          catchThrowable(
              () ->
                  VirtualTime.run(
                      vts, lookup.missingFrom("cars", keys(0, 8), schema).collectList()));

      assertThat(thrown instanceof CompletionException ? thrown.getCause() : thrown)
          .isInstanceOfSatisfying(
              PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FAILED))
          .hasMessageStartingWith("Could not read 8 keys of table cars after retrying (")
          .hasMessageContaining("nothing was written or deleted for them");
    } finally {
      local.engine.setFaults(Faults.NONE);
    }
  }
}
