package pitr.runbook;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.Durations;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Runs a runbook's steps in order against a {@link DrillTarget}, timing each. An assertion that
 * does not hold fails its step and the drill goes on, so one report lists every broken expectation;
 * a step that cannot be done fails and skips the rest, except {@code drop} steps, which still run
 * to clean up.
 *
 * <p>The steps themselves live by kind in {@link DrillTables} (tables, seeding, snapshots, drops),
 * {@link TrafficSteps}, {@link RecoverySteps} (migrations and rollbacks) and {@link
 * AssertionSteps}; what they share is a {@link DrillContext}. Every DynamoDB call goes through the
 * drill's {@link pitr.dynamo.DynamoDbGateway}.
 */
public final class DrillRunner {
  private final DrillTarget target;
  private final double scale;
  private final DrillContext drill;
  private final DrillTables tables;
  private final TrafficSteps traffic;
  private final RecoverySteps recovery;
  private final AssertionSteps assertions;

  /**
   * A runner over {@code target}.
   *
   * @param scale factor for generated item counts (e.g. 0.02 to run a 100,000-item drill with
   *     2,000)
   */
  public DrillRunner(DrillTarget target, Scheduler scheduler, double scale) {
    if (!(scale > 0)) {
      throw new PitrException(
          ErrorCode.USAGE, "--scale " + scale + " is not positive; pass e.g. 0.02");
    }
    this.target = target;
    this.scale = scale;
    this.drill = new DrillContext(target, scheduler, scale);
    this.tables = new DrillTables(drill);
    this.traffic = new TrafficSteps(drill, tables);
    this.recovery = new RecoverySteps(drill);
    this.assertions = new AssertionSteps(drill, tables);
  }

  /** Runs every step; the result says which passed. */
  public Mono<DrillResult> run(Runbook runbook) {
    return run(runbook, step -> {});
  }

  /**
   * Runs every step, telling {@code finished} of each step's result as soon as it is known (so a
   * drill is narrated while it runs); the result says which passed.
   */
  public Mono<DrillResult> run(Runbook runbook, Consumer<StepResult> finished) {
    return Mono.defer(
        () -> {
          Instant started = drill.clock.instant();
          List<StepResult> results = new ArrayList<>();
          boolean[] broken = {false};
          return Flux.fromIterable(runbook.steps())
              .index()
              .concatMap(
                  indexed -> {
                    int number = (int) (long) indexed.getT1() + 1;
                    Step step = indexed.getT2();
                    Instant start = drill.clock.instant();
                    if (broken[0] && !(step instanceof Step.Drop)) {
                      return Mono.just(
                          new StepResult(
                              number, step, StepResult.Status.SKIPPED, start, start, "", null));
                    }
                    drill.step = number;
                    return execute(runbook, step)
                        .map(
                            detail ->
                                new StepResult(
                                    number,
                                    step,
                                    StepResult.Status.PASSED,
                                    start,
                                    drill.clock.instant(),
                                    detail,
                                    null))
                        .onErrorResume(
                            e -> {
                              if (!(e instanceof DrillAssertionFailed)) {
                                broken[0] = true;
                              }
                              return Mono.just(
                                  new StepResult(
                                      number,
                                      step,
                                      StepResult.Status.FAILED,
                                      start,
                                      drill.clock.instant(),
                                      "",
                                      message(e)));
                            });
                  })
              .doOnNext(
                  r -> {
                    results.add(r);
                    finished.accept(r);
                  })
              .then(
                  Mono.fromSupplier(
                      () ->
                          new DrillResult(
                              runbook,
                              target.name(),
                              scale,
                              started,
                              drill.clock.instant(),
                              List.copyOf(results),
                              recoveryTime(results),
                              List.copyOf(drill.paths),
                              drill.dataLost,
                              drill.conflicts,
                              target.meter() == null ? -1 : target.meter().total(),
                              target.meter() == null ? List.of() : target.meter().series(),
                              target.movesClock())));
        });
  }

  private static String message(Throwable e) {
    Throwable t = e;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private static Duration recoveryTime(List<StepResult> results) {
    Instant start = null;
    Instant end = null;
    for (StepResult r : results) {
      boolean recovering =
          r.step() instanceof Step.Rollback || r.step() instanceof Step.MigrateRollback;
      if (recovering && start == null) {
        start = r.start();
      }
      if (start != null && (recovering || r.step().type().startsWith("assert-"))) {
        end = r.end();
      }
    }
    return start == null ? null : Duration.between(start, end);
  }

  private Mono<String> execute(Runbook runbook, Step step) {
    if (step instanceof Step.CreateTable s) {
      return tables.create(s);
    } else if (step instanceof Step.Seed s) {
      return tables.seed(runbook, s);
    } else if (step instanceof Step.EnablePitr s) {
      return tables.enablePitr(s);
    } else if (step instanceof Step.Mark s) {
      return Mono.fromSupplier(
          () -> {
            Instant at = DrillContext.toTheMillisecond(drill.clock.instant());
            drill.marks.put(s.name(), at);
            return s.name() + " = " + DrillTimeline.millis(at);
          });
    } else if (step instanceof Step.Snapshot s) {
      return tables.snapshot(s);
    } else if (step instanceof Step.Advance s) {
      Duration by = StepDurations.parse(s.by());
      return target
          .advance(by)
          .thenReturn(
              target.movesClock()
                  ? "time moved on by " + Durations.format(by)
                  : "waited "
                      + Durations.format(by)
                      + " (the clock of "
                      + target.name()
                      + " cannot be moved)");
    } else if (step instanceof Step.Migrate s) {
      return recovery.migrate(runbook, s);
    } else if (step instanceof Step.Traffic s) {
      return traffic.traffic(s);
    } else if (step instanceof Step.Faults s) {
      return Mono.fromSupplier(
          () -> {
            target.injectFaults(s.spec());
            return s.spec() == null || s.spec().isBlank() ? "faults off" : "faults " + s.spec();
          });
    } else if (step instanceof Step.Restore s) {
      return recovery.restore(s);
    } else if (step instanceof Step.Rollback s) {
      return recovery.rollback(s);
    } else if (step instanceof Step.MigrateRollback s) {
      return recovery.migrateRollback(s);
    } else if (step instanceof Step.AssertCount s) {
      return assertions.count(s);
    } else if (step instanceof Step.AssertItem s) {
      return assertions.item(s);
    } else if (step instanceof Step.AssertUnchanged s) {
      return assertions.unchanged(s);
    } else if (step instanceof Step.AssertConflicts s) {
      return assertions.conflicts(s);
    } else if (step instanceof Step.AssertTtl s) {
      return assertions.ttl(s);
    } else if (step instanceof Step.Drop s) {
      return tables.drop(s);
    }
    return Mono.error(new IllegalStateException("no handler for step " + step.type()));
  }
}
