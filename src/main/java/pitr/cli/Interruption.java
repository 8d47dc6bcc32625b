package pitr.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import pitr.ErrorCode;
import pitr.PitrException;

/**
 * Ctrl-C (SIGINT) or SIGTERM during a resumable command: the command is asked to stop, the writes
 * in flight settle and are checkpointed, the command says what it wrote and the exact command that
 * resumes it, and the process exits 130.
 *
 * <p>{@link #install} (the real process only) adds one shutdown hook. When a signal arrives while a
 * command has {@linkplain #watch registered} its stop, the hook asks it to stop and waits, up to
 * {@link #GRACE}, for {@link Main#execute} to return: the command ends through its normal path and
 * prints its result and resume line, then the hook halts the process with 130 (SIGTERM would
 * otherwise exit 143). If the command does not settle in time the hook prints the resume line
 * itself: what was written is checkpointed per page, so a resume repeats at most the pages in
 * flight. A signal with no command registered ends the process as usual.
 */
final class Interruption implements AutoCloseable {
  /** How long a stopping command may take to settle its writes in flight. */
  static final Duration GRACE = Duration.ofSeconds(30);

  /** The exit code of a command stopped by a signal, as shells report SIGINT. */
  static final int EXIT_CODE = 130;

  private static final AtomicReference<Interruption> current = new AtomicReference<>();
  private static final CountDownLatch mainDone = new CountDownLatch(1);

  private final PrintWriter err;
  private final Runnable stop;
  private final String resumeCommand;
  private final AtomicBoolean requested = new AtomicBoolean();

  private Interruption(PrintWriter err, Runnable stop, String resumeCommand) {
    this.err = err;
    this.stop = stop;
    this.resumeCommand = resumeCommand;
  }

  /** Adds the shutdown hook; called once by {@link Main#main}, never in tests. */
  static void install() {
    Runtime.getRuntime().addShutdownHook(new Thread(Interruption::onSignal, "pitr-interrupt"));
  }

  /** Called by {@link Main#main} once the command has returned and printed everything. */
  static void mainDone() {
    mainDone.countDown();
  }

  /**
   * Registers {@code stop} as what a signal does until {@link #close}; {@code resumeCommand} is the
   * command that continues the run.
   */
  static Interruption watch(PrintWriter err, Runnable stop, String resumeCommand) {
    Interruption i = new Interruption(err, stop, resumeCommand);
    current.set(i);
    return i;
  }

  /** The registered command's interruption, if one is running: what tests trigger. */
  static Interruption current() {
    return current.get();
  }

  /** Asks the command to stop (once), saying so on stderr. */
  void trigger() {
    if (requested.compareAndSet(false, true)) {
      err.println(
          "Interrupted: finishing the writes in flight and saving checkpoints (up to "
              + GRACE.toSeconds()
              + " s); interrupt again with kill -9 only if you must");
      err.flush();
      stop.run();
    }
  }

  /** True once a signal asked the command to stop. */
  boolean requested() {
    return requested.get();
  }

  /**
   * The failure a stopped command ends with: exit 130, what was done, and the resume command.
   *
   * @param done what the command finished before it stopped, e.g. "wrote 1,200 items"
   */
  PitrException stopped(String done) {
    return new PitrException(
        ErrorCode.INTERRUPTED,
        "Stopped by an interrupt after it "
            + done
            + "; the writes in flight were settled and checkpointed. Resume with: "
            + resumeCommand);
  }

  @Override
  public void close() {
    current.compareAndSet(this, null);
  }

  private static void onSignal() {
    Interruption running = current.get();
    if (running == null) {
      return;
    }
    running.trigger();
    boolean settled;
    try {
      settled = mainDone.await(GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      settled = false;
    }
    if (!settled) {
      running.err.println(
          "Stopped before the writes in flight settled; the pages being written were not"
              + " checkpointed and are written again by: "
              + running.resumeCommand);
      running.err.flush();
    }
    Runtime.getRuntime().halt(EXIT_CODE);
  }
}
