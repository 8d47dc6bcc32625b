package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.local.Faults;

/**
 * {@code pitr rollback TABLE --to T0}: progress while the planning scans read both tables, and
 * while the plan is applied.
 */
class RollbackPlanProgressTest {
  private static final Pattern ITEMS_READ = Pattern.compile(" items_read=(\\d+) ");

  @TempDir Path dir;

  @Test
  void rollbackPlan_notOnATerminal_printsProgressLinesCountingItemsRead_thenASummary()
      throws Exception {
    try (RollbackTestEngine e = new RollbackTestEngine()) {
      CliRun run = new CliRun();

      int code = slowly(e, run, "--plan", dir.resolve("plan.jsonl").toString());

      assertThat(code).as(run.err()).isZero();
      List<String> progress =
          run.err().lines().filter(l -> l.startsWith("progress command=rollback-plan ")).toList();
      assertThat(progress).as(run.err()).isNotEmpty();
      long last = 0;
      for (String line : progress) {
        assertThat(line).contains(" elapsed_s=").contains(" eta=");
        long read = itemsRead(line);
        // T0's 20 items from the recovery table, then the live table's 23.
        assertThat(read).isBetween(last, 43L);
        last = read;
      }
      List<String> summary =
          run.err().lines().filter(l -> l.startsWith("summary command=rollback-plan ")).toList();
      assertThat(summary).hasSize(1);
      assertThat(itemsRead(summary.get(0))).isEqualTo(43);
      assertThat(summary.get(0)).contains(" items_written=0 ").containsPattern(" rcu=[1-9]\\d* ");
      assertThat(run.out()).doesNotContain("progress command=");
    }
  }

  @Test
  void rollbackApply_notOnATerminal_printsProgressLinesOfThePlanItemsDone_thenASummary()
      throws Exception {
    try (RollbackTestEngine e = new RollbackTestEngine()) {
      CliRun run = new CliRun();

      int code = slowly(e, run, "--delete-extra", "--yes");

      assertThat(code).as(run.err()).isZero();
      List<String> progress =
          run.err().lines().filter(l -> l.startsWith("progress command=rollback-apply ")).toList();
      assertThat(progress).as(run.err()).isNotEmpty();
      for (String line : progress) {
        assertThat(line).contains(" items_per_s_10s=").contains(" eta=");
      }
      List<String> summary =
          run.err().lines().filter(l -> l.startsWith("summary command=rollback-apply ")).toList();
      assertThat(summary).as(run.err()).hasSize(1);
      // Read back before writing (the 3 extra items and the 5 changed ones) and after (the 5
      // restored ones; the 3 deleted are gone).
      assertThat(itemsRead(summary.get(0))).as(summary.get(0)).isEqualTo(13);
      assertThat(summary.get(0))
          .contains(" items_written=5 ")
          .contains(" items_deleted=3 ")
          .contains(" items_failed=0 ")
          .contains(" wcu=8 ")
          .containsPattern(" rcu=[1-9]\\d* ");
      assertThat(run.out()).doesNotContain("command=rollback-apply");
      assertThat(e.orders()).hasSize(20).doesNotContainValue("bad");
    }
  }

  /**
   * {@code rollback orders --to T0} of {@link #incident} with {@code args}, progress every 100 ms,
   * every call answered 150 ms late so that scans and writes outlast several progress intervals.
   */
  private int slowly(RollbackTestEngine e, CliRun run, String... args) throws Exception {
    Instant t0 = incident(e);
    List<String> all =
        new java.util.ArrayList<>(List.of("rollback", "orders", "--to", t0.toString()));
    all.addAll(List.of(args));
    all.addAll(
        List.of(
            "--progress-interval",
            "100ms",
            "--state-dir",
            dir.resolve("state").toString(),
            "--endpoint-url",
            e.endpoint));
    e.engine.setFaults(Faults.parse("latency=1,delay=150ms"));
    try {
      return run.execute(all.toArray(String[]::new));
    } finally {
      e.engine.setFaults(Faults.NONE);
    }
  }

  /**
   * Orders k0-k19 "v1" until T0 (returned), then k0-k4 set and k20-k22 created "bad": 5 restores,
   * and 3 deletes with --delete-extra.
   */
  private static Instant incident(RollbackTestEngine e) throws Exception {
    e.createOrders();
    for (int i = 0; i < 20; i++) {
      e.put("k" + i, "v1");
    }
    Instant t0 = RollbackTestEngine.mark();
    for (int i = 0; i < 5; i++) {
      e.put("k" + i, "bad");
    }
    for (int i = 20; i < 23; i++) {
      e.put("k" + i, "bad");
    }
    RollbackTestEngine.mark();
    return t0;
  }

  private static long itemsRead(String line) {
    Matcher m = ITEMS_READ.matcher(line);
    assertThat(m.find()).as(line).isTrue();
    return Long.parseLong(m.group(1));
  }
}
