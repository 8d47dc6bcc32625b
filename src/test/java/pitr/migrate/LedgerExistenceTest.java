package pitr.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import pitr.TestHttp;
import pitr.local.AdjustableClock;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;

/** How often the ledger asks whether its table exists, and what it reads once it is gone. */
class LedgerExistenceTest {
  private final AdjustableClock clock =
      AdjustableClock.startingAt(Instant.parse("2026-03-01T10:00:00Z"));
  private final MigrationTestTarget local = new MigrationTestTarget(clock);
  private final AtomicInteger describes = new AtomicInteger();
  private final DynamoDbAsyncClient counted =
      TestHttp.dynamo(local.server.endpoint())
          .overrideConfiguration(
              o ->
                  o.addExecutionInterceptor(
                      new ExecutionInterceptor() {
                        @Override
                        public void beforeExecution(
                            Context.BeforeExecution context, ExecutionAttributes attributes) {
                          if (context.request() instanceof DescribeTableRequest) {
                            describes.incrementAndGet();
                          }
                        }
                      }))
          .build();
  private final Ledger ledger = MigrationTestTarget.environment(counted, clock).ledger();

  @AfterEach
  void stop() {
    counted.close();
    local.close();
  }

  @Test
  void aTableSeenToExist_isNotDescribedAgain_byTheReadsThatFollow() {
    local.createTable("pitr-ledger", "pk", "sk");

    assertThat(ledger.absence().blockOptional()).isEmpty();
    assertThat(ledger.runs().collectList().block()).isEmpty();
    assertThat(ledger.runs("0001_x").collectList().block()).isEmpty();

    assertThat(describes.get()).isEqualTo(1);
  }

  @Test
  void aMissingTable_isAskedAgain_soOneCreatedLaterIsRead() {
    assertThat(ledger.absence().block()).contains("Ledger table pitr-ledger does not exist");
    assertThat(ledger.runs().collectList().block()).isEmpty();

    local.createTable("pitr-ledger", "pk", "sk");

    assertThat(ledger.exists().block()).isTrue();
    assertThat(describes.get()).isEqualTo(3);
  }

  @Test
  void aTableDeletedAfterItWasSeen_failsTheRead_ratherThanReadingAsAnEmptyLedger() {
    local.createTable("pitr-ledger", "pk", "sk");
    assertThat(ledger.exists().block()).isTrue();

    local.client.deleteTable(r -> r.tableName("pitr-ledger")).join();

    assertThatThrownBy(() -> ledger.runs().collectList().block())
        .hasMessageContaining("pitr-ledger");
  }
}
