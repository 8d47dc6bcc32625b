package pitr.cli;

import java.io.PrintStream;
import java.util.function.IntConsumer;
import pitr.ErrorCode;

/**
 * Ends the process when the JVM itself fails in any thread: out of memory, or another {@link
 * VirtualMachineError}. Without it such an error kills the one thread it hit, say an HTTP event
 * loop, and the command waits forever for answers that thread would have delivered. The message
 * says how to rerun; the exit code is {@link ErrorCode#FAILED}. Other uncaught exceptions keep the
 * JVM's usual report and do not end the process.
 *
 * <p>Ending at once is safe for every pitr command: writes are checkpointed or journaled only after
 * they land, so a rerun (with {@code --resume} where the command has it) repeats no work it must
 * not and skips none it must do.
 */
public final class FatalErrorHandler implements Thread.UncaughtExceptionHandler {
  private final PrintStream err;
  private final IntConsumer halt;
  private final long maxHeapBytes;

  /**
   * Heap set aside at start and let go first, so that reporting an out-of-memory error can work.
   */
  private volatile byte[] reserve = new byte[256 * 1024];

  FatalErrorHandler(PrintStream err, IntConsumer halt, long maxHeapBytes) {
    this.err = err;
    this.halt = halt;
    this.maxHeapBytes = maxHeapBytes;
  }

  /** Makes this the handler of every thread that has none of its own, for the real process. */
  public static void install() {
    Thread.setDefaultUncaughtExceptionHandler(
        new FatalErrorHandler(
            System.err, Runtime.getRuntime()::halt, Runtime.getRuntime().maxMemory()));
  }

  @Override
  public void uncaughtException(Thread thread, Throwable failure) {
    if (!(failure instanceof VirtualMachineError)) {
      err.print("Exception in thread \"" + thread.getName() + "\" ");
      failure.printStackTrace(err);
      return;
    }
    reserve = null;
    try {
      err.println(message(thread.getName(), failure, maxHeapBytes));
      err.flush();
    } catch (Throwable ignored) {
      // Reporting may itself need memory there is none of; ending the process matters more.
    } finally {
      halt.accept(ErrorCode.FAILED.exitCode());
    }
  }

  static String message(String thread, Throwable failure, long maxHeapBytes) {
    String resume =
        "copy-back --resume RUN_ID, migrate resume and rollback --resume continue from their last"
            + " checkpoint.";
    if (failure instanceof OutOfMemoryError) {
      String heap = "-Xmx" + suggestedHeapGigabytes(maxHeapBytes) + "g";
      return "error: pitr ran out of memory ("
          + failure.getMessage()
          + ", maximum heap "
          + maxHeapBytes / (1024 * 1024)
          + " MB) in thread "
          + thread
          + "; stopped at once. Rerun with more heap (PITR_JAVA_OPTS="
          + heap
          + " ./pitr ..., or java "
          + heap
          + " -jar pitr.jar ...): "
          + resume
          + " Fewer --segments or a lower --concurrency also need less memory.";
    }
    String fix =
        failure instanceof StackOverflowError
            ? " Rerun with a larger thread stack (PITR_JAVA_OPTS=-Xss8m ./pitr ..., or java -Xss8m"
                + " -jar pitr.jar ...); if it recurs, rerun with --stacktrace and report it: "
            : " More heap does not help here; rerun with --stacktrace and report it: ";
    return "error: the JVM failed ("
        + failure
        + ") in thread "
        + thread
        + "; stopped at once."
        + fix
        + resume;
  }

  /**
   * About twice the maximum heap the failed run had, rounded up to whole gigabytes and at least
   * one, so the suggested rerun never has less heap than the one that ran out.
   */
  static long suggestedHeapGigabytes(long maxHeapBytes) {
    long doubledMegabytes = 2 * (maxHeapBytes / (1024 * 1024));
    return Math.max(1, (doubledMegabytes + 1023) / 1024);
  }
}
