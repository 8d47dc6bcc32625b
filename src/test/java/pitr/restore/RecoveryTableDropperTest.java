package pitr.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
import pitr.dynamo.LocalTarget;
import pitr.local.AdjustableClock;

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
}
