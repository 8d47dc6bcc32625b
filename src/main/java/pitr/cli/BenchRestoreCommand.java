package pitr.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import pitr.ErrorCode;
import pitr.bench.RestoreBenchmark;

/**
 * {@code pitr bench restore}: a point-in-time restore of a large table on the embedded engine, a
 * tenth of whose items changed after the restore point.
 */
@TargetUse(why = "measures the embedded engine in-process")
@TextReport
@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    description = "Time and memory of restoring a large table to a point in time.")
final class BenchRestoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--items",
      paramLabel = "N",
      defaultValue = "1000000",
      converter = Ranges.RestoreBenchItems.class,
      description = "Items in the source table, 10-100,000,000 (default: ${DEFAULT-VALUE}).")
  int items;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        Locale.ROOT,
        "Loading %,d items, changing %,d after the restore point...%n",
        items,
        items / 10);
    out.flush();
    RestoreBenchmark.Result r = new RestoreBenchmark().run(items);
    out.println(
        "| items | changed after T | restore s | heap before MB | peak heap MB | heap after MB | history versions | history MB | restored items |");
    out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    out.printf(
        Locale.ROOT,
        "| %,d | %,d | %.2f | %d | %d | %d | %,d | %d | %,d |%n",
        r.items(),
        r.changed(),
        r.restoreSeconds(),
        r.heapBeforeMb(),
        r.peakHeapMb(),
        r.heapAfterMb(),
        r.historyVersions(),
        r.historyMb(),
        r.restoredItems());
    out.flush();
    return r.restoredItems() == r.items() ? ErrorCode.OK.exitCode() : ErrorCode.FAILED.exitCode();
  }
}
