package pitr.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.local.Faults;

/**
 * A run whose writes are throttled and fail with 500s, with no retries, so items go to the failure
 * file: no page with a failed item is checkpointed, a resume writes again what every earlier
 * process failed, and the run is complete only when nothing of it is unwritten.
 */
class CopyBackFailuresTest {
  private static final Faults FAULTS = Faults.parse("throttle=0.05,error=0.3,seed=11");

  @TempDir Path state;
  private CopyFixture f;

  @BeforeEach
  void start() {
    f = new CopyFixture(state);
  }

  @AfterEach
  void stop() {
    f.local.engine.setFaults(Faults.NONE);
    f.close();
  }

  private static long lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private CopyResult resume(String runId) {
    CopyRequest resumed =
        RunLimits.resume(f.checkpoints, f.request(runId, true, 0, 16, 0, 0), Set.of()).block();
    return f.copyBack().run(resumed).block();
  }

  @Test
  void resume_afterARunCancelledWithItemsInItsFailureFile_writesThemAndEndsIdentical()
      throws Exception {
    f.recoveryAndLive(2000);
    Path first = f.failures("k1");
    f.local.engine.setFaults(FAULTS);
    // Cancelled as a killed process stops, once a few batches are in its failure file.
    f.cancelWhen(f.request("k1", false, 4, 2, 1000, 0), () -> lines(first) >= 75);
    f.local.engine.setFaults(Faults.NONE);
    long failed = lines(first);
    assertThat(failed).isGreaterThanOrEqualTo(75);
    assertThat(f.identical()).isFalse();

    CopyResult r = resume("k1");

    assertThat(r.earlierFailuresRetried()).isEqualTo(failed);
    assertThat(r.itemsFailed()).isZero();
    assertThat(r.resolvedFailureFiles()).containsExactly(first);
    assertThat(first).doesNotExist();
    assertThat(Path.of(first + ".resolved")).exists();
    assertThat(f.checkpoints.failureLogs("k1").block())
        .filteredOn(l -> l.file().equals(first.toAbsolutePath()))
        .singleElement()
        .matches(FailureLog::resolved);
    assertThat(f.checkpoints.find("k1").block().finished()).isTrue();
    assertThat(f.local.contents("orders")).isEqualTo(f.local.contents("orders-rec"));
  }

  @Test
  void run_withFailedItems_checkpointsNoPageWithAFailure_andIsUnfinishedUntilAResumeWritesThem()
      throws Exception {
    f.recoveryAndLive(600);
    Path first = f.failures("k2");
    f.local.engine.setFaults(FAULTS);
    CopyResult failing = f.copyBack().run(f.request("k2", false, 4, 4, 0, 0)).block();
    assertThat(failing.itemsFailed()).isPositive().isEqualTo(lines(first));
    assertThat(failing.segmentsCopied()).isLessThan(4);
    Map<Integer, SegmentPosition> saved = f.checkpoints.positions("k2").block();
    assertThat(saved.values().stream().filter(SegmentPosition::done).count())
        .isEqualTo(failing.segmentsCopied());
    assertThat(f.checkpoints.find("k2").block().finished()).isFalse();

    // Still failing: what fails again is filed anew, and the earlier file is resolved into it.
    Path second = f.failures("k2");
    CopyResult again = resume("k2");
    assertThat(again.itemsFailed()).isPositive().isEqualTo(lines(second));
    assertThat(again.earlierFailuresRetried()).isEqualTo(failing.itemsFailed());
    assertThat(again.resolvedFailureFiles()).containsExactly(first);
    assertThat(f.checkpoints.find("k2").block().finished()).isFalse();

    f.local.engine.setFaults(Faults.NONE);
    CopyResult done = resume("k2");

    assertThat(done.itemsFailed()).isZero();
    assertThat(done.earlierFailuresRetried()).isEqualTo(again.itemsFailed());
    assertThat(done.resolvedFailureFiles()).containsExactly(second);
    assertThat(f.checkpoints.positions("k2").block().values())
        .hasSize(4)
        .allMatch(SegmentPosition::done);
    assertThat(f.checkpoints.find("k2").block().finished()).isTrue();
    assertThat(f.local.contents("orders")).isEqualTo(f.local.contents("orders-rec"));
  }
}
