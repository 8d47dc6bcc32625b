package pitr.copy;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import pitr.ErrorCode;
import pitr.PitrException;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * One process's part in a copy-back run, in the run's checkpoints: it opens the run (a resume must
 * find it; a run that exists must copy the same tables, segments and filter, within its limits),
 * records the process's failure file before anything can fail, reports a heartbeat and the failure
 * file's count while it works, and at the end whether it left anything unwritten.
 */
final class RunSession {
  private final Checkpoints checkpoints;
  private final CopyRequest request;
  private final FailureFile failures;
  private final Clock clock;
  private final Map<Integer, SegmentPosition> positions;
  private final Disposable ticker;
  private volatile Consumer<CopyRunRecord.Abandoned> abandonedListener;
  private volatile boolean told;
  private final java.util.function.Supplier<WorkerProgress> progress;

  private RunSession(
      Checkpoints checkpoints,
      CopyRequest request,
      FailureFile failures,
      Clock clock,
      Map<Integer, SegmentPosition> positions,
      Scheduler scheduler,
      Duration every,
      java.util.function.Supplier<WorkerProgress> progress) {
    this.checkpoints = checkpoints;
    this.progress = progress;
    this.request = request;
    this.failures = failures;
    this.clock = clock;
    this.positions = positions;
    this.ticker =
        Flux.interval(every, every, scheduler)
            .onBackpressureDrop()
            .concatMap(
                t ->
                    Mono.defer(
                            () ->
                                checkpoints.heartbeat(
                                    request.runId(),
                                    request.worker(),
                                    clock.instant(),
                                    false,
                                    progress.get()))
                        .then(saveFailures())
                        .then(checkAbandoned())
                        .onErrorResume(e -> Mono.empty()))
            .subscribe();
  }

  /**
   * Opens the run of {@code r} with {@code segments} segments (0 for a keys run); every heartbeat
   * records what {@code progress} says this process did, for {@code pitr runs show}.
   *
   * @throws PitrException {@link ErrorCode#USAGE} when a resumed run does not exist, another
   *     process still works on its share ({@link LiveWorkers}), or the run differs from the request
   *     or its limits are exceeded ({@link RunLimits#checkWithin})
   */
  static Mono<RunSession> open(
      Checkpoints checkpoints,
      CopyRequest r,
      int segments,
      FailureFile failures,
      Clock clock,
      Scheduler scheduler,
      Duration every,
      java.util.function.Supplier<WorkerProgress> progress) {
    CopyRunRecord wanted = wanted(r, segments);
    Mono<Void> existing =
        r.resume()
            ? checkpoints
                .find(r.runId())
                .switchIfEmpty(Mono.error(() -> RunLimits.noRun(r.runId(), checkpoints)))
                .then(
                    Mono.defer(
                        () ->
                            LiveWorkers.refuseIfHeld(
                                checkpoints,
                                r.runId(),
                                r.worker(),
                                clock.instant(),
                                "copy-back run")))
            : Mono.empty();
    return existing
        .then(checkpoints.open(wanted))
        .doOnNext(run -> check(run, wanted))
        .then(
            Mono.defer(
                () ->
                    checkpoints.heartbeat(
                        r.runId(), r.worker(), clock.instant(), false, progress.get())))
        .then(
            checkpoints.saveFailureLog(
                r.runId(), new FailureLog(failures.path(), r.worker(), 0, false)))
        .then(checkpoints.positions(r.runId()))
        .map(
            saved ->
                new RunSession(checkpoints, r, failures, clock, saved, scheduler, every, progress));
  }

  /** The run record {@code r} opens, with {@code segments} segments. */
  static CopyRunRecord wanted(CopyRequest r, int segments) {
    return CopyRunRecord.opened(r.runId(), r.source(), r.target(), segments, r.limits());
  }

  /**
   * Refuses to join {@code run} with a request that differs from it: other tables, segments or
   * filter, or limits beyond its own.
   *
   * @throws PitrException {@link ErrorCode#USAGE} saying what differs and how to go on
   */
  static void check(CopyRunRecord run, CopyRunRecord wanted) {
    if (!run.source().equals(wanted.source()) || !run.target().equals(wanted.target())) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Run "
              + run.runId()
              + " copies "
              + run.source()
              + " to "
              + run.target()
              + " in "
              + run.totalSegments()
              + " segments; resume it with the same tables and --segments, or start a new run");
    }
    if (run.totalSegments() != wanted.totalSegments()) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Run "
              + run.runId()
              + " has "
              + run.totalSegments()
              + " segments; resume it with --segments "
              + run.totalSegments()
              + " or without --segments");
    }
    if (!Objects.equals(run.filter(), wanted.filter())) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Run "
              + run.runId()
              + (run.filter() == null
                  ? " copies every item; resume it without --filter, or start a new run to copy"
                      + " only the items matching it"
                  : " copies the items matching --filter "
                      + run.filter()
                      + "; resume it without --filter (it keeps its own) or with that --filter"
                      + " and the same --filter-values and --filter-names, or start a new run"
                      + " for another filter"));
    }
    if (run.limits() != null) {
      run.limits().checkWithin(run, wanted.limits());
    }
  }

  /** The saved positions of the run's segments. */
  Map<Integer, SegmentPosition> positions() {
    return positions;
  }

  /** Saves how many records this process's failure file holds. */
  Mono<Void> saveFailures() {
    return Mono.defer(
        () ->
            checkpoints.saveFailureLog(
                request.runId(),
                new FailureLog(failures.path(), request.worker(), failures.count(), false)));
  }

  /**
   * Saves the failure file's count and the last heartbeat; {@code complete} when this process left
   * nothing unwritten, so its worker is finished.
   */
  Mono<Void> finish(boolean complete) {
    return Mono.fromRunnable(ticker::dispose)
        .then(saveFailures())
        .then(
            Mono.defer(
                () ->
                    checkpoints.heartbeat(
                        request.runId(),
                        request.worker(),
                        clock.instant(),
                        complete,
                        progress.get())));
  }

  /**
   * Whom to tell, once, that the run was abandoned while this process worked on it ({@code pitr
   * runs abandon --force}); asked at each heartbeat.
   */
  void onAbandoned(Consumer<CopyRunRecord.Abandoned> listener) {
    this.abandonedListener = listener;
  }

  private Mono<Void> checkAbandoned() {
    Consumer<CopyRunRecord.Abandoned> listener = abandonedListener;
    if (listener == null || told) {
      return Mono.empty();
    }
    return checkpoints
        .abandonment(request.runId())
        .doOnNext(
            a -> {
              told = true;
              listener.accept(a);
            })
        .then();
  }

  /** Stops the heartbeat, whatever became of the run. */
  void close() {
    ticker.dispose();
  }
}
