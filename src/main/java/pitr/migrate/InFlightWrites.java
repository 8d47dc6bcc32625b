package pitr.migrate;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/**
 * The writes of a run that were sent and must be seen through even when the migration stops waiting
 * for them: a write on the wire lands or not whatever its caller does, so its answer is still
 * awaited, confirmed in the journal and counted. The run waits for them all ({@link #settled()})
 * before its last commit marker, so a failed run's counts are the writes that landed.
 */
final class InFlightWrites {
  private final Set<CompletableFuture<?>> running = ConcurrentHashMap.newKeySet();

  /**
   * Starts {@code work} now, detached from its subscriber (cancelling the returned {@code Mono}
   * stops waiting for it, not the work), for a write {@code tracked} registers ({@link #track()}):
   * completes {@code tracked} when the work ends, however it ends.
   */
  static <T> Mono<T> detach(Mono<T> work, CompletableFuture<Void> tracked) {
    return Mono.fromFuture(work.doFinally(s -> tracked.complete(null)).toFuture(), true);
  }

  /**
   * Registers a write that may yet be sent, before it is: its caller completes the returned future
   * once the write was sent and answered, withdrawn, or failed before sending. {@link #settled}
   * waits for it too, so a write that is being sent while the run fails is never missed.
   */
  CompletableFuture<Void> track() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    running.add(f);
    f.whenComplete((v, e) -> running.remove(f));
    return f;
  }

  /** Completes once every tracked write has ended, however it ended. */
  Mono<Void> settled() {
    return Mono.defer(
        () -> {
          // Work that ended may not have left the set yet: its other callbacks run first.
          running.removeIf(CompletableFuture::isDone);
          if (running.isEmpty()) {
            return Mono.empty();
          }
          CompletableFuture<?>[] now = running.toArray(new CompletableFuture<?>[0]);
          return Mono.fromFuture(CompletableFuture.allOf(now).handle((v, e) -> null), true)
              .then(settled());
        });
  }
}
