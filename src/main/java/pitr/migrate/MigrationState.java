package pitr.migrate;

/** Where a migration (or one run of it) stands, as {@code pitr migrate list} shows it. */
public enum MigrationState {
  /** The file exists and has never run in this environment. Run it with dev or prod. */
  PENDING,
  /**
   * A run holds the lock and is writing, or was killed while writing. If {@code pitr migrate list}
   * shows it for longer than the lease (about a minute) without progress, the run is dead: {@code
   * pitr migrate resume NAME} continues it.
   */
  RUNNING,
  /** The run finished; every write is journaled. Nothing to do (see {@code pitr migrate stamp}). */
  SUCCEEDED,
  /**
   * The run stopped with an error, or its lease expired; the ledger says which. Writes done so far
   * are journaled. Fix the cause, then resume it or roll it back.
   */
  FAILED,
  /** The run's writes were undone by a rollback. Nothing to do; rerun it if it is still wanted. */
  ROLLED_BACK
}
