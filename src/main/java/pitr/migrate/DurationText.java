package pitr.migrate;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import pitr.ErrorCode;
import pitr.PitrException;

/**
 * Durations as operators write them: {@code 1y}, {@code 6mo}, {@code 2w}, {@code 30d}, {@code 12h},
 * {@code 15m}, {@code 30s}, {@code 500ms}, or ISO-8601 ({@code PT15M}). A year is 365 days, a month
 * 30.
 */
public final class DurationText {
  private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d|w|mo|y)");

  private DurationText() {}

  /**
   * Parses {@code text}.
   *
   * @throws PitrException {@link ErrorCode#USAGE} naming {@code option} and the accepted forms
   */
  public static Duration parse(String option, String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    Matcher m = SHORT.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        case "d" -> Duration.ofDays(n);
        case "w" -> Duration.ofDays(7 * n);
        case "mo" -> Duration.ofDays(30 * n);
        default -> Duration.ofDays(365 * n);
      };
    }
    try {
      return Duration.parse(text.strip().toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw new PitrException(
          ErrorCode.USAGE,
          option
              + " "
              + text
              + " is not a duration; write e.g. 1y, 6mo, 2w, 30d, 12h, 15m, 30s or PT15M");
    }
  }
}
