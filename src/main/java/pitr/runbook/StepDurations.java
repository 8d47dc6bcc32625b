package pitr.runbook;

import java.time.Duration;
import java.util.Locale;

/** Parses the durations runbooks use: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}, ISO. */
public final class StepDurations {
  private StepDurations() {}

  /** Parses {@code text}; throws IllegalArgumentException with the accepted forms. */
  public static Duration parse(String text) {
    String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("p")) {
        return Duration.parse(t.toUpperCase(Locale.ROOT));
      }
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      long n = Long.parseLong(t.substring(0, t.length() - 1));
      return switch (t.charAt(t.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> throw new NumberFormatException();
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "duration '" + text + "' is not valid; write e.g. 500ms, 10s, 5m, 1h or PT1H");
    }
  }
}
