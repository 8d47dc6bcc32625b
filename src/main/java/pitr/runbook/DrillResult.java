package pitr.runbook;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a drill found.
 *
 * @param runbook the runbook
 * @param target where it ran
 * @param scale the size factor applied to generated items
 * @param startedAt when it started
 * @param finishedAt when it ended
 * @param steps each step's outcome, in order
 * @param recoveryTime from the start of the first rollback to the end of the last assertion after
 *     it (verified); null when the runbook rolls nothing back
 * @param paths how each {@code rollback} step recovered its table, in order
 * @param dataLost items that should have been restored and were not (must be 0)
 * @param conflicts conflicts the rollbacks reported
 * @param wcu write units consumed by the whole drill; negative when not measured
 * @param throughput write units per second over the drill, when measured
 * @param clockMoved whether {@code advance} steps moved the target's clock (the embedded engine)
 *     instead of waiting, so their time is not time that passed
 */
public record DrillResult(
    Runbook runbook,
    String target,
    double scale,
    Instant startedAt,
    Instant finishedAt,
    List<StepResult> steps,
    Duration recoveryTime,
    List<RecoveryPath> paths,
    long dataLost,
    long conflicts,
    double wcu,
    List<Map.Entry<Instant, Double>> throughput,
    boolean clockMoved) {

  /** Whether every step passed. */
  public boolean passed() {
    return steps.stream().allMatch(s -> s.status() == StepResult.Status.PASSED);
  }

  /** The steps that failed. */
  public List<StepResult> failures() {
    return steps.stream().filter(s -> s.status() == StepResult.Status.FAILED).toList();
  }
}
