package pitr.runbook;

/**
 * An assertion of a drill that did not hold: its step fails and the drill goes on, so one report
 * lists every broken expectation. Any other failure of a step skips the rest of the drill but its
 * {@code drop} steps.
 */
final class DrillAssertionFailed extends RuntimeException {
  private static final long serialVersionUID = 1L;

  DrillAssertionFailed(String message) {
    super(message);
  }
}
