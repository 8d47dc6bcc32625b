package pitr.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.copy.RunLimits.Limit;

class CopyBackResumeTest {
  @TempDir Path state;
  private CopyFixture f;

  @AfterEach
  void stop() {
    f.close();
  }

  /** Run r1 with --segments 4 --concurrency 2 --max-wcu 2000, cancelled after its first page. */
  private void cancelledRun() throws Exception {
    f = new CopyFixture(state).recoveryAndLive(2000);
    f.cancelWhen(f.request("r1", false, 4, 2, 2000, 10), () -> f.checkpointed("r1"));
  }

  /** A resume of r1 as the CLI builds it before the run's limits are applied: the defaults. */
  private CopyRequest resumeWithDefaults(double maxWcu) {
    return f.request("r1", true, 0, 16, maxWcu, 10);
  }

  @Test
  void resume_withNoLimitGiven_keepsTheRunsCapConcurrencyAndSegments() throws Exception {
    cancelledRun();

    CopyRequest resumed = RunLimits.resume(f.checkpoints, resumeWithDefaults(0), Set.of()).block();
    CopyResult result = f.copyBack().run(resumed).block();

    assertThat(resumed.throughput().maxWcu()).isEqualTo(2000);
    assertThat(resumed.throughput().concurrency()).isEqualTo(2);
    assertThat(resumed.throughput().segments()).isEqualTo(4);
    assertThat(result.limits().maxWcu()).isEqualTo(2000);
    assertThat(result.segmentsSkipped()).isPositive();
    assertThat(result.itemsFailed()).isZero();
    assertThat(f.identical()).isTrue();
  }

  @Test
  void resume_ofARunThatDeletesExtras_deletesThemToo_withoutTheOptionGivenAgain() throws Exception {
    f = new CopyFixture(state).recoveryAndLive(2000);
    f.local.fill("orders", 5000, 5030, "extra", 100);
    f.cancelWhen(
        f.request("r1", false, 4, 2, 2000, 10).toBuilder().deleteExtra(true).build(),
        () -> f.checkpointed("r1"));
    assertThat(f.identical()).isFalse();
    assertThat(f.checkpoints.find("r1").block().limits().deleteExtra()).isTrue();

    CopyRequest resumed = RunLimits.resume(f.checkpoints, resumeWithDefaults(0), Set.of()).block();
    CopyResult result = f.copyBack().run(resumed).block();

    assertThat(resumed.deleteExtra()).isTrue();
    assertThat(RunLimits.resumeLine(f.checkpoints.find("r1").block(), resumed))
        .endsWith(", --max-rcu none, --delete-extra");
    assertThat(result.itemsDeleted()).isEqualTo(30);
    assertThat(f.identical()).isTrue();
  }

  @Test
  void resume_withALowerCap_usesItAndSaysItWasLowered() throws Exception {
    cancelledRun();

    CopyRequest resumed =
        RunLimits.resume(f.checkpoints, resumeWithDefaults(500), Set.of(Limit.MAX_WCU)).block();

    assertThat(resumed.throughput().maxWcu()).isEqualTo(500);
    assertThat(RunLimits.resumeLine(f.checkpoints.find("r1").block(), resumed))
        .isEqualTo(
            "Resuming run r1 with its limits: --segments 4, --concurrency 2, --max-wcu 500"
                + " (lowered from the run's 2000), --max-rcu none");
    assertThat(f.copyBack().run(resumed).block().limits().maxWcu()).isEqualTo(500);
    assertThat(f.identical()).isTrue();
  }

  @Test
  void resume_withAHigherOrRemovedCap_isRefusedNamingTheRunsCapAndANewRun() throws Exception {
    cancelledRun();
    var before = f.local.contents("orders");

    assertThatThrownBy(
            () ->
                RunLimits.resume(f.checkpoints, resumeWithDefaults(3000), Set.of(Limit.MAX_WCU))
                    .block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessage(
            "Run r1 was started with --max-wcu 2000, and a resume keeps the limits of its run:"
                + " --max-wcu 3000 is higher. Leave --max-wcu out or pass at most 2000; to copy"
                + " with --max-wcu 3000, start a new run instead: pitr copy-back --from orders-rec"
                + " --to orders --max-wcu 3000 (items already copied are written again). Nothing"
                + " was written.");
    assertThatThrownBy(
            () ->
                RunLimits.resume(f.checkpoints, resumeWithDefaults(0), Set.of(Limit.MAX_WCU))
                    .block())
        .hasMessage(
            "Run r1 was started with --max-wcu 2000, and a resume keeps the limits of its run:"
                + " --max-wcu 0 would remove it. Leave --max-wcu out or pass at most 2000; to copy"
                + " with no --max-wcu, start a new run instead: pitr copy-back --from orders-rec"
                + " --to orders (items already copied are written again). Nothing was written.");
    assertThatThrownBy(
            () ->
                RunLimits.resume(
                        f.checkpoints,
                        f.request("r1", true, 0, 8, 0, 10),
                        Set.of(Limit.CONCURRENCY))
                    .block())
        .hasMessageStartingWith(
            "Run r1 was started with --concurrency 2, and a resume keeps the limits of its run:"
                + " --concurrency 8 is higher.");
    assertThat(f.local.contents("orders")).isEqualTo(before);
  }

  @Test
  void run_ofAResumeAboveTheRunsCap_isRefusedBeforeAnyWrite() throws Exception {
    cancelledRun();
    var before = f.local.contents("orders");

    // A caller that skips RunLimits.resume asks for no cap at all: CopyBack itself refuses.
    assertThatThrownBy(() -> f.copyBack().run(resumeWithDefaults(0)).block())
        .isInstanceOfSatisfying(
            PitrException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
        .hasMessageStartingWith(
            "Run r1 was started with --max-wcu 2000, and a resume keeps the limits of its run:"
                + " --max-wcu 0 would remove it.");
    assertThat(f.local.contents("orders")).isEqualTo(before);
  }
}
