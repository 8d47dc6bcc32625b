package pitr.local;

import java.util.Arrays;

/**
 * A growable byte buffer with the unsigned varints of the engine's encodings: the base of {@link
 * ItemBytes}' encoder and of {@link ItemDelta}'s recipes, so both write varints one way.
 */
class ByteSink {
  byte[] buf;
  int pos;

  ByteSink(int capacity) {
    buf = new byte[capacity];
  }

  /** Makes room for {@code n} more bytes. */
  final void room(int n) {
    if (pos + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
    }
  }

  final void varint(int v) {
    room(5);
    while ((v & ~0x7F) != 0) {
      buf[pos++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[pos++] = (byte) v;
  }

  final void varlong(long v) {
    room(10);
    while ((v & ~0x7FL) != 0) {
      buf[pos++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[pos++] = (byte) v;
  }

  final void bytes(byte[] src, int from, int len) {
    room(len);
    System.arraycopy(src, from, buf, pos, len);
    pos += len;
  }

  /** What was written, in an array of its exact size. */
  final byte[] written() {
    return Arrays.copyOf(buf, pos);
  }
}
