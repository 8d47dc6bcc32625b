package pitr.runbook;

import java.time.Duration;
import pitr.dynamo.Durations;

/**
 * Parses the durations runbooks use, with the one duration syntax of the command line ({@link
 * Durations#parse}): {@code 500ms}, {@code 90s}, {@code 15m}, {@code 2h}, {@code 1d}, {@code
 * 1h30m}, or ISO-8601 such as {@code PT2H}.
 */
public final class StepDurations {
  private StepDurations() {}

  /** Parses {@code text}; throws IllegalArgumentException with the accepted forms. */
  public static Duration parse(String text) {
    try {
      return Durations.parse(text == null ? "" : text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "duration '" + text + "' is not valid; write e.g. 500ms, 90s, 15m, 2h, 1d or PT2H");
    }
  }
}
