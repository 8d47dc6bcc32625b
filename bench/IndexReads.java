// The engine's item index alone: point reads (ItemIndex.get of a random key, and the same with the
// image decoded) at 10,000 items and at N items, alternating one-second rounds in one JVM, so the
// cost of a read at size N is seen without the request, capacity and response work a GetItem adds.
// Items are bench engine-scale's (~200 DynamoDB bytes); keys are prepared, one ring per size.
//   java -Xmx4g -cp target/pitr.jar bench/IndexReads.java N [get|image|live] [ROUNDS]
// (live: ItemIndex.image, the live image GetItem reads, of an index given the partition key's name,
// so a hash-only table's direct table answers it)
// Add -XX:+UseTransparentHugePages (Linux, THP "madvise") to see the cost of TLB misses.
import java.util.Map;
import java.util.SplittableRandom;
import pitr.bench.ScaleBenchmark;
import pitr.local.ItemIndex;
import pitr.local.StoreKey;
import pitr.local.Version;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Index point reads at 10,000 and N items: ns per read, medians of alternating rounds. */
public class IndexReads {
  static Map<String, AttributeValue> item(int id) {
    return ScaleBenchmark.item(id, 0);
  }

  static String key(int id) {
    return ScaleBenchmark.key(id);
  }

  public static void main(String[] args) {
    int[] sizes = {10_000, Integer.parseInt(args[0])};
    boolean decode = args.length > 1 && args[1].equals("image");
    boolean live = args.length > 1 && args[1].equals("live");
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
    ItemIndex[] index = new ItemIndex[2];
    StoreKey[][] ring = new StoreKey[2][1 << 20];
    SplittableRandom random = new SplittableRandom(1);
    for (int s = 0; s < 2; s++) {
      index[s] = live ? new ItemIndex(false, "pk") : new ItemIndex(false);
      for (int id = 0; id < sizes[s]; id++) {
        Map<String, AttributeValue> it = item(id);
        index[s].put(StoreKey.of(it.get("pk"), null), new Version(1_000 + id, it, null));
      }
      for (int i = 0; i < ring[s].length; i++) {
        ring[s][i] = StoreKey.of(AttributeValue.fromS(key(random.nextInt(sizes[s]))), null);
      }
    }
    double[][] ns = new double[2][rounds];
    long sink = 0;
    for (int round = -1; round < rounds; round++) {
      for (int s = 0; s < 2; s++) {
        long n = 0;
        long t0 = System.nanoTime();
        long end = t0 + 1_000_000_000L;
        do {
          for (int j = 0; j < 4_096; j++) {
            StoreKey k = ring[s][(int) (n++ & (ring[s].length - 1))];
            if (live) {
              sink += index[s].image(k).length;
            } else {
              Version v = index[s].get(k);
              sink += decode ? v.image().size() : v.size;
            }
          }
        } while (System.nanoTime() < end);
        if (round >= 0) {
          ns[s][round] = (System.nanoTime() - t0) / (double) n;
        }
      }
    }
    double small = median(ns[0]);
    double big = median(ns[1]);
    System.out.printf(
        "%s: %,d items %.0f ns, %,d items %.0f ns per read (%.2fx the reads per second)%n",
        decode ? "get + decode" : live ? "live image" : "get",
        sizes[0],
        small,
        sizes[1],
        big,
        small / big);
    if (sink == 42) {
      System.out.println();
    }
  }

  static double median(double[] a) {
    double[] s = a.clone();
    java.util.Arrays.sort(s);
    return s[s.length / 2];
  }
}
