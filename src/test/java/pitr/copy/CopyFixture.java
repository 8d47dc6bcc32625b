package pitr.copy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import pitr.dynamo.LocalTarget;
import pitr.metrics.CopyMeters;

/**
 * Test fixture for copy-back domain tests: an engine over loopback HTTP with a recovery table
 * {@code orders-rec} (tagged as a recovery of {@code orders}) and the live table {@code orders},
 * and requests with short backoffs.
 */
final class CopyFixture implements AutoCloseable {
  final LocalTarget local = new LocalTarget();
  final Path state;
  final FileCheckpoints checkpoints;

  CopyFixture(Path state) {
    this.state = state;
    this.checkpoints = FileCheckpoints.in(state);
  }

  /** orders-rec with {@code items} good items, orders with the same items gone bad. */
  CopyFixture recoveryAndLive(int items) {
    local.createTable("orders-rec");
    local.createTable("orders");
    local.tagAsRecovery("orders-rec", "orders", "2026-11-30T02:00:00Z");
    local.fill("orders-rec", 0, items, "good", 100);
    local.fill("orders", 0, items, "bad", 100);
    return this;
  }

  CopyBack copyBack() {
    return CopyBack.create(local.gateway(), checkpoints, CopyMeters.inMemory(), Clock.systemUTC());
  }

  /** The failure file of a new process of run {@code runId}, as the CLI picks it. */
  Path failures(String runId) {
    return FailureFile.fresh(state.resolve("runs").resolve(runId).resolve("failures-1-of-1.jsonl"));
  }

  /** A copy of orders-rec into orders with these shapes and limits, and short backoffs. */
  CopyRequest request(
      String runId, boolean resume, int segments, int concurrency, double maxWcu, int retries) {
    return CopyRequest.builder(runId, failures(runId))
        .tables("orders-rec", "orders")
        .throughput(new CopyRequest.Throughput(segments, concurrency, maxWcu, 0))
        .resume(resume)
        .retry(new CopyRequest.Retry(retries, Duration.ofMillis(1), Duration.ofMillis(20)))
        .build();
  }

  /** Starts {@code request} and cancels it once {@code stop} holds, as a killed process stops. */
  void cancelWhen(CopyRequest request, java.util.function.BooleanSupplier stop) throws Exception {
    reactor.core.Disposable running = copyBack().run(request).subscribe(r -> {}, e -> {});
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!stop.getAsBoolean()) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the copy did not reach the point to cancel it in 60s");
        }
        Thread.sleep(10);
      }
    } finally {
      running.dispose();
      settle();
    }
  }

  /**
   * Waits until the engine has served every request the cancelled copy had sent: a write already on
   * the wire lands after the cancel, and a test's snapshot of the table must come after it.
   */
  private void settle() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    int quiet = 0;
    while (quiet < 5 && System.nanoTime() < deadline) {
      quiet = local.server.inFlight() == 0 ? quiet + 1 : 0;
      Thread.sleep(20);
    }
  }

  /** Whether run {@code runId} saved a segment position. */
  boolean checkpointed(String runId) {
    return !checkpoints.positions(runId).block().isEmpty();
  }

  boolean identical() {
    return local.contents("orders").equals(local.contents("orders-rec"));
  }

  @Override
  public void close() {
    local.close();
  }
}
