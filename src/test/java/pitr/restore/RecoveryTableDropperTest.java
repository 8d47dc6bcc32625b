package pitr.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.copy.CopyRunRecord;
import pitr.copy.CopyRuns;
import pitr.copy.FileCheckpoints;
import pitr.copy.RunOwner;
import pitr.copy.Worker;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.LocalTarget;
import pitr.local.AdjustableClock;
import pitr.local.http.LocalServer;
import pitr.local.iam.IamPolicies;
import pitr.local.iam.PolicyDocument;
import reactor.core.publisher.Flux;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/** The drop check against copy-back runs that read the table: running, dead, abandoned. */
class RecoveryTableDropperTest {
  private static final Instant START = Instant.parse("2026-11-30T03:00:00Z");
  private static LocalTarget local;

  @TempDir Path state;
  private final AdjustableClock clock = AdjustableClock.startingAt(START);

  @BeforeAll
  static void start() {
    local = new LocalTarget();
    local.createTable("orders");
    local.createTable("orders-rec");
    String arn =
        local.client.describeTable(r -> r.tableName("orders-rec")).join().table().tableArn();
    local
        .client
        .tagResource(
            r -> r.resourceArn(arn).tags(t -> t.key(RecoveryTags.RECOVERY_OF).value("orders")))
        .join();
  }

  @AfterAll
  static void stop() {
    local.close();
  }

  private RecoveryTableDropper dropper() {
    return RecoveryTableDropper.create(local.gateway(), clock);
  }

  private CopyRuns runs() {
    return CopyRuns.in(List.of(FileCheckpoints.in(state)), clock);
  }

  /** A copy-back run from orders-rec whose only worker sent a heartbeat at the clock's now. */
  private void copying(String runId) {
    FileCheckpoints store = FileCheckpoints.in(state);
    store.open(CopyRunRecord.opened(runId, "orders-rec", "orders", 4, null)).block();
    store.heartbeat(runId, Worker.ALL, clock.instant(), false).block();
  }

  private void checkRefused(boolean force, String message) {
    assertThatThrownBy(() -> dropper().check("orders-rec", runs().list(), force).block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REFUSED))
        .hasMessage(message);
  }

  @Test
  void check_whileACopyBackReadingTheTableIsRunning_isRefusedNamingItsOwnerEvenWithForce() {
    copying("live1");
    clock.advance(Duration.ofSeconds(60));
    String message =
        "Table orders-rec is being copied back by run live1, which is running (last heartbeat at"
            + " 2026-11-30T03:00:00Z from "
            + RunOwner.current().describe()
            + "); wait for it to finish";

    checkRefused(false, message);
    checkRefused(true, message);
  }

  @Test
  void check_whenTheCopyBackReadingTheTableIsDead_isRefusedSayingHowToResumeOrReleaseIt() {
    copying("dead1");
    clock.advance(Duration.ofSeconds(90));

    checkRefused(
        false,
        "Table orders-rec is being copied back by run dead1, which is dead (last heartbeat at"
            + " 2026-11-30T03:00:00Z from "
            + RunOwner.current().describe()
            + "): resume it with pitr copy-back --resume dead1 (its checkpoints are intact), or"
            + " release it with pitr runs abandon dead1 and drop again (or drop anyway with"
            + " --force)");
  }

  @Test
  void check_whenADeadRunAndARunningOneReadTheTable_namesTheRunningOne() {
    copying("dead1");
    clock.advance(Duration.ofMinutes(5));
    copying("live2");

    assertThatThrownBy(() -> dropper().check("orders-rec", runs().list(), true).block())
        .hasMessageStartingWith(
            "Table orders-rec is being copied back by run live2, which is running");
  }

  @Test
  void check_whenTheDeadRunIsAbandonedOrForced_passes() {
    copying("dead1");
    clock.advance(Duration.ofMinutes(5));

    assertThat(dropper().check("orders-rec", runs().list(), true).block().tableName())
        .isEqualTo("orders-rec");
    runs().abandon("dead1", false).block();
    assertThat(dropper().check("orders-rec", runs().list(), false).block().tableName())
        .isEqualTo("orders-rec");
  }

  @Test
  void check_whenTheRunFinished_passes() {
    copying("done1");
    FileCheckpoints.in(state).heartbeat("done1", Worker.ALL, clock.instant(), true).block();

    assertThat(dropper().check("orders-rec", runs().list(), false).block().tableName())
        .isEqualTo("orders-rec");
  }

  /**
   * A policy like the one {@code pitr iam-policy drop} prints: everything on orders and its
   * recovery tables, ListTables, nothing on any other table of the account.
   */
  private static final String ORDERS_ONLY =
      "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"dynamodb:*\",\"Resource\":["
          + "\"arn:aws:dynamodb:*:*:table/orders\",\"arn:aws:dynamodb:*:*:table/orders-rec\"]},"
          + "{\"Effect\":\"Allow\",\"Action\":\"dynamodb:ListTables\",\"Resource\":\"*\"}]}";

  /**
   * Checks {@code table} with credentials held to {@link #ORDERS_ONLY}, in an engine of its own
   * holding orders, its recovery table orders-rec, and {@code other}.
   */
  private static TableDescription checkUnderOrdersOnly(String table, String other) {
    try (LocalTarget own = new LocalTarget()) {
      own.createTable("orders");
      own.createTable("orders-rec");
      own.tagAsRecovery("orders-rec", "orders", START.toString());
      own.createTable(other);
      try (LocalServer enforced =
              LocalServer.start(
                  own.engine,
                  "127.0.0.1",
                  0,
                  null,
                  IamPolicies.of(
                      Map.of("test", List.of(PolicyDocument.parse(ORDERS_ONLY))),
                      own.engine.config().accountId()));
          DynamoDbAsyncClient client = LocalTarget.client(enforced.endpoint())) {
        return RecoveryTableDropper.create(
                DynamoDbGateway.create(client, enforced.endpoint().toString()),
                AdjustableClock.startingAt(START))
            .check(table, Flux.empty(), false)
            .block(Duration.ofSeconds(10));
      }
    }
  }

  @Test
  void check_whenTheCredentialsMayNotReadAnotherTableOfTheAccount_passesOverIt() {
    assertThat(checkUnderOrdersOnly("orders-rec", "someone-elses").tableName())
        .isEqualTo("orders-rec");
  }

  @Test
  void check_whenTheCredentialsMayNotReadATableNamedAsARecoveryOfIt_failsNamingThePermission() {
    assertThatThrownBy(() -> checkUnderOrdersOnly("orders-rec", "orders-rec-recovery-zzz"))
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessageContaining(
            "the credentials may not call dynamodb:DescribeTable on"
                + " arn:aws:dynamodb:us-east-1:000000000000:table/orders-rec-recovery-zzz");
  }

  @Test
  void check_ofTheSourceOfARecoveryTable_underAPolicyOfItsTablesOnly_isStillRefused() {
    assertThatThrownBy(() -> checkUnderOrdersOnly("orders", "someone-elses"))
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REFUSED))
        .hasMessage(
            "Table orders is the source of recovery table orders-rec; pitr never drops a source"
                + " table");
  }
}
