package pitr.runbook;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A drill's time as a person reads it: the moments of the incident (T0, its end, the start of
 * recovery, the moment it was verified) and a time axis on which the engine's moved clock takes no
 * room. On the embedded engine an {@code advance} step jumps the clock; drawn to scale, a 10 s jump
 * would look like 10 s of work, so the axis ({@link #offset}) counts only the time that passed
 * outside such jumps, and each jump is a break in it.
 */
final class DrillTimeline {
  /**
   * A moment of the incident to mark on the charts, to the millisecond as the drill records its
   * marks ({@link DrillContext#toTheMillisecond}).
   */
  record Marker(String label, Instant at) {
    Marker {
      at = at == null ? null : DrillContext.toTheMillisecond(at);
    }
  }

  /** A jump of the engine's clock: where it happened on the axis, and by how much. */
  record Jump(Instant at, Duration by) {}

  private static final DateTimeFormatter MILLIS = DateTimeFormatter.ISO_INSTANT;

  private final DrillResult result;
  private final List<StepResult> jumps = new ArrayList<>();

  DrillTimeline(DrillResult result) {
    this.result = result;
    if (result.clockMoved()) {
      for (StepResult s : result.steps()) {
        if (s.step() instanceof Step.Advance && s.status() == StepResult.Status.PASSED) {
          jumps.add(s);
        }
      }
    }
  }

  /** An instant to the millisecond, e.g. {@code 2026-12-05T02:06:32.123Z}. */
  static String millis(Instant at) {
    return MILLIS.format(at.truncatedTo(ChronoUnit.MILLIS));
  }

  /** Whether the step is a jump of the engine's clock rather than time that passed. */
  boolean isJump(StepResult s) {
    return jumps.contains(s);
  }

  /** The jumps of the engine's clock, in order. */
  List<Jump> jumps() {
    return jumps.stream().map(s -> new Jump(s.start(), s.duration())).toList();
  }

  /** The time the engine's clock was moved on by, in all. */
  Duration moved() {
    return jumps.stream().map(StepResult::duration).reduce(Duration.ZERO, Duration::plus);
  }

  /** How long the drill took, less the jumps of the engine's clock. */
  Duration worked() {
    return Duration.between(result.startedAt(), result.finishedAt()).minus(moved());
  }

  /** Where {@code at} is on the axis: time since the start, less the jumps before it, in ms. */
  long offset(Instant at) {
    long ms = Duration.between(result.startedAt(), at).toMillis();
    for (StepResult j : jumps) {
      if (!at.isAfter(j.start())) {
        break;
      }
      ms -= Math.min(j.duration().toMillis(), Duration.between(j.start(), at).toMillis());
    }
    return Math.max(0, ms);
  }

  /** The length of the axis in ms (at least 1). */
  long length() {
    return Math.max(1, offset(result.finishedAt()));
  }

  /**
   * The moments of the incident that the drill shows: T0 (the state recovered to), the end of the
   * incident, the start of recovery and the moment it was verified; those a runbook does not have
   * (one that recovers nothing) are left out.
   */
  List<Marker> markers() {
    Map<String, Instant> marks = new HashMap<>();
    Map<String, StepResult> migrations = new HashMap<>();
    StepResult recovery = null;
    Instant verified = null;
    for (StepResult s : result.steps()) {
      Step step = s.step();
      if (recovery == null) {
        if (step instanceof Step.Mark m) {
          marks.put(m.name(), s.start());
        } else if (step instanceof Step.Migrate m) {
          migrations.put(m.name(), s);
        }
      }
      boolean recovering = step instanceof Step.Rollback || step instanceof Step.MigrateRollback;
      if (recovering && recovery == null && s.status() != StepResult.Status.SKIPPED) {
        recovery = s;
      }
      if (recovery != null && (recovering || step.type().startsWith("assert-"))) {
        verified = s.end();
      }
    }
    if (recovery == null) {
      return List.of();
    }
    Instant t0 = null;
    Instant end = null;
    if (recovery.step() instanceof Step.Rollback r) {
      t0 = instant(r.to(), marks);
      end = r.incidentEnd() == null ? null : instant(r.incidentEnd(), marks);
    } else if (recovery.step() instanceof Step.MigrateRollback r) {
      StepResult migration = migrations.get(r.name());
      t0 = migration == null ? null : migration.start();
    }
    if (end == null && t0 != null) {
      end = lastWriteBetween(t0, recovery.start());
    }
    List<Marker> out = new ArrayList<>();
    if (t0 != null) {
      out.add(new Marker("T0", t0));
    }
    if (end != null) {
      out.add(new Marker("incident end", end));
    }
    out.add(new Marker("recovery start", recovery.start()));
    out.add(new Marker("verified", verified));
    return out;
  }

  /** The end of the last migration or traffic step between {@code from} and {@code to}. */
  private Instant lastWriteBetween(Instant from, Instant to) {
    Instant last = null;
    for (StepResult s : result.steps()) {
      boolean writes = s.step() instanceof Step.Migrate || s.step() instanceof Step.Traffic;
      if (writes && !s.start().isBefore(from) && !s.end().isAfter(to)) {
        last = s.end();
      }
    }
    return last;
  }

  private static Instant instant(String markOrInstant, Map<String, Instant> marks) {
    Instant at = marks.get(markOrInstant);
    if (at != null) {
      return at;
    }
    try {
      return Instant.parse(markOrInstant);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }
}
