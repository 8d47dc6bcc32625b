// In-process BatchWriteItem of 25 items, one call at a time, through LocalDynamoDbAsyncClient alone
// (no HTTP server, no peer): items/s, process CPU µs per item, bytes allocated per item (all
// threads) and collector time, for each round after one warm-up. Requests are the same 4,096
// prepared batches `bench engine` reuses, or, with `fresh`, built in the loop with their own
// strings, as a real caller's are.
//   java -Xmx2g -cp target/pitr.jar bench/InProcessWrites.java PAYLOAD_BYTES SECONDS ROUNDS [fresh]
// Run it with two jars in turn to compare builds; read ratios, not absolute figures.
import java.util.*;
import java.util.concurrent.atomic.AtomicLong;
import pitr.local.*;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.*;

/** In-process BatchWriteItem, 1 in flight: items/s and process CPU µs per item, per round. */
public class InProcessWrites {
  static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
  static long allocated(com.sun.management.ThreadMXBean tm) { long t = 0; for (long b : tm.getThreadAllocatedBytes(tm.getAllThreadIds())) if (b > 0) t += b; return t; }
  static List<WriteRequest> batch(AtomicLong keys, String p, int i) {
    List<WriteRequest> out = new ArrayList<>();
    for (int j = 0; j < 25; j++) {
      Map<String, AttributeValue> item = new HashMap<>();
      item.put("pk", AttributeValue.fromS("item-" + (keys.incrementAndGet() % 102400)));
      item.put("n", AttributeValue.fromN(Integer.toString(j)));
      item.put("payload", AttributeValue.fromS(new StringBuilder(p.length()).append(p, 1, p.length()).append((char) ('a' + j)).toString()));
      out.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
    }
    return out;
  }
  static long gcMillis() { long t = 0; for (var g : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) t += g.getCollectionTime(); return t; }
  public static void main(String[] a) throws Exception {
    int payload = Integer.parseInt(a[0]); double secs = Double.parseDouble(a[1]); int rounds = Integer.parseInt(a[2]); boolean fresh = a.length > 3 && a[3].equals("fresh");
    AtomicLong keys = new AtomicLong();
    for (int r = -1; r < rounds; r++) {
      DynamoDbAsyncClient c = LocalDynamoDbAsyncClient.owning(LocalEngine.create(EngineConfig.defaults()));
      c.createTable(t -> t.tableName("bench").billingMode(BillingMode.PAY_PER_REQUEST)
          .attributeDefinitions(d -> d.attributeName("pk").attributeType(ScalarAttributeType.S))
          .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH))).join();
      String p = "x".repeat(payload);
      List<List<WriteRequest>> reqs = new ArrayList<>();
      for (int i = 0; i < 4096; i++) {
        List<WriteRequest> out = new ArrayList<>();
        for (int j = 0; j < 25; j++) {
          Map<String, AttributeValue> item = new HashMap<>();
          item.put("pk", AttributeValue.fromS("item-" + keys.incrementAndGet()));
          item.put("n", AttributeValue.fromN(Integer.toString(j)));
          item.put("payload", AttributeValue.fromS(p));
          out.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
        }
        reqs.add(out);
      }
      System.gc();
      com.sun.management.ThreadMXBean tm = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean(); long al0 = allocated(tm); long gc0 = gcMillis(); long cpu0 = OS.getProcessCpuTime(); long t0 = System.nanoTime(); long end = t0 + (long) (secs * 1e9);
      long n = 0; int i = 0;
      while (System.nanoTime() < end) {
        List<WriteRequest> w = fresh ? batch(keys, p, i++) : reqs.get(i++ % 4096);
        c.batchWriteItem(b -> b.requestItems(Map.of("bench", w))).join();
        n += 25;
      }
      double s = (System.nanoTime() - t0) / 1e9; double alloc = (allocated(tm) - al0) / (double) n; long gc = gcMillis() - gc0; double cpu = (OS.getProcessCpuTime() - cpu0) / 1e3;
      if (r >= 0) System.out.printf(Locale.ROOT, (fresh ? "fresh " : "") + "payload=%d items/s=%.0f cpu_us_per_item=%.2f alloc_B_per_item=%.0f gc_ms=%d%n", payload, n / s, cpu / n, alloc, gc);
      c.close();
    }
  }
}
