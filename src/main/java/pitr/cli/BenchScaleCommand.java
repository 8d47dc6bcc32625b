package pitr.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import pitr.ErrorCode;
import pitr.bench.ScaleBenchmark;

/**
 * {@code pitr bench engine-scale}: the embedded engine's heap per item, point read and write
 * throughput and restore time at several table sizes, in-process.
 */
@Command(
    name = "engine-scale",
    mixinStandardHelpOptions = true,
    description =
        "Heap per item (loaded, and once every item has been updated once with PITR on),"
            + " GetItem/PutItem throughput and restore time of the embedded engine at several"
            + " table sizes.")
@TargetUse(why = "measures the embedded engine it starts in-process")
final class BenchScaleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--items",
      split = ",",
      converter = Ranges.RestoreBenchItems.class,
      paramLabel = "N,N",
      description =
          "Table sizes, each 10-100,000,000, comma-separated; all are loaded at once"
              + " (default: 10000,1000000).")
  List<Integer> items = List.of(10_000, 1_000_000);

  @Option(
      names = "--seconds",
      paramLabel = "SECONDS",
      defaultValue = "2",
      converter = Ranges.ScaleSeconds.class,
      description =
          "Seconds of reads, and of writes, per size and round, 0.1-3,600 (default:"
              + " ${DEFAULT-VALUE}).")
  double seconds;

  @Option(
      names = "--rounds",
      paramLabel = "N",
      defaultValue = "3",
      converter = Ranges.Rounds.class,
      description =
          "Interleaved rounds, 1-100, after one warm-up round; medians are reported (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Keep each engine's tables in a subdirectory of DIR (as pitr local serve --data-dir"
              + " does) and report the bytes written per acknowledged PutItem.")
  Path dataDir;

  @Option(
      names = "--update-all",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Update every item once after loading (PITR on) and report the heap per item then;"
              + " --no-update-all measures fresh tables only, e.g. 10,000,000 items in a 4 GB heap"
              + " (default: on).")
  boolean updateAll;

  @Option(
      names = "--http",
      description =
          "Also time GetItem and PutItem over HTTP, one caller through the AWS SDK, each engine"
              + " served on a loopback port as pitr local serve serves it.")
  boolean http;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<ScaleBenchmark.Result> results =
        new ScaleBenchmark()
            .run(
                new ScaleBenchmark.Options(
                    items,
                    Duration.ofMillis(Math.round(seconds * 1000)),
                    rounds,
                    dataDir,
                    updateAll,
                    http ? BenchEngineCommand::httpClient : null),
                m -> {
                  out.println(m + "...");
                  out.flush();
                });
    List<Column> optional = http ? HTTP_COLUMNS : List.of();
    out.println();
    out.println(
        "| items | item bytes | load s | heap bytes/item | heap bytes/item, all updated |"
            + " update-all s | gets/s | puts/s | restore s | first read of restored s | bytes"
            + " written/put |"
            + headings(optional));
    out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|" + separators(optional));
    for (ScaleBenchmark.Result r : results) {
      out.printf(
          Locale.ROOT,
          "| %,d | %.0f | %.1f | %,.0f | %s | %s | %,.0f | %,.0f | %.2f | %.3f | %s |%s%n",
          r.items(),
          r.itemBytes(),
          r.loadSeconds(),
          r.heapBytesPerItem(),
          Double.isNaN(r.heapBytesPerItemUpdated())
              ? "n/a"
              : String.format(Locale.ROOT, "%,.0f", r.heapBytesPerItemUpdated()),
          Double.isNaN(r.updateAllSeconds())
              ? "n/a"
              : String.format(Locale.ROOT, "%.1f", r.updateAllSeconds()),
          r.getsPerSecond(),
          r.putsPerSecond(),
          r.restoreSeconds(),
          r.firstReadSeconds(),
          dataDir == null ? "n/a" : String.format(Locale.ROOT, "%,.0f", r.bytesPerWrite()),
          cells(optional, c -> c.absolute(r)));
    }
    ScaleBenchmark.Result base = results.get(0);
    out.println();
    out.println(
        "| items | gets/s vs "
            + base.items()
            + " | puts/s vs "
            + base.items()
            + " |"
            + headings(optional));
    out.println("|---:|---:|---:|" + separators(optional));
    for (ScaleBenchmark.Result r : results) {
      out.printf(
          Locale.ROOT,
          "| %,d | %.2fx | %.2fx |%s%n",
          r.items(),
          r.getsPerSecond() / base.getsPerSecond(),
          r.putsPerSecond() / base.putsPerSecond(),
          cells(optional, c -> c.ratio(r, base)));
    }
    out.flush();
    return ErrorCode.OK.exitCode();
  }

  /**
   * A column both tables end with when its option is given: its heading, and the measure whose
   * value the first table gives and whose ratio to the first size's the second gives.
   */
  private record Column(String heading, ToDoubleFunction<ScaleBenchmark.Result> value) {
    /** Its cell in the first table, as a rate is given there ("12,345"). */
    String absolute(ScaleBenchmark.Result r) {
      return String.format(Locale.ROOT, "%,.0f", value.applyAsDouble(r));
    }

    /** Its cell in the second table: {@code r}'s value over {@code base}'s ("0.87x"). */
    String ratio(ScaleBenchmark.Result r, ScaleBenchmark.Result base) {
      return String.format(
          Locale.ROOT, "%.2fx", value.applyAsDouble(r) / value.applyAsDouble(base));
    }
  }

  /** The columns of {@code --http}. */
  private static final List<Column> HTTP_COLUMNS =
      List.of(
          new Column("gets/s, HTTP", ScaleBenchmark.Result::httpGetsPerSecond),
          new Column("puts/s, HTTP", ScaleBenchmark.Result::httpPutsPerSecond));

  private static String headings(List<Column> columns) {
    return cells(columns, Column::heading);
  }

  private static String separators(List<Column> columns) {
    return "---:|".repeat(columns.size());
  }

  /** " CELL |" for each of {@code columns}, to follow a row's last "|". */
  private static String cells(List<Column> columns, Function<Column, String> cell) {
    StringBuilder out = new StringBuilder();
    for (Column c : columns) {
      out.append(' ').append(cell.apply(c)).append(" |");
    }
    return out.toString();
  }
}
