package pitr.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.local.AdjustableClock;
import pitr.migrate.api.RunMode;

/** The migration lock of runs across workers: joining it, and refusing another worker count. */
class LeaseLockTest {
  private final AdjustableClock clock =
      AdjustableClock.startingAt(java.time.Instant.parse("2026-12-05T02:00:00Z"));
  private final MigrationTestTarget local = new MigrationTestTarget(clock);
  private final MigrationEnvironment env = local.environment(clock);

  @AfterEach
  void stop() {
    local.close();
  }

  @Test
  void join_byAWorkerOfTheRunWithAnotherWorkerCount_isRefusedWithTheRunsOwnMessage() {
    env.ledger().ensureTable().block(Duration.ofSeconds(30));
    LeaseLock lock = env.lock();
    Lease held =
        lock.join("r1", "0001_cars_get_a_price", RunMode.PROD, "ann", "host-1", 3)
            .block(Duration.ofSeconds(30));
    assertThat(held).isNotNull();
    clock.advance(Duration.ofSeconds(1));

    assertThatThrownBy(
            () ->
                lock.join("r1", "0001_cars_get_a_price", RunMode.PROD, "bob", "host-2", 2)
                    .block(Duration.ofSeconds(30)))
        .isInstanceOf(PitrException.class)
        .hasMessage(
            "Run r1 of 0001_cars_get_a_price runs across 3 workers, not 2; pass --worker I/3 to"
                + " continue it, or start a new run with a new --run-id. Nothing was changed.")
        .extracting(e -> ((PitrException) e).code())
        .isEqualTo(ErrorCode.USAGE);
    assertThat(lock.current().block(Duration.ofSeconds(30)))
        .hasValueSatisfying(h -> assertThat(h.runId()).isEqualTo("r1"));
  }

  @Test
  void join_ofARunHeldInOneProcess_isRefusedSayingToResumeIt() {
    env.ledger().ensureTable().block(Duration.ofSeconds(30));
    LeaseLock lock = env.lock();
    lock.acquire("r2", "0001_cars_get_a_price", "ann", "host-1").block(Duration.ofSeconds(30));
    clock.advance(Duration.ofSeconds(1));

    assertThatThrownBy(
            () ->
                lock.join("r2", "0001_cars_get_a_price", RunMode.DEV, "bob", "host-2", 2)
                    .block(Duration.ofSeconds(30)))
        .isInstanceOf(PitrException.class)
        .hasMessage(
            "Run r2 of 0001_cars_get_a_price ran in one process, not across 2 workers; resume it"
                + " with 'pitr migrate resume 0001_cars_get_a_price' without --worker, or start a"
                + " new run with a new --run-id. Nothing was changed.");
  }
}
