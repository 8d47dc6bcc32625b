package pitr.dynamo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Test fixture: virtual time for pipelines that also wait on real I/O (the SDK client over loopback
 * HTTP), where {@code StepVerifier.withVirtualTime} cannot tell when to move the clock on.
 */
public final class VirtualTime {
  private VirtualTime() {}

  /**
   * Runs {@code mono} to its end, moving {@code vts} on while it waits: answers arrive in real
   * time, backoffs and polls pass in virtual time. Fails if it takes a minute of real time.
   */
  public static <T> T run(VirtualTimeScheduler vts, Mono<T> mono) {
    CompletableFuture<T> result = mono.toFuture();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!result.isDone() && System.nanoTime() < deadline) {
      vts.advanceTimeBy(Duration.ofMillis(100));
      LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
    }
    assertThat(result).as("finished within a minute of real time").isDone();
    return result.join();
  }

  /** A UTC clock at {@code start} plus the virtual time of {@code vts}, e.g. for an engine. */
  public static Clock clock(VirtualTimeScheduler vts, Instant start) {
    return new Clock() {
      @Override
      public Instant instant() {
        return start.plusMillis(vts.now(TimeUnit.MILLISECONDS));
      }

      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }
    };
  }
}
