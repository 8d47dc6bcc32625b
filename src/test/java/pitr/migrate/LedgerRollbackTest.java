package pitr.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.local.AdjustableClock;
import pitr.migrate.api.RunMode;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Recording a rollback in the ledger, under the migration lock. */
class LedgerRollbackTest {
  @TempDir Path dir;

  private final AdjustableClock clock =
      AdjustableClock.startingAt(Instant.parse("2026-03-01T10:00:00Z"));
  private final MigrationTestTarget local = new MigrationTestTarget(clock);
  private final MigrationEnvironment env = local.environment(clock);
  private RunRecord run;

  @BeforeEach
  void migrate() {
    local.createTable("things", "pk");
    for (int i = 0; i < 3; i++) {
      local.put("things", Map.of("pk", AttributeValue.fromS("t" + i)));
    }
    MigrationFile f =
        Sources.write(dir, "0001_mark.java", Sources.setOnEveryItem("Mark", "things", "m", "yes"));
    MigrationTestTarget.runner(env, dir).run(RunRequest.of(f, RunMode.DEV, "ann", "box1")).block();
    run = env.ledger().runs("0001_mark").blockLast();
    clock.advance(Duration.ofMinutes(5));
  }

  @AfterEach
  void stop() {
    local.close();
  }

  private RollbackEntry entry() {
    return new RollbackEntry("rb01", clock.instant(), "bob", 2, 1, 4, 3, run.restorePoint());
  }

  private Map<String, AttributeValue> ledgerItem() {
    return local
        .client
        .getItem(
            r ->
                r.tableName("pitr-ledger")
                    .key(
                        Map.of(
                            "pk", AttributeValue.fromS("run"),
                            "sk", AttributeValue.fromS("0001_mark#" + run.runId())))
                    .consistentRead(true))
        .join()
        .item();
  }

  @Test
  void markRolledBack_underTheLock_recordsWhenWhoCountsAndRecoveryPoint_andReleasesTheLock() {
    env.underLock(
            "rollback-rb01",
            "0001_mark",
            "bob",
            "box2",
            lease -> env.ledger().markRolledBack(run, entry(), lease))
        .block();

    Map<String, AttributeValue> item = ledgerItem();
    assertThat(item.get("status").s()).isEqualTo("ROLLED_BACK");
    assertThat(item.get("rolledBackAt").s()).isEqualTo("2026-03-01T10:05:00Z");
    assertThat(item.get("rolledBackBy").s()).isEqualTo("bob");
    Map<String, AttributeValue> rollback = item.get("rollback").m();
    assertThat(rollback.get("rollbackId").s()).isEqualTo("rb01");
    assertThat(rollback.get("restored").n()).isEqualTo("2");
    assertThat(rollback.get("deleted").n()).isEqualTo("1");
    assertThat(rollback.get("alreadyApplied").n()).isEqualTo("4");
    assertThat(rollback.get("conflicts").n()).isEqualTo("3");
    assertThat(rollback.get("recoveryPoint").s()).isEqualTo(run.restorePoint().toString());
    assertThat(env.ledger().runs("0001_mark").blockLast().status())
        .isEqualTo(MigrationState.ROLLED_BACK);
    assertThat(env.lock().current().block()).isEmpty();
  }

  @Test
  void markRolledBack_withALostLease_failsAndLeavesTheRunAsItWas() {
    Lease lease = env.lock().acquire("rollback-rb01", "0001_mark", "bob", "box2").block();
    LockInfo held = env.lock().current().block().orElseThrow();
    env.lock().forceUnlock(held).block();

    assertThatThrownBy(() -> env.ledger().markRolledBack(run, entry(), lease).block())
        .isInstanceOf(PitrException.class)
        .hasMessageContaining("Run rollback-rb01 lost the migration lock in pitr-ledger")
        .extracting(e -> ((PitrException) e).code())
        .isEqualTo(ErrorCode.FAILED);
    assertThat(ledgerItem().get("status").s()).isEqualTo("SUCCEEDED");
    assertThat(ledgerItem()).doesNotContainKeys("rolledBackAt", "rollback");
  }

  @Test
  void markRolledBack_ofARunAlreadyRolledBack_isRefused() {
    env.underLock(
            "rollback-rb01",
            "0001_mark",
            "bob",
            "box2",
            lease -> env.ledger().markRolledBack(run, entry(), lease))
        .block();

    assertThatThrownBy(
            () ->
                env.underLock(
                        "rollback-rb02",
                        "0001_mark",
                        "bob",
                        "box2",
                        lease -> env.ledger().markRolledBack(run, entry(), lease))
                    .block())
        .isInstanceOf(PitrException.class)
        .hasMessage(
            "Run "
                + run.runId()
                + " of 0001_mark is no longer SUCCEEDED, FAILED or RUNNING in pitr-ledger (rolled back or"
                + " resumed meanwhile), so it was not marked ROLLED_BACK; check 'pitr migrate"
                + " list'");
  }

  @Test
  void underLock_whileALiveRunHoldsTheLock_refusesBeforeTheWorkStarts() {
    env.lock().acquire("20260301T100500Z-abc", "0002_other", "carol", "box3").block();
    AtomicBoolean ran = new AtomicBoolean();

    assertThatThrownBy(
            () ->
                env.underLock(
                        "rollback-rb01",
                        "0001_mark",
                        "bob",
                        "box2",
                        lease -> Mono.fromRunnable(() -> ran.set(true)))
                    .block())
        .isInstanceOf(PitrException.class)
        .hasMessageStartingWith(
            "Another migration run holds the lock in pitr-ledger: run 20260301T100500Z-abc of"
                + " 0002_other by carol on box3")
        .extracting(e -> ((PitrException) e).code())
        .isEqualTo(ErrorCode.REFUSED);
    assertThat(ran).isFalse();
    assertThat(ledgerItem().get("status").s()).isEqualTo("SUCCEEDED");
  }
}
