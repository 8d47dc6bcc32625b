package pitr.migrate;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The writes earlier attempts of a run made in one {@code forEachItem} pass over a table and
 * journaled since the pass's oldest unfinished checkpoint: per key, the last one. A resumed run
 * redoing a page skips an item whose live image is the one that write meant to produce: the write
 * landed before the attempt stopped.
 */
final class LandedWrites {
  static final LandedWrites NONE = new LandedWrites(Map.of());

  /**
   * The last journaled write of a key in the pass.
   *
   * @param key the key
   * @param op the write
   * @param imageHash the hash of the image it meant to produce
   * @param confirmed whether its attempt's commit marker covers it (it is counted already)
   */
  record Landed(Map<String, AttributeValue> key, WriteOp op, String imageHash, boolean confirmed) {}

  private final Map<String, Landed> byKey;

  /**
   * @param byKey by {@link ItemHash#canonical} of the key
   */
  LandedWrites(Map<String, Landed> byKey) {
    this.byKey = byKey;
  }

  int size() {
    return byKey.size();
  }

  /**
   * The write that produced {@code item} (with key {@code key}) as read now, or null when the pass
   * journaled no write of it or the item is not the image that write meant to produce (it did not
   * land, or something changed the item since).
   */
  Landed producing(Map<String, AttributeValue> key, Map<String, AttributeValue> item) {
    if (byKey.isEmpty()) {
      return null;
    }
    Landed landed = byKey.get(ItemHash.canonical(key));
    return landed != null && ItemHash.of(item).equals(landed.imageHash()) ? landed : null;
  }
}
