package pitr.local.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Runs the pitr command line and records its heap: the peak in use (just before a collection, where
 * use is highest, or at the end), the most heap a collection left in use (an upper bound of what
 * the command holds: a young collection leaves the old generation's garbage), and the time spent
 * collecting. The three figures (bytes, bytes, milliseconds) go on one line to the file named by
 * the system property {@value #OUT_PROPERTY}.
 */
public final class HeapWatch {
  static final String OUT_PROPERTY = "pitr.heapwatch.out";

  private HeapWatch() {}

  public static void main(String[] args) {
    pitr.cli.FatalErrorHandler.install();
    AtomicLong peak = new AtomicLong();
    AtomicLong live = new AtomicLong();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc)
          .addNotificationListener(
              (n, h) -> {
                if (!n.getType()
                    .equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                  return;
                }
                var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                peak.accumulateAndGet(
                    heapUsed(info.getGcInfo().getMemoryUsageBeforeGc()), Math::max);
                live.accumulateAndGet(
                    heapUsed(info.getGcInfo().getMemoryUsageAfterGc()), Math::max);
              },
              null,
              null);
    }
    int code = pitr.cli.Main.execute(args);
    MemoryUsage now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    peak.accumulateAndGet(now.getUsed(), Math::max);
    String out = System.getProperty(OUT_PROPERTY);
    if (out != null) {
      try {
        long gcMillis =
            ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime)
                .sum();
        Files.writeString(Path.of(out), peak.get() + " " + live.get() + " " + gcMillis);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    System.exit(code);
  }

  private static long heapUsed(java.util.Map<String, MemoryUsage> pools) {
    return pools.entrySet().stream()
        .filter(e -> isHeap(e.getKey()))
        .mapToLong(e -> e.getValue().getUsed())
        .sum();
  }

  private static boolean isHeap(String pool) {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .anyMatch(
            p -> p.getName().equals(pool) && p.getType() == java.lang.management.MemoryType.HEAP);
  }
}
