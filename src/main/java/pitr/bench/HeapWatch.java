package pitr.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Runs another program's {@code main} in this JVM and records its heap: the peak in use (just
 * before a collection, where use is highest, or at the end), the most heap a collection left in use
 * (an upper bound of what the program holds: a young collection leaves the old generation's
 * garbage), and the time spent collecting. The three figures (bytes, bytes, milliseconds) go on one
 * line to the file named by the system property {@value #OUT_PROPERTY} when the JVM ends, however
 * the program ends it.
 *
 * <p>Usage: {@code java -Dpitr.heapwatch.out=FILE pitr.bench.HeapWatch MAIN_CLASS ARGS...}. The
 * benchmark passes the pitr command line's main class, so this package does not depend on it.
 */
public final class HeapWatch {
  static final String OUT_PROPERTY = "pitr.heapwatch.out";

  private HeapWatch() {}

  /**
   * Runs {@code args[0]}'s {@code main} with the remaining arguments, recording the heap as above.
   */
  public static void main(String[] args) throws ReflectiveOperationException {
    if (args.length == 0) {
      throw new IllegalArgumentException("usage: HeapWatch MAIN_CLASS [ARGS...]");
    }
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
    String out = System.getProperty(OUT_PROPERTY);
    if (out != null) {
      // The program ends the JVM itself (System.exit with its exit code): record on the way out.
      Runtime.getRuntime().addShutdownHook(new Thread(() -> record(Path.of(out), peak, live)));
    }
    Method main = Class.forName(args[0]).getMethod("main", String[].class);
    main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
  }

  private static void record(Path out, AtomicLong peak, AtomicLong live) {
    MemoryUsage now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    peak.accumulateAndGet(now.getUsed(), Math::max);
    long gcMillis =
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .mapToLong(GarbageCollectorMXBean::getCollectionTime)
            .sum();
    try {
      Files.writeString(out, peak.get() + " " + live.get() + " " + gcMillis);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
