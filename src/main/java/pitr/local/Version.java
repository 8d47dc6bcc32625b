package pitr.local;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One version of an item: the image written at an instant (null for a delete), linked to the
 * version it replaced. Immutable, so readers never lock; the newest version is the item's state.
 *
 * @param at epoch milliseconds of the write
 * @param image the item after the write, or null when the write deleted it
 * @param previous the version before, or null when no older history is kept
 */
record Version(long at, Map<String, AttributeValue> image, Version previous) {

  boolean isDeleted() {
    return image == null;
  }

  /** The version visible at {@code instant} (the newest written at or before it), or null. */
  Version asOf(long instant) {
    Version v = this;
    while (v != null && v.at > instant) {
      v = v.previous;
    }
    return v;
  }

  /** Number of versions in the chain, this one included. */
  int depth() {
    int n = 0;
    for (Version v = this; v != null; v = v.previous) {
      n++;
    }
    return n;
  }

  /**
   * Drops versions that no restore can ask for any more: everything older than the newest version
   * written at or before {@code horizon}, which itself stays because it is the state at the
   * horizon.
   */
  Version prunedBefore(long horizon) {
    if (at <= horizon) {
      return previous == null ? this : new Version(at, image, null);
    }
    Version older = previous == null ? null : previous.prunedBefore(horizon);
    return older == previous ? this : new Version(at, image, older);
  }
}
