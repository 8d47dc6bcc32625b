// The floor under any in-memory index on this machine: a random point read from a plain Java map
// of N items, bench engine-scale's keys and ~200-byte images, as bench/PointReads.java reads the
// engine (the key formatted each call, one size per JVM). "hashmap" is a java.util.HashMap of key
// strings to image bytes; "open" is the least a lookup can read from memory: one open-addressing
// array of images, each holding its key, so a read costs the array slot and the image. Prints ns
// per read with the key formatting alone subtracted: its growth from 10,000 to N items is what any
// index pays at N on this machine, whatever its design.
//   java -Xmx6g -cp target/pitr.jar bench/MapFloor.java N hashmap|open [ROUNDS]
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import pitr.bench.ScaleBenchmark;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** ns per random point read from a plain map of N items, the key formatting subtracted. */
public class MapFloor {
  public static void main(String[] args) {
    int n = Integer.parseInt(args[0]);
    boolean open = args[1].equals("open");
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    Function<String, byte[]> map = open ? openTable(n) : hashMap(n);
    SplittableRandom random = new SplittableRandom(42);
    double[] ns = new double[rounds];
    double[] keyOnly = new double[rounds];
    long sink = 0;
    for (int round = -2; round < rounds; round++) {
      long t0 = System.nanoTime();
      long calls = 0;
      while (System.nanoTime() - t0 < 2_000_000_000L) {
        for (int j = 0; j < 64; j++, calls++) {
          for (byte b : map.apply(ScaleBenchmark.key(random.nextInt(n)))) {
            sink += b;
          }
        }
      }
      double read = (System.nanoTime() - t0) / (double) calls;
      t0 = System.nanoTime();
      calls = 0;
      while (System.nanoTime() - t0 < 1_000_000_000L) {
        for (int j = 0; j < 64; j++, calls++) {
          sink += ScaleBenchmark.key(random.nextInt(n)).length();
        }
      }
      if (round >= 0) {
        ns[round] = read;
        keyOnly[round] = (System.nanoTime() - t0) / (double) calls;
      }
    }
    Arrays.sort(ns);
    Arrays.sort(keyOnly);
    System.out.printf(
        "median %,d items, %s: %.0f ns per read (%.0f ns with the key formatting) (%d)%n",
        n, args[1], ns[rounds / 2] - keyOnly[rounds / 2], ns[rounds / 2], sink % 7);
  }

  private static byte[] image(int id) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, AttributeValue> e : ScaleBenchmark.item(id, 0).entrySet()) {
      AttributeValue v = e.getValue();
      b.append(e.getKey()).append(v.s() != null ? v.s() : v.n());
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static Function<String, byte[]> hashMap(int n) {
    HashMap<String, byte[]> map = new HashMap<>(n * 2);
    for (int id = 0; id < n; id++) {
      map.put(ScaleBenchmark.key(id), image(id));
    }
    return map::get;
  }

  /** Images prefixed by their key (one length byte, then the key's bytes), linear probing. */
  private static Function<String, byte[]> openTable(int n) {
    Object[] table = new Object[Integer.highestOneBit(n) * 4];
    int mask = table.length - 1;
    for (int id = 0; id < n; id++) {
      byte[] key = ScaleBenchmark.key(id).getBytes(StandardCharsets.ISO_8859_1);
      byte[] rest = image(id);
      byte[] image = new byte[1 + key.length + rest.length];
      image[0] = (byte) key.length;
      System.arraycopy(key, 0, image, 1, key.length);
      System.arraycopy(rest, 0, image, 1 + key.length, rest.length);
      int s = slot(key, mask);
      while (table[s] != null) {
        s = (s + 1) & mask;
      }
      table[s] = image;
    }
    return k -> {
      byte[] key = k.getBytes(StandardCharsets.ISO_8859_1);
      for (int s = slot(key, mask); ; s = (s + 1) & mask) {
        byte[] image = (byte[]) table[s];
        if (image == null
            || image[0] == key.length && Arrays.equals(image, 1, 1 + key.length, key, 0, key.length)) {
          return image;
        }
      }
    };
  }

  private static int slot(byte[] key, int mask) {
    int h = Arrays.hashCode(key) * 0x9E3779B9;
    return (h ^ (h >>> 16)) & mask;
  }
}
