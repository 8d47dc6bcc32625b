package pitr.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.LocalTarget;
import pitr.local.http.LocalServer;
import pitr.local.iam.IamPolicies;
import pitr.local.iam.PolicyDocument;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@link TableCheckpoints#check()}, the check commands make before their first change, and {@link
 * TableCheckpoints#checkKey}, a submitter's, through the real SDK against the embedded engine: they
 * change nothing, create no table, and refuse a table of another key with the message a run would
 * give.
 */
class TableCheckpointsCheckTest {
  private LocalTarget local;

  @BeforeEach
  void start() {
    local = new LocalTarget();
  }

  @AfterEach
  void stop() {
    local.close();
  }

  private List<Map<String, AttributeValue>> items(String table) {
    return local.client.scan(r -> r.tableName(table).consistentRead(true)).join().items();
  }

  private boolean exists(String table) {
    return local.client.listTables().join().tableNames().contains(table);
  }

  @Test
  void check_ofATableThatDoesNotExist_passesAndCreatesNothing() {
    TableCheckpoints.in(local.gateway(), "pitr-checkpionts").check().block();

    assertThat(exists("pitr-checkpionts")).isFalse();
  }

  @Test
  void check_ofATableOfAnotherKey_isRefusedNamingBothKeysAndTheFix() {
    local.createTable("orders");

    assertThatThrownBy(() -> TableCheckpoints.in(local.gateway(), "orders").check().block())
        .isInstanceOf(PitrException.class)
        .hasMessage(
            "Checkpoint table orders has the key pk (S), but checkpoints need run (S), part (S);"
                + " pass a --checkpoint-table that does not exist yet (pitr creates it) or one"
                + " pitr created")
        .satisfies(e -> assertThat(((PitrException) e).code()).isEqualTo(ErrorCode.USAGE))
        .satisfies(e -> assertThat(TableCheckpoints.refusedForItsKey(e)).isTrue());
  }

  @Test
  void check_ofATablePitrCreated_passesAndWritesNothing() {
    TableCheckpoints made = TableCheckpoints.in(local.gateway(), "pitr-checkpoints");
    made.open(CopyRunRecord.opened("r1", "orders-rec", "orders", 4, null)).block();
    List<Map<String, AttributeValue>> before = items("pitr-checkpoints");

    TableCheckpoints.in(local.gateway(), "pitr-checkpoints").check().block();

    assertThat(items("pitr-checkpoints")).isEqualTo(before).hasSize(1);
  }

  @Test
  void checkKey_ofATableOfAnotherKey_isRefusedAsCheckRefusesIt() {
    local.createTable("orders");

    assertThatThrownBy(
            () ->
                TableCheckpoints.in(local.gateway(), "orders")
                    .checkKey(Duration.ofSeconds(10))
                    .block())
        .satisfies(e -> assertThat(TableCheckpoints.refusedForItsKey(e)).isTrue())
        .hasMessageStartingWith("Checkpoint table orders has the key pk (S)");
  }

  @Test
  void checkKey_whereDescribeTableIsDenied_leavesItToTheWorkers_whileCheckRefuses() {
    local.createTable("orders");
    String policy =
        "{\"Statement\":["
            + "{\"Effect\":\"Allow\",\"Action\":\"dynamodb:*\",\"Resource\":\"*\"},"
            + "{\"Effect\":\"Deny\",\"Action\":\"dynamodb:DescribeTable\",\"Resource\":\"*\"}]}";
    try (LocalServer denied =
            LocalServer.start(
                local.engine,
                "127.0.0.1",
                0,
                null,
                IamPolicies.of(
                    Map.of("test", List.of(PolicyDocument.parse(policy))),
                    local.engine.config().accountId()));
        DynamoDbAsyncClient client = LocalTarget.client(denied.endpoint())) {
      TableCheckpoints checkpoints =
          TableCheckpoints.in(
              DynamoDbGateway.create(client, denied.endpoint().toString()), "orders");

      checkpoints.checkKey(Duration.ofSeconds(10)).block();
      assertThatThrownBy(() -> checkpoints.check().block())
          .hasMessageContaining("dynamodb:DescribeTable");
    }
  }

  @Test
  void refusedForItsKey_ofAnotherRefusal_isFalse() {
    assertThat(TableCheckpoints.refusedForItsKey(new PitrException(ErrorCode.USAGE, "x")))
        .isFalse();
  }
}
