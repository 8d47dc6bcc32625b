package pitr.restore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.Durations;

/**
 * The instant to restore to: an ISO-8601 instant, {@code latest} (the latest restorable time), or a
 * time relative to now such as {@code -15m} or {@code -2h}.
 *
 * @param text what the operator typed
 * @param instant the instant, or null for {@code latest}
 */
public record RestorePoint(String text, Instant instant) {

  /** The instant is taken to the millisecond, as DynamoDB takes a restore's instant. */
  public RestorePoint {
    instant = instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS);
  }

  /** The latest restorable time, whatever it is when the restore starts. */
  public static RestorePoint latest() {
    return new RestorePoint("latest", null);
  }

  /** A fixed instant. */
  public static RestorePoint at(Instant instant) {
    return new RestorePoint(instant.toString(), instant);
  }

  /**
   * Parses {@code text}, resolving relative times against {@code clock}.
   *
   * @throws PitrException with {@link ErrorCode#USAGE} naming the accepted forms
   */
  public static RestorePoint parse(String text, Clock clock) {
    String s = text.trim();
    if (s.equalsIgnoreCase("latest")) {
      return latest();
    }
    try {
      if (s.startsWith("-")) {
        Duration ago = Durations.parse(s.substring(1));
        return new RestorePoint(s, clock.instant().minus(ago));
      }
      if (s.startsWith("+")) {
        Duration ahead = Durations.parse(s.substring(1));
        return new RestorePoint(s, clock.instant().plus(ahead));
      }
      try {
        return new RestorePoint(s, Instant.parse(s));
      } catch (DateTimeParseException e) {
        return new RestorePoint(s, OffsetDateTime.parse(s).toInstant());
      }
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--to '"
              + text
              + "' is not a restore point; pass an ISO-8601 instant (2026-01-31T09:30:00Z),"
              + " latest, or a relative time like -15m or -2h");
    }
  }

  /** True for {@code latest}. */
  public boolean isLatest() {
    return instant == null;
  }
}
