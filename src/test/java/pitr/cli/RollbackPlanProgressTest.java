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

/** {@code pitr rollback TABLE --to T0}: progress while the planning scans read both tables. */
class RollbackPlanProgressTest {
  private static final Pattern ITEMS_READ = Pattern.compile(" items_read=(\\d+) ");

  @TempDir Path dir;

  @Test
  void rollbackPlan_notOnATerminal_printsProgressLinesCountingItemsRead_thenASummary()
      throws Exception {
    try (RollbackTestEngine e = new RollbackTestEngine()) {
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
      // Every call answers late, so that the scans outlast several progress intervals.
      e.engine.setFaults(Faults.parse("latency=1,delay=150ms"));
      CliRun run = new CliRun();

      int code =
          run.execute(
              "rollback",
              "orders",
              "--to",
              t0.toString(),
              "--plan",
              dir.resolve("plan.jsonl").toString(),
              "--progress-interval",
              "100ms",
              "--state-dir",
              dir.resolve("state").toString(),
              "--endpoint-url",
              e.endpoint);

      e.engine.setFaults(Faults.NONE);
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

  private static long itemsRead(String line) {
    Matcher m = ITEMS_READ.matcher(line);
    assertThat(m.find()).as(line).isTrue();
    return Long.parseLong(m.group(1));
  }
}
