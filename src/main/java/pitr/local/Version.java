package pitr.local;

import java.util.Map;
import pitr.dynamo.ItemSizes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One version of an item: the image written at an instant (null for a delete), linked to the
 * version it replaced. The image is held as its {@link ItemBytes} encoding and decoded on each
 * {@link #image()}: immutable, so a restored table's versions share their source's bytes. The
 * newest version is the item's state; older ones exist only while point-in- time recovery is on and
 * are what a restore reads. Readers never lock: the image is immutable and the only mutation,
 * cutting off history that no restore can ask for, is safe to race with.
 */
public final class Version {
  /** Bytes a version costs beyond its image: object header, fields and the map entry share. */
  public static final int OVERHEAD_BYTES = 48;

  public final long at;

  /** The image's {@link ItemBytes} encoding; null for a delete. */
  private final byte[] data;

  /** The image's size as DynamoDB counts it (0 for a delete), computed once. */
  public final int size;

  private volatile Version previous;

  public Version(long at, Map<String, AttributeValue> image, Version previous) {
    this(at, image, image == null ? 0 : ItemSizes.size(image), previous);
  }

  public Version(long at, Map<String, AttributeValue> image, long size, Version previous) {
    this(at, image == null ? null : ItemBytes.encode(image, size), (int) size, previous);
  }

  /** A version of an already encoded image (shared, never copied: the bytes are immutable). */
  public Version(long at, byte[] data, int size, Version previous) {
    this.at = at;
    this.data = data;
    this.size = data == null ? 0 : size;
    this.previous = previous;
  }

  /** The image, decoded afresh (an unmodifiable map the caller may keep); null for a delete. */
  public Map<String, AttributeValue> image() {
    return data == null ? null : ItemBytes.decode(data);
  }

  /** Whether this version holds an item rather than a delete, without decoding it. */
  public boolean exists() {
    return data != null;
  }

  /** The image's encoding, shared: callers must not change it. Null for a delete. */
  public byte[] bytes() {
    return data;
  }

  /** This version's image as the only version of an item written at {@code when}. */
  public Version alone(long when) {
    return new Version(when, data, size, null);
  }

  public long at() {
    return at;
  }

  public Version previous() {
    return previous;
  }

  /** The version visible at {@code instant} (the newest written at or before it), or null. */
  public Version asOf(long instant) {
    Version v = this;
    while (v != null && v.at > instant) {
      v = v.previous;
    }
    return v;
  }

  /** Number of versions in the chain, this one included. */
  public int depth() {
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
  public int pruneBefore(long horizon) {
    Version keep = asOf(horizon);
    if (keep == null) {
      return 0;
    }
    int dropped = keep.previous == null ? 0 : keep.previous.depth();
    keep.previous = null;
    return dropped;
  }

  /** Whether this chain holds nothing a reader or a restore from {@code horizon} on could see. */
  public boolean isDeadBefore(long horizon) {
    return data == null && at <= horizon;
  }
}
