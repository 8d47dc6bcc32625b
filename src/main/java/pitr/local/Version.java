package pitr.local;

import java.util.Map;
import pitr.dynamo.ItemSizes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One version of an item: the image written at an instant (null for a delete), linked to the
 * version it replaced. The image is held as its {@link ItemBytes} encoding and decoded on each
 * {@link #image()}: immutable, so a restored table's versions share their source's bytes. The
 * newest version is the item's state; older ones exist only while point-in- time recovery is on and
 * are what a restore reads.
 *
 * <p>Versions of one item share what they have in common: a version written by {@link #superseding}
 * re-expresses the one it replaces as an {@link ItemDelta} against itself (the attributes that
 * differ, plus ranges of its own bytes), so an update of one small attribute keeps a few dozen
 * bytes of history rather than another full copy. The newest version always holds its full bytes,
 * so live reads never rebuild anything; at most {@value #MAX_DELTA_RUN} deltas in a row lie behind
 * a full version, so a restore rebuilds any version from at most that many steps.
 *
 * <p>Readers never lock. What a version decodes to never changes: its representation changes once
 * at most, from full bytes to a delta against a newer version that is set before the delta is
 * published and never changes after, and the newer version's bytes are rebuilt byte for byte the
 * same whatever its own representation. Cutting off history that no restore can ask for is safe to
 * race with as well: deltas point only to newer versions, never to the older ones cut off.
 */
public final class Version {
  /** Bytes a version costs beyond its image: object header, fields and the map entry share. */
  public static final int OVERHEAD_BYTES = 48;

  public final long at;

  /**
   * Superseded versions in a row a chain holds as deltas before it keeps one full: bounds the steps
   * a restore takes to rebuild a version, and costs one full copy per this many updates.
   */
  public static final int MAX_DELTA_RUN = 8;

  /**
   * The image's {@link ItemBytes} encoding, or an {@link ItemDelta} against {@link #base}; null for
   * a delete. Changes at most once, from the former to the latter, under the engine's write lock.
   */
  private volatile byte[] data;

  /** The newer version a delta {@link #data} is against: set before that delta, never after. */
  private volatile Version base;

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
    if (data != null && ItemDelta.isDelta(data)) {
      throw new IllegalArgumentException("a version is made of a full item encoding, not a delta");
    }
    this.at = at;
    this.data = data;
    this.size = data == null ? 0 : size;
    this.previous = previous;
  }

  /**
   * A new newest version of an item over {@code previous}, which keeps its image but is
   * re-expressed as a delta against the new version when that is smaller, and when fewer than
   * {@value #MAX_DELTA_RUN} deltas lie behind it. Caller holds the engine's write lock.
   */
  public static Version superseding(
      long at, Map<String, AttributeValue> image, long size, Version previous) {
    Version next = new Version(at, image, size, previous);
    if (previous != null) {
      previous.shareWith(next);
    }
    return next;
  }

  /** As above, for an already encoded image (null for a delete). */
  public static Version superseding(long at, byte[] data, int size, Version previous) {
    Version next = new Version(at, data, size, previous);
    if (previous != null) {
      previous.shareWith(next);
    }
    return next;
  }

  /** Re-expresses this version as a delta against {@code next}, its successor, when worth it. */
  private void shareWith(Version next) {
    byte[] mine = data;
    byte[] theirs = next.data;
    if (mine == null || theirs == null || ItemDelta.isDelta(mine) || ItemDelta.isDelta(theirs)) {
      return;
    }
    int run = 0;
    for (Version v = previous; v != null && v.isHeldAsDelta(); v = v.previous) {
      if (++run >= MAX_DELTA_RUN) {
        return;
      }
    }
    byte[] delta = ItemDelta.diff(mine, theirs);
    if (delta != null) {
      base = next;
      data = delta;
    }
  }

  /** Whether this version is held as a delta against a newer one rather than in full. */
  public boolean isHeldAsDelta() {
    byte[] d = data;
    return d != null && ItemDelta.isDelta(d);
  }

  /**
   * Bytes of item data this version holds itself: its full encoding or its delta; 0 for a delete.
   */
  public int heldBytes() {
    byte[] d = data;
    return d == null ? 0 : d.length;
  }

  /** The image, decoded afresh (an unmodifiable map the caller may keep); null for a delete. */
  public Map<String, AttributeValue> image() {
    byte[] full = bytes();
    return full == null ? null : ItemBytes.decode(full);
  }

  /** Whether this version holds an item rather than a delete, without decoding it. */
  public boolean exists() {
    return data != null;
  }

  /**
   * The image's encoding: shared when the version holds it in full, rebuilt when it holds a delta;
   * callers must not change it. Null for a delete.
   */
  public byte[] bytes() {
    byte[] d = data;
    if (d == null || !ItemDelta.isDelta(d)) {
      return d;
    }
    // Read after the delta, so it is the base the delta was made against.
    return ItemDelta.apply(d, base.bytes());
  }

  /**
   * As {@link #bytes()}, given the encoding of {@code newer}, the version that replaced this one:
   * walks a chain newest first in one step a version.
   */
  byte[] bytesAfter(Version newer, byte[] newerBytes) {
    byte[] d = data;
    if (d == null || !ItemDelta.isDelta(d)) {
      return d;
    }
    Version b = base;
    return ItemDelta.apply(d, b == newer ? newerBytes : b.bytes());
  }

  /** This version's image as the only version of an item written at {@code when}. */
  public Version alone(long when) {
    return new Version(when, bytes(), size, null);
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
