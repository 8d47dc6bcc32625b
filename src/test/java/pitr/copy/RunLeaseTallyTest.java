package pitr.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RunLeaseTallyTest {
  private static final Instant T = Instant.parse("2026-12-05T00:00:00Z");

  @Test
  void aRunOfThreeWorkers_whoseFirstFinishedBeforeTheOthersStarted_isNotFinished() {
    RunLease.Tally tally = new RunLease.Tally();
    tally.add(new Worker(1, 3), T, true, null, T.plusSeconds(90));

    assertThat(tally.finished()).isFalse();
    assertThat(tally.expires()).isNull();
  }

  @Test
  void aRunOfThreeWorkers_isFinishedWhenAllThreeFinished() {
    RunLease.Tally tally = new RunLease.Tally();
    tally.add(new Worker(1, 3), T, true, null, T.plusSeconds(90));
    tally.add(new Worker(3, 3), T, true, null, T.plusSeconds(90));
    assertThat(tally.finished()).isFalse();

    tally.add(new Worker(2, 3), T.plusSeconds(5), true, null, T.plusSeconds(95));

    assertThat(tally.finished()).isTrue();
  }

  @Test
  void aRunWithOneWorkerStillRunning_isNotFinished_andExpiresWithThatWorkersLease() {
    RunLease.Tally tally = new RunLease.Tally();
    tally.add(new Worker(1, 2), T, true, null, T.plusSeconds(90));
    tally.add(new Worker(2, 2), T.plusSeconds(30), false, null, T.plusSeconds(120));

    assertThat(tally.finished()).isFalse();
    assertThat(tally.expires()).isEqualTo(T.plusSeconds(120));
  }
}
