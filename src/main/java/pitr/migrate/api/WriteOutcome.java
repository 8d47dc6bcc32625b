package pitr.migrate.api;

/** What happened to one write. */
public enum WriteOutcome {
  /** The write was applied and journaled. */
  WRITTEN,
  /**
   * The write's condition did not hold, so nothing was written. Not an error: the item changed or
   * was already migrated. Counted in the report.
   */
  CONDITION_FAILED,
  /** Dry run: the write was counted and sampled, not applied. */
  DRY_RUN
}
