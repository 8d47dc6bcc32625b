package pitr.bench;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * Keeps the benchmark JVM's heap from shrinking after the full collections a benchmark asks for
 * between its phases ({@code System.gc()} once a dropped table's items are garbage). A full
 * collection otherwise gives back the memory above {@code MaxHeapFreeRatio}, and the next timed
 * phase, growing the heap again, first touches every page of it: in {@code bench copy-back} the
 * rounds in which that happened ran at a third to a half of the others' rate (a young pause of 244
 * ms, most of it in the kernel committing memory, then the first touch of the new pages), so a
 * run's median depended on how many such rounds it drew. No command of the toolkit calls {@code
 * System.gc()}; this is the benchmark's own effect.
 */
final class BenchHeap {
  private BenchHeap() {}

  /**
   * Sets {@code MaxHeapFreeRatio} to 100 for this JVM (a manageable HotSpot option), so a full
   * collection keeps the heap committed; on another JVM it does nothing.
   */
  static void keepCommitted() {
    try {
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
          .setVMOption("MaxHeapFreeRatio", "100");
    } catch (IllegalArgumentException | UnsupportedOperationException | SecurityException e) {
      // Not HotSpot, or the option is not writable here: the benchmark runs as before.
    }
  }

  /** The heap this JVM has committed, in bytes. */
  static long committed() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
  }
}
