package pitr.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.bench.WorkersBenchmark;
import pitr.local.http.CannotListenException;

/** {@code pitr bench workers}: a copy-back by N worker processes against one, over HTTP. */
@TargetUse(why = "measures copy-back on the embedded engine it starts")
@TextReport
@Command(
    name = "workers",
    mixinStandardHelpOptions = true,
    description = {
      "Copy-back over HTTP from the embedded engine by one pitr process, then by --workers"
          + " processes started together with --worker I/N and one run id, round after round;"
          + " prints the medians and the ratio of N workers to one."
    })
final class BenchWorkersCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--items",
      paramLabel = "N",
      defaultValue = "60000",
      converter = Ranges.CopyBenchItems.class,
      description = "Items in the source table, 1,000-100,000,000 (default: ${DEFAULT-VALUE}).")
  int items;

  @Option(
      names = "--payload-bytes",
      paramLabel = "N",
      defaultValue = "200",
      converter = Ranges.PayloadBytes.class,
      description = "Payload per item, 1-390,000 (default: ${DEFAULT-VALUE}).")
  int payloadBytes;

  @Option(
      names = "--workers",
      paramLabel = "N",
      defaultValue = "3",
      converter = BatchRanges.Workers.class,
      description = "Worker processes of the split copy, 1-10,000 (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(
      names = "--segments",
      paramLabel = "N",
      defaultValue = "12",
      converter = Ranges.Segments.class,
      description = "Parallel-scan segments of every copy, 1-10,000 (default: ${DEFAULT-VALUE}).")
  int segments;

  @Option(
      names = "--rounds",
      paramLabel = "N",
      defaultValue = "3",
      converter = Ranges.Rounds.class,
      description =
          "Rounds, 1-100, one worker then N each; medians are reported (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(
      names = "--child-heap",
      paramLabel = "SIZE",
      defaultValue = "256m",
      description = "-Xmx of each worker process (default: ${DEFAULT-VALUE}).")
  String childHeap;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path work;
    try {
      work = Files.createTempDirectory("pitr-bench-workers");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    WorkersBenchmark.Options o =
        new WorkersBenchmark.Options(
            items, payloadBytes, workers, segments, rounds, childHeap, work);
    WorkersBenchmark.Result r;
    try {
      r =
          new WorkersBenchmark(
                  line -> {
                    err.println("bench: " + line);
                    err.flush();
                  },
                  Main.class)
              .run(o);
    } catch (CannotListenException e) {
      throw LocalServers.refused(e);
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new PitrException(ErrorCode.FAILED, "benchmark failed: " + e.getMessage(), e);
    }
    out.printf(
        "copy-back of %,d items over HTTP, %d segments, medians of %d rounds:%n",
        items, segments, rounds);
    out.printf("  %-22s %14s %14s%n", "", "wall items/s", "copy items/s");
    out.printf("  %-22s %,14.0f %,14.0f%n", "1 worker", r.oneWall(), r.oneCopy());
    out.printf("  %-22s %,14.0f %,14.0f%n", workers + " workers", r.manyWall(), r.manyCopy());
    out.printf(
        "  %-22s %14.2f %14.2f%n",
        "ratio " + workers + ":1", r.manyWall() / r.oneWall(), r.manyCopy() / r.oneCopy());
    out.flush();
    return ErrorCode.OK.exitCode();
  }
}
