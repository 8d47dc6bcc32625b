package pitr.dynamo;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Hooks;

/**
 * Where Reactor sends an error that arrives after its pipeline was cancelled: a call still in
 * flight when a run was stopped (a failed batch ends the copy, Ctrl-C, a lost lease) may fail after
 * nobody listens. That is expected and already accounted for (the run's own failure is reported,
 * and checkpoints make the rerun safe), so it is logged at debug, not at ERROR with a stack trace
 * as Reactor does by default.
 */
final class DroppedErrors {
  private static final Logger log = LoggerFactory.getLogger(DroppedErrors.class);

  static {
    Hooks.onErrorDropped(e -> log.debug("event=error_after_cancel error={}", e.toString()));
  }

  private DroppedErrors() {}

  /** Installs the hook, once per process. */
  static void install() {
    // The static initializer did it.
  }
}
