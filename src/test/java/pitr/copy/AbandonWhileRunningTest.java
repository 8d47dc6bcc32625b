package pitr.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.metrics.CopyMeters;

/**
 * {@code pitr runs abandon --force} of a run whose process is still working: the process notices at
 * its next heartbeat, starts no new page, and ends saying by whom the run was abandoned; its writes
 * so far are checkpointed and the run stays abandoned.
 */
class AbandonWhileRunningTest {
  @TempDir Path state;
  private CopyFixture f;

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void copyBack_whenItsRunIsAbandonedWhileItWorks_stopsAtTheNextHeartbeat_andSaysByWhom()
      throws Exception {
    f = new CopyFixture(state).recoveryAndLive(3000);
    // 3,000 one-unit items at 300 WCU/s take ten seconds; a heartbeat every 100 ms.
    CopyRequest request = f.request("r1", false, 30, 4, 300, 3);
    CopyBack copy =
        CopyBack.create(
            f.local.gateway(),
            f.checkpoints,
            CopyMeters.inMemory(),
            Clock.systemUTC(),
            Duration.ofMillis(100));
    CompletableFuture<CopyResult> running = copy.run(copy.plan(request).block()).toFuture();
    awaitCheckpoint("r1");

    CopyRuns runs = CopyRuns.in(List.of(f.checkpoints), Clock.systemUTC());
    assertThat(runs.abandon("r1", true).block().state()).isEqualTo(RunState.ABANDONED);
    CopyResult result = running.get(30, java.util.concurrent.TimeUnit.SECONDS);

    assertThat(result.stopped()).isTrue();
    assertThat(result.abandoned()).isNotNull();
    assertThat(result.abandoned().by()).isEqualTo(RunOwner.current());
    assertThat(result.itemsWritten()).isPositive().isLessThan(3000);
    assertThat(result.abandoned().stopped("r1", "wrote 12 items"))
        .startsWith("Run r1 was abandoned by " + RunOwner.current().describe() + " at ")
        .contains("('pitr runs abandon --force') while this process worked on it")
        .contains("(wrote 12 items). An abandoned run cannot be resumed");
    RunStatus after = runs.find("r1").block();
    assertThat(after.state()).isEqualTo(RunState.ABANDONED);
  }

  /** Waits (with a deadline) until run {@code runId} has saved a segment position. */
  private void awaitCheckpoint(String runId) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (f.checkpoints.positions(runId).block().isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("run " + runId + " saved no checkpoint in 30 s");
      }
      Thread.sleep(20);
    }
  }
}
