package pitr.local;

import java.util.Map;
import pitr.dynamo.ItemSizes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One version of an item: the image written at an instant (null for a delete), linked to the
 * version it replaced. The newest version is the item's state; older ones exist only while
 * point-in- time recovery is on and are what a restore reads. Readers never lock: the image is
 * immutable and the only mutation, cutting off history that no restore can ask for, is safe to race
 * with.
 */
final class Version {
  /** Bytes a version costs beyond its image: object header, fields and the map entry share. */
  static final int OVERHEAD_BYTES = 48;

  final long at;
  final Map<String, AttributeValue> image;

  /** The image's size as DynamoDB counts it (0 for a delete), computed once. */
  final long size;

  private volatile Version previous;

  Version(long at, Map<String, AttributeValue> image, Version previous) {
    this(at, image, image == null ? 0 : ItemSizes.size(image), previous);
  }

  Version(long at, Map<String, AttributeValue> image, long size, Version previous) {
    this.at = at;
    this.image = image;
    this.size = size;
    this.previous = previous;
  }

  Map<String, AttributeValue> image() {
    return image;
  }

  long at() {
    return at;
  }

  Version previous() {
    return previous;
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
   * Cuts off versions no restore can ask for: everything older than the newest version written at
   * or before {@code horizon}, which stays because it is the state at the horizon.
   *
   * @return how many versions were dropped
   */
  int pruneBefore(long horizon) {
    Version keep = asOf(horizon);
    if (keep == null) {
      return 0;
    }
    int dropped = keep.previous == null ? 0 : keep.previous.depth();
    keep.previous = null;
    return dropped;
  }

  /** Whether this chain holds nothing a reader or a restore from {@code horizon} on could see. */
  boolean isDeadBefore(long horizon) {
    return image == null && at <= horizon;
  }
}
