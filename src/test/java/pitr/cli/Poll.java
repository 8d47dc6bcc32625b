package pitr.cli;

import java.time.Duration;

/** Waits for an observable condition in tests, instead of sleeping for a guessed time. */
final class Poll {
  /** A condition to check; it may throw, which counts as not yet. */
  @FunctionalInterface
  interface Check {
    boolean holds() throws Exception;
  }

  private Poll() {}

  /**
   * Returns as soon as {@code check} holds; fails naming {@code what} after {@code timeout}. The
   * last exception the check threw, if any, is the failure's cause.
   */
  static void until(Duration timeout, String what, Check check) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (true) {
      try {
        if (check.holds()) {
          return;
        }
      } catch (Exception e) {
        last = e;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + what + " within " + timeout, last);
      }
      Thread.sleep(10);
    }
  }
}
