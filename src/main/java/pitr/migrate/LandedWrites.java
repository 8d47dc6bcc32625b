package pitr.migrate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  /** By {@link ItemHash#canonical} of the key. */
  LandedWrites(Map<String, Landed> byKey) {
    this.byKey = byKey;
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
    String k = ItemHash.canonical(key);
    Landed landed = byKey.get(k);
    if (landed == null) {
      return null;
    }
    seen.add(k);
    return ItemHash.of(item).equals(landed.imageHash()) ? landed : null;
  }

  /**
   * The writes no commit marker counted whose item the pass did not hand over again: it is gone
   * (deleted by the write itself, or since) or the scan's filter now leaves it out.
   */
  List<Landed> unseen() {
    List<Landed> out = new ArrayList<>();
    byKey.forEach(
        (k, landed) -> {
          if (!landed.confirmed() && !seen.contains(k)) {
            out.add(landed);
          }
        });
    return out;
  }
}
