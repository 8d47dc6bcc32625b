package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FatalErrorHandlerTest {
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final List<Integer> halts = new ArrayList<>();
  private final FatalErrorHandler handler =
      new FatalErrorHandler(
          new PrintStream(err, true, StandardCharsets.UTF_8), halts::add, 256L * 1024 * 1024);

  @Test
  void outOfMemory_inAnyThread_endsTheProcess_sayingHowToRerun() {
    handler.uncaughtException(
        new Thread("aws-java-sdk-NettyEventLoop-1-2"), new OutOfMemoryError("Java heap space"));

    assertThat(halts).containsExactly(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("pitr ran out of memory (Java heap space, maximum heap 256 MB)")
        .contains("in thread aws-java-sdk-NettyEventLoop-1-2")
        .contains("-Xmx1g")
        .contains("--resume");
  }

  @Test
  void outOfMemory_withALargeHeap_suggestsTwiceThatHeap_neverLess() {
    String message =
        FatalErrorHandler.message(
            "parallel-3", new OutOfMemoryError("Java heap space"), 4096L * 1024 * 1024);

    assertThat(message)
        .isEqualTo(
            "error: pitr ran out of memory (Java heap space, maximum heap 4096 MB) in thread"
                + " parallel-3; stopped at once. Rerun with more heap (PITR_JAVA_OPTS=-Xmx8g ./pitr"
                + " ..., or java -Xmx8g -jar pitr.jar ...): copy-back --resume RUN_ID, migrate"
                + " resume and rollback --resume continue from their last checkpoint. Fewer"
                + " --segments or a lower --concurrency also need less memory.");
  }

  @ParameterizedTest(name = "{0} MB -> -Xmx{1}g")
  @CsvSource({"256, 1", "1, 1", "512, 1", "513, 2", "1024, 2", "1536, 3", "3641, 8", "4096, 8"})
  void suggestedHeap_isTwiceTheMaximum_roundedUpToWholeGigabytes_atLeastOne(
      long maxHeapMegabytes, long gigabytes) {
    assertThat(FatalErrorHandler.suggestedHeapGigabytes(maxHeapMegabytes * 1024 * 1024))
        .isEqualTo(gigabytes);
    assertThat(
            FatalErrorHandler.message(
                "main", new OutOfMemoryError("Java heap space"), maxHeapMegabytes * 1024 * 1024))
        .contains("PITR_JAVA_OPTS=-Xmx" + gigabytes + "g ./pitr")
        .contains("java -Xmx" + gigabytes + "g -jar pitr.jar");
  }

  @Test
  void otherJvmErrors_endTheProcessToo() {
    handler.uncaughtException(new Thread("parallel-1"), new StackOverflowError());

    assertThat(halts).containsExactly(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("the JVM failed");
  }

  @Test
  void stackOverflow_isNotAdvisedMoreHeap_butALargerStackAndAReport() {
    String message =
        FatalErrorHandler.message("parallel-1", new StackOverflowError(), 4096L * 1024 * 1024);

    assertThat(message)
        .startsWith(
            "error: the JVM failed (java.lang.StackOverflowError) in thread parallel-1; stopped at"
                + " once. Rerun with a larger thread stack (PITR_JAVA_OPTS=-Xss8m ./pitr ...")
        .contains("rerun with --stacktrace and report it")
        .contains("copy-back --resume RUN_ID, migrate resume and rollback --resume continue")
        .doesNotContain("-Xmx");
  }

  @Test
  void otherJvmErrors_sayMoreHeapDoesNotHelp() {
    String message =
        FatalErrorHandler.message("main", new InternalError("boom"), 4096L * 1024 * 1024);

    assertThat(message)
        .startsWith("error: the JVM failed (java.lang.InternalError: boom) in thread main;")
        .contains("More heap does not help here; rerun with --stacktrace and report it")
        .doesNotContain("-Xmx");
  }

  @Test
  void ordinaryExceptions_keepTheUsualReport_andTheProcessRuns() {
    handler.uncaughtException(new Thread("worker"), new IllegalStateException("boom"));

    assertThat(halts).isEmpty();
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("Exception in thread \"worker\" java.lang.IllegalStateException: boom");
  }

  @Test
  void aRealOutOfMemoryError_inAPoolThread_endsAJvmWhoseMainThreadWaitsForever(@TempDir Path dir)
      throws Exception {
    // Before the handler, an event-loop thread dying of OutOfMemoryError left the command waiting
    // for answers that thread would have delivered, for ever. The child below installs the real
    // handler, then one thread exhausts a small heap while main waits on a latch no one counts
    // down.
    Path log = dir.resolve("child.log");
    Process child =
        new ProcessBuilder(ChildJvm.command("32m", ExhaustsHeap.class.getName()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean ended = child.waitFor(60, TimeUnit.SECONDS);
    if (!ended) {
      child.destroyForcibly();
    }

    assertThat(ended).as("the child ends instead of hanging").isTrue();
    assertThat(child.exitValue()).isEqualTo(1);
    assertThat(Files.readString(log))
        .contains("main waiting")
        .contains("pitr ran out of memory (Java heap space, maximum heap")
        .contains("in thread allocator");
  }

  /** The child JVM of the test above. */
  public static final class ExhaustsHeap {
    public static void main(String[] args) throws InterruptedException {
      FatalErrorHandler.install();
      Thread allocator =
          new Thread(
              () -> {
                List<long[]> hoard = new ArrayList<>();
                while (true) {
                  hoard.add(new long[64 * 1024]);
                }
              },
              "allocator");
      allocator.start();
      System.out.println("main waiting");
      new CountDownLatch(1).await();
    }
  }
}
