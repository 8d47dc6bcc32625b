package pitr.copy;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import pitr.ErrorCode;
import pitr.PitrException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The copy-back and rollback-apply runs of one or more checkpoint stores with their state at the
 * clock's now: what {@code pitr runs} lists, shows and abandons, and what {@code pitr drop} checks.
 *
 * <p>Abandoning is idempotent: a run already abandoned, or finished, is left as it is. A running
 * run is abandoned only when forced; its process is not stopped by that and should be stopped
 * first.
 */
public final class CopyRuns {
  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Comparator<RunStatus> LATEST_FIRST =
      Comparator.comparing(
              (RunStatus s) -> s.run().heartbeat(),
              Comparator.nullsLast(Comparator.<Instant>reverseOrder()))
          .thenComparing(RunStatus::runId);

  private final List<Checkpoints> stores;
  private final Clock clock;

  private CopyRuns(List<Checkpoints> stores, Clock clock) {
    this.stores = List.copyOf(stores);
    this.clock = clock;
  }

  /** The runs of {@code stores}, looked up in that order, judged at {@code clock}'s now. */
  public static CopyRuns in(List<Checkpoints> stores, Clock clock) {
    return new CopyRuns(stores, clock);
  }

  /** Every run of every store, store by store, the latest heartbeat first. */
  public Flux<RunStatus> list() {
    return Flux.fromIterable(stores)
        .concatMap(s -> s.runs().concatMap(r -> status(s, r)).collectSortedList(LATEST_FIRST))
        .flatMapIterable(l -> l);
  }

  /**
   * The run with this id in the first store that has it.
   *
   * @throws PitrException {@link ErrorCode#USAGE} when no store has it, or the id is not one
   */
  public Mono<RunStatus> find(String runId) {
    return locate(runId).map(Found::status);
  }

  /**
   * The run with this id worker by worker: its leases, positions, the Batch job it was submitted
   * as, and what {@code jobStates} says of the workers' Batch jobs (by job id; asked only when a
   * worker has a job).
   *
   * @throws PitrException {@link ErrorCode#USAGE} when no store has it, or the id is not one
   */
  public Mono<RunOverview> overview(
      String runId, Function<List<String>, Mono<Map<String, String>>> jobStates) {
    return locate(runId)
        .flatMap(
            f ->
                Mono.zip(
                        f.store().leases(runId),
                        f.store().positions(runId),
                        f.store().job(runId).map(Optional::of).defaultIfEmpty(Optional.empty()))
                    .flatMap(
                        t -> {
                          RunJob job = t.getT3().orElse(null);
                          Instant now = clock.instant();
                          RunOverview plain =
                              RunOverview.of(f.status(), job, t.getT1(), t.getT2(), Map.of(), now);
                          List<String> ids =
                              plain.workers().stream()
                                  .map(RunOverview.WorkerRow::batchJobId)
                                  .filter(Objects::nonNull)
                                  .toList();
                          if (ids.isEmpty()) {
                            return Mono.just(plain);
                          }
                          return jobStates
                              .apply(ids)
                              .map(
                                  states ->
                                      RunOverview.of(
                                          f.status(), job, t.getT1(), t.getT2(), states, now));
                        }));
  }

  /**
   * A run and the store that has it.
   *
   * @param job the Batch job of a run submitted whose workers have not opened it yet, else null
   */
  private record Found(Checkpoints store, RunStatus status, RunJob job) {
    Found(Checkpoints store, RunStatus status) {
      this(store, status, null);
    }
  }

  private Mono<Found> locate(String runId) {
    return Mono.defer(
        () -> {
          if (!RUN_ID.matcher(runId).matches()) {
            return Mono.error(
                new PitrException(
                    ErrorCode.USAGE,
                    "'"
                        + runId
                        + "' is not a run id; pass one of the ids pitr runs list shows, e.g."
                        + " 7f3a9c01"));
          }
          return Flux.fromIterable(stores)
              .concatMap(s -> s.find(runId).flatMap(r -> status(s, r)).map(st -> new Found(s, st)))
              .next()
              .switchIfEmpty(
                  Flux.fromIterable(stores)
                      .concatMap(
                          s ->
                              s.job(runId)
                                  .flatMap(
                                      j ->
                                          status(s, submitted(runId, j))
                                              .map(st -> new Found(s, st, j))))
                      .next())
              .switchIfEmpty(
                  Mono.error(
                      () ->
                          new PitrException(
                              ErrorCode.USAGE,
                              "No run "
                                  + runId
                                  + " in "
                                  + describe()
                                  + "; see pitr runs list, and check --state-dir or"
                                  + " --checkpoint-table")));
        });
  }

  /**
   * The run, checked for abandoning.
   *
   * @param force accept a running run
   * @throws PitrException {@link ErrorCode#REFUSED} when it is running and not forced
   */
  public Mono<RunStatus> checkAbandon(String runId, boolean force) {
    return locate(runId).map(f -> refuseRunning(f, force).status());
  }

  private static Found refuseRunning(Found found, boolean force) {
    RunStatus s = found.status();
    String runId = s.runId();
    if (found.job() != null) {
      throw new PitrException(
          ErrorCode.REFUSED,
          "Run "
              + runId
              + " has not started: AWS Batch job "
              + found.job().jobId()
              + " (queue "
              + found.job().jobQueue()
              + ") has yet to start its workers, so there is nothing to abandon; to stop it,"
              + " cancel the job with 'aws batch terminate-job --job-id "
              + found.job().jobId()
              + " --reason abandoned'");
    }
    if (s.state() == RunState.RUNNING && !force) {
      throw new PitrException(
          ErrorCode.REFUSED,
          "Run "
              + runId
              + " is running: "
              + s.lastHeartbeat()
              + ", lease until "
              + s.run().expires()
              + "; stop that process first (the run is reported dead once its lease lapses, at once"
              + " when it ran on this host), or"
              + " pass --force if you are sure it is gone");
    }
    return found;
  }

  /**
   * Abandons the run: {@code pitr drop} no longer waits for it, and it can no longer be resumed. A
   * run already abandoned or finished is left unchanged.
   *
   * @param force abandon a running run too
   * @return the run as it is afterwards
   * @throws PitrException {@link ErrorCode#REFUSED} when it is running and not forced
   */
  public Mono<RunStatus> abandon(String runId, boolean force) {
    return locate(runId)
        .map(f -> refuseRunning(f, force))
        .flatMap(
            f -> {
              RunState state = f.status().state();
              if (state == RunState.ABANDONED || state == RunState.FINISHED) {
                return Mono.just(f.status());
              }
              Checkpoints store = f.store();
              return store
                  .abandon(runId, RunOwner.current(), clock.instant())
                  .then(store.find(runId))
                  .flatMap(r -> status(store, r));
            });
  }

  /**
   * A run submitted to AWS Batch whose workers have not opened it yet: what its job's command
   * copies, no segments known yet, no lease, so it reads as pending.
   */
  static CopyRunRecord submitted(String runId, RunJob job) {
    String plan = argument(job.command(), "--apply");
    String source =
        plan != null ? PlanProgress.SOURCE_PREFIX + plan : argument(job.command(), "--from");
    String target = argument(job.command(), plan != null ? "--table" : "--to");
    return new CopyRunRecord(
        runId,
        source == null ? "?" : source,
        target == null ? "?" : target,
        0,
        null,
        null,
        false,
        null,
        null,
        null,
        null);
  }

  private static String argument(List<String> args, String option) {
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals(option) && i + 1 < args.size()) {
        return args.get(i + 1);
      }
      if (args.get(i).startsWith(option + "=")) {
        return args.get(i).substring(option.length() + 1);
      }
    }
    return null;
  }

  /**
   * The run's state now. A run whose lease is renewed is dead all the same once every process that
   * renewed one of its workers' leases is gone from this host ({@link RunOwner#gone}): killed, it
   * need not be waited for until its lease lapses. Other workers' leases are read only then.
   */
  private Mono<RunStatus> status(Checkpoints store, CopyRunRecord run) {
    Instant now = clock.instant();
    RunState state = run.state(now);
    if (state != RunState.RUNNING || run.owner() == null || !run.owner().gone()) {
      return Mono.just(new RunStatus(run, state, store.describe()));
    }
    return store
        .leases(run.runId())
        .map(
            leases ->
                leases.stream().anyMatch(l -> l.state(now) == RunState.RUNNING)
                    ? RunState.RUNNING
                    : RunState.DEAD)
        .map(s -> new RunStatus(run, s, store.describe()));
  }

  /** The stores, for messages: {@code /home/me/.pitr/state/runs or table pitr-checkpoints}. */
  public String describe() {
    return stores.stream().map(Checkpoints::describe).collect(Collectors.joining(" or "));
  }
}
