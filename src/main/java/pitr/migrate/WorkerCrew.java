package pitr.migrate;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pitr.dynamo.AdaptiveRateLimiter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * What the workers of one run across workers share when they run in one process ({@link
 * InProcessWorkers}): one rate limiter (so together they keep to {@code --max-wcu}), one progress
 * line, and one announcement that the run started (the first worker's, once it holds the lock).
 */
final class WorkerCrew {
  private static final Logger log = LoggerFactory.getLogger(MigrationRunner.class);

  private AdaptiveRateLimiter limiter;
  private final List<RunContext> running = new CopyOnWriteArrayList<>();
  private final AtomicBoolean announced = new AtomicBoolean();
  private final Sinks.Empty<Void> first = Sinks.empty();

  /**
   * The one limiter of the workers: the first worker to ask makes it with {@code make} (once it
   * knows the tables, so that it starts at what they can take); the others get the same one.
   */
  synchronized AdaptiveRateLimiter limiter(Supplier<AdaptiveRateLimiter> make) {
    if (limiter == null) {
      limiter = make.get();
    }
    return limiter;
  }

  /**
   * Counts in the attempt of one worker, which holds the lock and is about to write; true for the
   * first worker to get there, which announces the run.
   */
  boolean started(RunContext ctx) {
    running.add(ctx);
    boolean firstOne = announced.compareAndSet(false, true);
    if (firstOne) {
      first.tryEmitEmpty();
    }
    return firstOne;
  }

  /** True once a worker's attempt started. */
  boolean anyStarted() {
    return announced.get();
  }

  /** Completes when the first worker's attempt starts. */
  Mono<Void> firstStarted() {
    return first.asMono();
  }

  /**
   * Logs one progress line for every worker of the run in this process, every {@link
   * MigrationEnvironment#progressEvery()}; never completes.
   */
  Mono<Void> progress(MigrationEnvironment env, String name, String runId, int workers) {
    return Flux.interval(env.progressEvery(), env.progressEvery(), env.scheduler())
        .onBackpressureDrop()
        .doOnNext(i -> logProgress(name, runId, workers))
        .then();
  }

  private void logProgress(String name, String runId, int workers) {
    long done = 0;
    long total = -1;
    long written = 0;
    for (RunContext ctx : running) {
      done += ctx.progressCounter().done();
      // Every worker expects the whole table: the run's total, not a share of it.
      total = Math.max(total, ctx.progressCounter().total());
      written += ctx.written();
    }
    log.info(
        "progress migration={} runId={} workers={} processed={} total={} written={}",
        name,
        runId,
        workers,
        done,
        total,
        written);
  }
}
