package pitr.restore;

import java.time.Duration;
import java.util.Objects;

/**
 * What to restore: a source table to a point in time, into a new table.
 *
 * @param source table to restore from
 * @param point the instant to restore to
 * @param targetName name of the new table, or null for {@code <source>-recovery-<id>}
 * @param indexes restore the global and local secondary indexes too
 * @param waitTimeout how long to wait for the new table to be ACTIVE; null not to wait
 */
public record RestoreRequest(
    String source, RestorePoint point, String targetName, boolean indexes, Duration waitTimeout) {

  public RestoreRequest {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(point, "point");
  }

  /** Restore {@code source} to {@code point} with indexes, into a default name, waiting 1 h. */
  public static RestoreRequest of(String source, RestorePoint point) {
    return new RestoreRequest(source, point, null, true, Duration.ofHours(1));
  }

  public RestoreRequest as(String name) {
    return new RestoreRequest(source, point, name, indexes, waitTimeout);
  }

  public RestoreRequest withoutIndexes() {
    return new RestoreRequest(source, point, targetName, false, waitTimeout);
  }

  public RestoreRequest waiting(Duration timeout) {
    return new RestoreRequest(source, point, targetName, indexes, timeout);
  }

  public boolean waits() {
    return waitTimeout != null;
  }
}
