package pitr.rollback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.LocalTarget;
import pitr.local.AdjustableClock;
import pitr.local.EngineConfig;
import reactor.core.scheduler.Schedulers;

class RollbacksTest {
  private static final Instant START = Instant.parse("2026-11-30T12:00:00Z");

  @TempDir Path dir;

  private final AdjustableClock clock = AdjustableClock.startingAt(START);
  private LocalTarget local;
  private Rollbacks rollbacks;

  /** orders with PITR on from 12:00; items written at 12:00, the incident at 12:10, now 12:20. */
  @BeforeEach
  void start() {
    local = new LocalTarget(EngineConfig.defaults().withClock(clock).withRestoreLag(Duration.ZERO));
    local.createTable("orders");
    local.enablePitr("orders");
    local.fill("orders", 0, 10, "v1", 0);
    clock.advance(Duration.ofMinutes(10));
    local.fill("orders", 0, 10, "bad", 0);
    clock.advance(Duration.ofMinutes(10));
    rollbacks =
        Rollbacks.create(
            local.client,
            clock,
            Schedulers.parallel(),
            Rollbacks.Settings.defaults(local.endpoint(), "test", dir));
  }

  @AfterEach
  void stop() {
    local.close();
  }

  private Rollbacks.TableRequest request(Instant to, Instant incidentEnd) {
    return new Rollbacks.TableRequest("orders", to, incidentEnd, false, false, Duration.ofHours(1));
  }

  private java.util.List<String> tables() {
    return local.client.listTables().join().tableNames();
  }

  @Test
  void check_whenTheIncidentEndsBeforeT0_namesBothOptionsAndTheirValues() {
    Instant t0 = START.plusSeconds(300);
    Instant t1 = START.plusSeconds(900);

    assertThatThrownBy(() -> request(t1, t0).check())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "--incident-end 2026-11-30T12:05:00Z is not after --to 2026-11-30T12:15:00Z: the"
                + " incident ends after the instant to go back to; pass the earlier instant"
                + " (before the bad change) as --to and the later one (when it ended) as"
                + " --incident-end. Nothing was changed.");
    assertThatThrownBy(() -> request(t0, t0).check())
        .hasMessageStartingWith(
            "--incident-end 2026-11-30T12:05:00Z is not after --to 2026-11-30T12:05:00Z");
    request(t0, t1).check();
    request(t0, null).check();
  }

  @Test
  void planTable_withTheInstantsSwapped_restoresNothing() {
    Instant t0 = START.plusSeconds(300);
    Instant t1 = START.plusSeconds(900);

    assertThatThrownBy(() -> rollbacks.planTable(request(t1, t0)).block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE));
    assertThat(tables()).containsExactly("orders");
  }

  @Test
  void planTable_withT0BeforeTheRestoreWindow_refusesBeforeAnyRestore() {
    Instant before = START.minusSeconds(60);

    assertThatThrownBy(() -> rollbacks.planTable(request(before, START.plusSeconds(900))).block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REFUSED))
        .hasMessage(
            "--to 2026-11-30T11:59:00Z is outside the restore window of table orders"
                + " (2026-11-30T12:00:00Z through 2026-11-30T12:20:00Z): it is before the"
                + " earliest restorable time; pick an instant inside the window. Nothing was"
                + " changed.");
    assertThat(tables()).containsExactly("orders");
  }

  @Test
  void planTable_withT1AfterTheRestoreWindow_refusesBeforeRestoringT0() {
    Instant t0 = START.plusSeconds(300);

    assertThatThrownBy(
            () -> rollbacks.planTable(request(t0, START.plus(Duration.ofHours(1)))).block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "--incident-end 2026-11-30T13:00:00Z is in the future (now is"
                + " 2026-11-30T12:20:00Z); pass a past instant, or a relative time like -15m."
                + " Nothing was changed.");
    assertThat(tables()).containsExactly("orders");
  }

  @Test
  void planTable_withT1InsideTheWindowButAfterItsLatestTime_saysToWait() {
    local.close();
    local =
        new LocalTarget(
            EngineConfig.defaults().withClock(clock).withRestoreLag(Duration.ofMinutes(5)));
    local.createTable("orders");
    local.enablePitr("orders");
    clock.advance(Duration.ofMinutes(10));
    rollbacks =
        Rollbacks.create(
            local.client,
            clock,
            Schedulers.parallel(),
            Rollbacks.Settings.defaults(local.endpoint(), "test", dir));
    Instant now = clock.instant();

    assertThatThrownBy(
            () -> rollbacks.planTable(request(now.minusSeconds(420), now.minusSeconds(60))).block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REFUSED))
        .hasMessage(
            "--incident-end 2026-11-30T12:29:00Z is outside the restore window of table orders"
                + " (2026-11-30T12:20:00Z through 2026-11-30T12:25:00Z): it is after the latest"
                + " restorable time, which trails now by a few minutes on AWS; wait and rerun,"
                + " or pick an instant inside the window. Nothing was changed.");
    assertThat(tables()).containsExactly("orders");
  }

  @Test
  void planTable_withBothInstantsInsideTheWindow_plansTheIncident() {
    Rollbacks.Prepared prepared =
        rollbacks
            .planTable(request(START.plusSeconds(300), START.plusSeconds(900)))
            .block(Duration.ofSeconds(60));

    assertThat(prepared.plan().counts().get(Action.RESTORE)).isEqualTo(10);
    assertThat(prepared.recoveryTables()).hasSize(2);
    rollbacks.drop(prepared.recoveryTables()).block();
    assertThat(tables()).containsExactly("orders");
  }

  @Test
  void planTable_savesASealedPlanInItsWorkFolder_andDiscardDeletesOnlyThatFolder() {
    Rollbacks.Prepared prepared =
        rollbacks
            .planTable(request(START.plusSeconds(300), START.plusSeconds(900)))
            .block(Duration.ofSeconds(60));
    RollbackPlan plan = prepared.plan();

    assertThat(plan.file()).isNotNull();
    assertThat(plan.file().getParent().getParent()).isEqualTo(dir);
    RollbackPlan reread = PlanFile.read(plan.file());
    assertThat(reread.fingerprint()).isEqualTo(plan.fingerprint());
    assertThat(reread.counts()).isEqualTo(plan.counts());
    assertThat(reread.recoveryTables()).isEqualTo(prepared.recoveryTables());

    rollbacks.discard(plan);
    assertThat(java.nio.file.Files.exists(plan.file().getParent())).isFalse();
    assertThat(java.nio.file.Files.isDirectory(dir)).isTrue();
    rollbacks.drop(prepared.recoveryTables()).block();
  }

  @Test
  void drop_ofATableNotTaggedAsARecoveryTable_refusesAndKeepsIt() {
    local.createTable("orders-copy");

    assertThatThrownBy(() -> rollbacks.drop(java.util.List.of("orders-copy")).block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REFUSED))
        .hasMessage(
            "Table orders-copy has no pitr:recovery-of tag, so it is not a recovery table pitr"
                + " made; pass --force and type its name to drop it anyway");
    assertThat(tables()).contains("orders-copy");
  }

  @Test
  void drop_ofRecoveryTablesSomeAlreadyGone_dropsTheRestAndNamesOnlyThose() {
    local.createTable("orders-recovery-abc");
    local.tagAsRecovery("orders-recovery-abc", "orders", START.toString());

    java.util.List<String> dropped =
        rollbacks.drop(java.util.List.of("orders-recovery-gone", "orders-recovery-abc")).block();

    assertThat(dropped).containsExactly("orders-recovery-abc");
    assertThat(tables()).containsExactly("orders");
  }

  @Test
  void tableRequest_takesItsInstantsToTheMillisecond_asDynamoDbTakesThem() {
    Rollbacks.TableRequest r =
        new Rollbacks.TableRequest(
            "orders",
            Instant.parse("2026-11-30T12:00:00.123456Z"),
            Instant.parse("2026-11-30T12:05:00.987654321Z"),
            false,
            false,
            Duration.ofHours(1));

    assertThat(r.to()).isEqualTo(Instant.parse("2026-11-30T12:00:00.123Z"));
    assertThat(r.incidentEnd()).isEqualTo(Instant.parse("2026-11-30T12:05:00.987Z"));
  }
}
