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
 * bytes of history rather than another full copy. When the replaced version has nothing older (an
 * item's first update), the new version holds that delta as a tail record instead of a version
 * object, and makes a version of it when asked for. The newest version always holds its full bytes,
 * so live reads never rebuild anything; at most {@value #MAX_DELTA_RUN} deltas in a row lie behind
 * a full version, so a restore rebuilds any version in at most that many steps.
 *
 * <p>Readers never lock. What a version decodes to never changes: its representation changes once
 * at most, from full bytes to a delta against a newer version, published together in one field, and
 * the newer version's bytes are rebuilt byte for byte the same whatever its own representation.
 * Cutting off history that no restore can ask for is safe to race with as well: deltas point only
 * to newer versions, never to the older ones cut off.
 */
public final class Version {
  /** Bytes a version costs beyond its image: object header, fields and the map entry share. */
  public static final int OVERHEAD_BYTES = 48;

  /**
   * Superseded versions in a row a chain holds as deltas before it keeps one full: bounds the steps
   * a restore takes to rebuild a version, and costs one full copy per this many updates.
   */
  public static final int MAX_DELTA_RUN = 8;

  public final long at;

  /**
   * The image's {@link ItemBytes} encoding ({@code byte[]}), or a {@link Delta} against a newer
   * version; null for a delete. Changes at most once, from the former to the latter, under the
   * engine's write lock.
   */
  private volatile Object data;

  /** The image's size as DynamoDB counts it (0 for a delete), computed once. */
  public final int size;

  /**
   * The version this one replaced: a {@link Version}, or, when that one is a delta against this one
   * with nothing older, its {@link ItemDelta#tail} record ({@code byte[]}), which saves it an
   * object of its own.
   */
  private volatile Object previous;

  /** A version's image as an {@link ItemDelta} against the encoding of {@code base}. */
  private record Delta(Version base, byte[] delta) {}

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

  /** The version a tail record held by {@code holder} stands for: a delta against the holder. */
  private Version(Version holder, byte[] tail) {
    this.at = holder.at - ItemDelta.tailAge(tail);
    this.size = ItemDelta.tailSize(tail);
    this.data = new Delta(holder, ItemDelta.tailDelta(tail));
  }

  /**
   * A new newest version of an item over {@code previous}, which keeps its image but is
   * re-expressed as a delta against the new version when that is smaller, and when fewer than
   * {@value #MAX_DELTA_RUN} deltas lie behind it. Caller holds the engine's write lock.
   */
  public static Version superseding(
      long at, Map<String, AttributeValue> image, long size, Version previous) {
    return superseding(
        at, image == null ? null : ItemBytes.encode(image, size), (int) size, previous);
  }

  /** As above, for an already encoded image (null for a delete). */
  public static Version superseding(long at, byte[] data, int size, Version previous) {
    Version next = new Version(at, data, size, previous);
    if (previous != null) {
      previous.shareWith(next);
    }
    return next;
  }

  /**
   * Re-expresses this version as a delta against {@code next}, its successor, when worth it: in
   * place, or, when nothing is older than this version, as a tail record {@code next} holds instead
   * of it. {@code next} may be published already: a reader of it or of this version decodes the
   * same image before and after. A writer that still has to find this version in an index by its
   * key calls {@link #Version(long, byte[], int, Version)}, publishes, then this, so the lookup
   * compares the key in this version's full bytes rather than rebuilding them from a delta. Caller
   * holds the engine's write lock.
   */
  public void shareWith(Version next) {
    if (!(data instanceof byte[] mine) || !(next.data instanceof byte[] theirs)) {
      return; // a delete on either side, or already a delta
    }
    int run = 0;
    for (Object p = previous; p != null; p = ((Version) p).previous) {
      if (p instanceof byte[]) {
        run++;
        break;
      }
      if (!((Version) p).isHeldAsDelta()) {
        break;
      }
      run++;
    }
    if (run >= MAX_DELTA_RUN) {
      return;
    }
    byte[] delta = ItemDelta.diff(mine, theirs);
    if (delta == null) {
      return;
    }
    if (previous == null && next.previous == this && next.at >= at) {
      next.previous = ItemDelta.tail(next.at - at, size, delta);
    } else {
      data = new Delta(next, delta);
    }
  }

  /** Whether this version is held as a delta against a newer one rather than in full. */
  public boolean isHeldAsDelta() {
    return data instanceof Delta;
  }

  /**
   * Bytes of item data this version holds itself: its full encoding or its delta; 0 for a delete.
   */
  public int heldBytes() {
    Object d = data;
    return d == null ? 0 : d instanceof byte[] b ? b.length : ((Delta) d).delta.length;
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
    Object d = data;
    if (d == null || d instanceof byte[]) {
      return (byte[]) d;
    }
    Delta delta = (Delta) d;
    return ItemDelta.apply(delta.delta, delta.base.bytes());
  }

  /**
   * As {@link #bytes()}, given the encoding of {@code newer}, the version that replaced this one:
   * walks a chain newest first in one step a version.
   */
  byte[] bytesAfter(Version newer, byte[] newerBytes) {
    Object d = data;
    if (d == null || d instanceof byte[]) {
      return (byte[]) d;
    }
    Delta delta = (Delta) d;
    return ItemDelta.apply(delta.delta, delta.base == newer ? newerBytes : delta.base.bytes());
  }

  /** This version's image as the only version of an item written at {@code when}. */
  public Version alone(long when) {
    return new Version(when, bytes(), size, null);
  }

  public long at() {
    return at;
  }

  /** Whether an older version is kept, without building one from a tail record. */
  public boolean hasPrevious() {
    return previous != null;
  }

  /**
   * The version this one replaced, or null. A version held as a tail record is made afresh on each
   * call, decoding to the same image.
   */
  public Version previous() {
    Object p = previous;
    return p instanceof byte[] tail ? new Version(this, tail) : (Version) p;
  }

  /** The version visible at {@code instant} (the newest written at or before it), or null. */
  public Version asOf(long instant) {
    Version v = this;
    while (v != null && v.at > instant) {
      v = v.previous();
    }
    return v;
  }

  /** Number of versions in the chain, this one included. */
  public int depth() {
    int n = 1;
    for (Object p = previous; p != null; p = ((Version) p).previous) {
      n++;
      if (p instanceof byte[]) {
        break;
      }
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
    Object p = keep.previous;
    int dropped = p == null ? 0 : p instanceof byte[] ? 1 : ((Version) p).depth();
    keep.previous = null;
    return dropped;
  }

  /** Whether this chain holds nothing a reader or a restore from {@code horizon} on could see. */
  public boolean isDeadBefore(long horizon) {
    return data == null && at <= horizon;
  }
}
