package pitr.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import pitr.ErrorCode;
import pitr.bench.RollbackSourceBenchmark;

/**
 * {@code pitr bench rollback}: the same incident (1% of a table changed in [T0, T1)) planned from
 * an incremental export and from two restored tables, side by side, on the embedded engine.
 */
@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    description =
        "Time, live-table read units and heap of a rollback plan made from an incremental export"
            + " vs. from two restored tables, for the same incident.")
@TargetUse(why = "measures rollback planning on the embedded engine it starts")
final class BenchRollbackCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--items",
      paramLabel = "N",
      defaultValue = "1000000",
      converter = Ranges.RestoreBenchItems.class,
      description = "Items in the table, 10-100,000,000 (default: ${DEFAULT-VALUE}).")
  int items;

  @Option(
      names = "--rounds",
      paramLabel = "N",
      defaultValue = "3",
      converter = Ranges.Rounds.class,
      description =
          "Measured rounds of each source, interleaved, 1-100 (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        Locale.ROOT,
        "Loading %,d items, changing %,d in the window; %d rounds of each source...%n",
        items,
        (items + 99) / 100,
        rounds);
    out.flush();
    RollbackSourceBenchmark.Result r = new RollbackSourceBenchmark().run(items, rounds);
    out.println(
        "| source | items | changed | plan items | plan s | live-table RCU | all-tables RCU | peak heap MB |");
    out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (RollbackSourceBenchmark.Side s :
        new RollbackSourceBenchmark.Side[] {r.export(), r.restore()}) {
      out.printf(
          Locale.ROOT,
          "| %s | %,d | %,d | %,d | %.2f | %,.1f | %,.1f | %d |%n",
          s.source(),
          r.items(),
          r.changed(),
          s.planItems(),
          s.planSeconds(),
          s.liveReadUnits(),
          s.totalReadUnits(),
          s.peakHeapMb());
    }
    out.println("Medians of " + r.rounds() + " interleaved rounds.");
    out.flush();
    return r.export().planItems() == r.restore().planItems()
        ? ErrorCode.OK.exitCode()
        : ErrorCode.FAILED.exitCode();
  }
}
