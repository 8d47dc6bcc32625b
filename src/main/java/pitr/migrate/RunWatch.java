package pitr.migrate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The tickers beside a running migration: the lease heartbeat, every {@link
 * MigrationEnvironment#heartbeat()}, and a progress log line, every {@link
 * MigrationEnvironment#progressEvery()}, both on the environment's scheduler. A tick that comes
 * while a slow heartbeat is still in flight is dropped rather than failing the run. The watch never
 * completes on its own; it fails when a heartbeat does (the lease was lost), which ends the run.
 */
final class RunWatch {
  private static final Logger log = LoggerFactory.getLogger(MigrationRunner.class);

  private RunWatch() {}

  /**
   * Heartbeats {@code lease} and logs the progress of run {@code ctx} of migration {@code name}.
   */
  static Mono<Void> of(MigrationEnvironment env, Lease lease, String name, RunContext ctx) {
    return of(env, lease, name, ctx, Mono.empty(), true);
  }

  /**
   * As {@link #of(MigrationEnvironment, Lease, String, RunContext)}, with {@code beat} too, and the
   * progress line only when {@code progress} (a worker beside others in one process leaves it to
   * {@link WorkerCrew}, which logs one line for them all).
   */
  static Mono<Void> of(
      MigrationEnvironment env,
      Lease lease,
      String name,
      RunContext ctx,
      Mono<Void> beat,
      boolean progress) {
    return Flux.merge(
            Flux.interval(env.heartbeat(), env.heartbeat(), env.scheduler())
                .onBackpressureDrop()
                .concatMap(i -> beat.onErrorResume(e -> Mono.empty())),
            Flux.interval(env.heartbeat(), env.heartbeat(), env.scheduler())
                .onBackpressureDrop()
                .concatMap(i -> env.lock().heartbeat(lease)),
            progress
                ? Flux.interval(env.progressEvery(), env.progressEvery(), env.scheduler())
                    .onBackpressureDrop()
                    .doOnNext(i -> logProgress(name, ctx))
                : Flux.empty())
        .then();
  }

  private static void logProgress(String name, RunContext ctx) {
    RunContext.ProgressCounter p = ctx.progressCounter();
    // What the migration marked done (usually items read) and what was written, said apart: a
    // rate-limited run reads ahead of its writes.
    log.info(
        "progress migration={} processed={} total={} written={}",
        name,
        p.done(),
        p.total(),
        ctx.written());
  }
}
