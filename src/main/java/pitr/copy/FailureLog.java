package pitr.copy;

import java.nio.file.Path;

/**
 * The failure file of one process of a copy-back run, as the run's checkpoints know it: recorded
 * when the process starts (before it can fail anything), its count of records saved as it goes and
 * when it ends, and marked resolved once a later process wrote its items again. A resume reads back
 * every unresolved one ({@link EarlierFailures}).
 *
 * @param file the failure file (absolute)
 * @param worker the worker whose process wrote it
 * @param records records the process had written when it last saved this; the file may hold more
 * @param resolved true when its items were written again (the file was renamed to {@code
 *     <file>.resolved})
 */
public record FailureLog(Path file, Worker worker, long records, boolean resolved) {
  public FailureLog {
    file = file.toAbsolutePath();
  }

  /**
   * {@code base}, or the first of {@code base.2.jsonl}, {@code base.3.jsonl}, ... that neither
   * exists nor was resolved: each process of a run writes a failure file of its own.
   */
  public static Path freshFile(Path base) {
    return FailureFile.fresh(base);
  }

  FailureLog asResolved() {
    return new FailureLog(file, worker, records, true);
  }
}
