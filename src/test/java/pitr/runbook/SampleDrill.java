package pitr.runbook;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A drill's result made by hand, for report tests: a table broken by a migration, a 10 s jump of
 * the engine's clock, a rollback to T0 with the incident's end, two checks and a clean-up, with
 * writes measured each second of work.
 */
final class SampleDrill {
  static final Instant START = Instant.parse("2026-12-05T02:00:00.123456789Z");

  private SampleDrill() {}

  private static final class Steps {
    final List<StepResult> results = new ArrayList<>();
    Instant now = START;

    void add(Step step, long millis, String detail) {
      Instant end = now.plusMillis(millis);
      results.add(
          new StepResult(
              results.size() + 1, step, StepResult.Status.PASSED, now, end, detail, null));
      now = end;
    }
  }

  static DrillResult result() {
    Steps s = new Steps();
    s.add(
        new Step.CreateTable("Create orders", "orders", Map.of("pk", "S"), null, null, null, null),
        300,
        "created orders (on-demand)");
    s.add(new Step.Seed("Seed 2,000 orders", "orders", 2000L, null), 1500, "seeded 2,000 items");
    s.add(new Step.Mark("Note the time before the incident", "t0"), 0, "t0 = ...");
    s.add(
        new Step.Migrate(
            "Run migration 0001_discount_books, which zeroes the price of every book and whose"
                + " name is long enough to wrap",
            "0001_discount_books",
            null),
        2000,
        "updated 500 items");
    s.add(new Step.Mark("Note the time the incident ended", "t1"), 0, "t1 = ...");
    s.add(
        new Step.Advance("Wait until the restore window reaches past the incident", "10s"),
        10_000,
        "time moved on by PT10S");
    s.add(
        new Step.Rollback("Roll orders back to t0", "orders", "t0", "t1", null, null),
        2500,
        "restored 500");
    s.add(
        new Step.AssertCount("Check no order went missing", "orders", 2000L, null),
        400,
        "orders holds 2,000 items");
    s.add(new Step.Drop("Drop orders", "orders"), 100, "dropped orders");
    List<Map.Entry<Instant, Double>> series = new ArrayList<>();
    for (int second = 0; second < 4; second++) {
      series.add(Map.entry(START.plusSeconds(second), 100.0 + 50 * (second % 3)));
    }
    for (int second = 14; second < 17; second++) {
      series.add(Map.entry(START.plusSeconds(second), 180.0));
    }
    Runbook runbook =
        new Runbook(
            "sample",
            "A migration zeroes book prices; roll it back.",
            "local",
            s.results.stream().map(StepResult::step).toList(),
            Path.of("sample.yaml"));
    return new DrillResult(
        runbook,
        "the embedded engine",
        1.0,
        START,
        s.now,
        List.copyOf(s.results),
        Duration.ofMillis(2900),
        List.of(),
        0,
        0,
        3500,
        series,
        true);
  }
}
