package pitr.migrate.api;

/** The run's progress counter. */
public interface Progress {
  /** Sets how many units of work the run expects, if known (e.g. a table's item count). */
  void expect(long total);

  /** Records {@code units} more units done. */
  void advance(long units);

  /** Units done so far. */
  long done();
}
