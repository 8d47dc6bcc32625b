package pitr.rollback;

/** What a rollback plan does with one item. */
public enum Action {
  /** Put the image the item had at T0 back. */
  RESTORE,
  /** Delete the item: it did not exist at T0. */
  DELETE,
  /**
   * Leave the item alone: it changed after the bad change (or since the journaled write), so
   * someone else's write would be lost. Listed for the operator; pass {@code --on-conflict
   * overwrite} to restore it anyway.
   */
  CONFLICT,
  /**
   * Leave the item alone: it was created after T0, and {@code --delete-extra} was not given. Listed
   * for the operator.
   */
  EXTRA
}
