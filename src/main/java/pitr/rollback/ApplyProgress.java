package pitr.rollback;

/**
 * What applying a rollback plan tells as it goes, for a progress bar or progress lines: how many
 * plan items it will go through, how many it has, and what its writes did. Called from the writing
 * threads; an implementation must be thread-safe and quick.
 */
public interface ApplyProgress {
  /** Hears nothing. */
  ApplyProgress NONE = new ApplyProgress() {};

  /**
   * The plan items this apply goes through: those of its chunks (a worker's share), chunks a
   * resumed run finished before included.
   */
  default void expect(long items) {}

  /**
   * A chunk of {@code items} plan items is done: each written, deleted, found already as planned,
   * kept (a conflict, or changed since planning), failed, or checked again after an earlier run.
   */
  default void done(long items) {}

  /**
   * The apply read {@code items} items of the live table back, consuming {@code units} read units:
   * before writing a chunk, to recheck a chunk an earlier run finished, or to verify its writes.
   */
  default void read(long items, double units) {}

  /**
   * A write ended: {@code written} items put back, {@code deleted} deleted, {@code failed} failed
   * (0 or 1 each), consuming {@code units} write units.
   */
  default void wrote(long written, long deleted, long failed, double units) {}
}
