package pitr.runbook;

import java.time.Duration;
import java.time.Instant;

/**
 * How one step went.
 *
 * @param number 1-based position in the runbook
 * @param step the step
 * @param status passed, failed or skipped
 * @param start when it started (drill clock)
 * @param end when it ended
 * @param detail what it did, e.g. "seeded 2,000 items"
 * @param failure why it failed, or null
 */
public record StepResult(
    int number,
    Step step,
    Status status,
    Instant start,
    Instant end,
    String detail,
    String failure) {

  /** Where a step stands. */
  public enum Status {
    /** Done, and its assertion (if any) held. */
    PASSED,
    /** Its assertion did not hold, or it could not be done; see the failure. */
    FAILED,
    /** Not run because an earlier step could not be done. */
    SKIPPED
  }

  public Duration duration() {
    return Duration.between(start, end);
  }
}
