package pitr.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.bench.CopyBackBenchmark;
import pitr.local.http.CannotListenException;

/**
 * {@code pitr bench copy-back}: what the copy-back pipeline costs against raw BatchWriteItem, how
 * closely it holds a WCU cap, its heap in a small JVM, and its speed next to a boto3 script.
 */
@TargetUse(why = "measures copy-back on the embedded engine it starts")
@TextReport
@Command(
    name = "copy-back",
    mixinStandardHelpOptions = true,
    description = {
      "Copy-back on the embedded engine: pipeline cost against raw BatchWriteItem, rate accuracy"
          + " at a WCU cap, and over HTTP in a small-heap JVM beside a boto3 peer (bench/copy_boto3.py).",
      "Give this JVM room for two copies of the table, e.g. java -Xmx8g -jar target/pitr.jar."
    })
final class BenchCopyBackCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--items",
      paramLabel = "N",
      defaultValue = "1000000",
      converter = Ranges.CopyBenchItems.class,
      description = "Items in the source table, 1,000-100,000,000 (default: ${DEFAULT-VALUE}).")
  int items;

  @Option(
      names = "--payload-bytes",
      paramLabel = "N",
      defaultValue = "960",
      converter = Ranges.PayloadBytes.class,
      description =
          "Payload per item, 1-390,000; with key and number the item is ~1 KB, 1 WCU (default:"
              + " ${DEFAULT-VALUE}).")
  int payloadBytes;

  @Option(
      names = "--rounds",
      paramLabel = "N",
      defaultValue = "3",
      converter = Ranges.Rounds.class,
      description =
          "Interleaved rounds, 1-100, after uncounted warm-up rounds until the heap stops growing"
              + " (at most 5); medians are reported (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(
      names = "--http-rounds",
      paramLabel = "N",
      defaultValue = "1",
      converter = Ranges.Rounds.class,
      description =
          "Interleaved rounds over HTTP, 1-100, pitr then the peer each round (default:"
              + " ${DEFAULT-VALUE}).")
  int httpRounds;

  @Option(
      names = "--concurrency",
      paramLabel = "N",
      defaultValue = "16",
      converter = Ranges.Concurrency.class,
      description =
          "BatchWriteItem calls in flight, raw and copy alike, 1-1,000 (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = "--rate-wcu",
      paramLabel = "WCU",
      defaultValue = "2000",
      converter = Ranges.BenchWriteUnits.class,
      description =
          "--max-wcu of the rate-accuracy run, 0-1,000,000; 0 skips it (default: ${DEFAULT-VALUE}).")
  double rateWcu;

  @Option(
      names = "--rate-rcu",
      paramLabel = "RCU",
      defaultValue = "500",
      converter = Ranges.BenchWriteUnits.class,
      description =
          "--max-rcu of the read-rate-accuracy run (the copy's scan capped, its writes not),"
              + " 0-1,000,000; 0 skips it (default: ${DEFAULT-VALUE}).")
  double rateRcu;

  @Option(
      names = "--rate-seconds",
      paramLabel = "N",
      defaultValue = "60",
      converter = Ranges.RateSeconds.class,
      description = "Seconds the rate-accuracy run lasts, 2-3,600 (default: ${DEFAULT-VALUE}).")
  int rateSeconds;

  @Option(
      names = "--child-heap",
      paramLabel = "SIZE",
      defaultValue = "256m",
      description =
          "-Xmx of the JVM running pitr copy-back over HTTP; 'none' skips the HTTP part"
              + " (default: ${DEFAULT-VALUE}).")
  String childHeap;

  @Option(
      names = "--peer",
      defaultValue = "bench/copy_boto3.py",
      paramLabel = "SCRIPT",
      description = "The boto3 peer script; 'none' skips it (default: ${DEFAULT-VALUE}).")
  String peer;

  @Option(
      names = "--segments",
      paramLabel = "N",
      defaultValue = "8",
      converter = Ranges.Segments.class,
      description =
          "Parallel-scan segments of every copy, 1-10,000; the raw writes use as many streams"
              + " (default: ${DEFAULT-VALUE}).")
  int segments;

  @Override
  public Integer call() {
    Path peerScript = null;
    boolean http = !childHeap.equalsIgnoreCase("none");
    if (http && !peer.equalsIgnoreCase("none")) {
      peerScript = Path.of(peer);
      if (!Files.isRegularFile(peerScript)) {
        throw new PitrException(
            ErrorCode.USAGE,
            "peer script "
                + peer
                + " not found; run from the pitr checkout, pass --peer PATH, or --peer none");
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path work;
    try {
      work = Files.createTempDirectory("pitr-bench-copy-back");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    CopyBackBenchmark.Options o =
        new CopyBackBenchmark.Options(
            items,
            payloadBytes,
            rounds,
            httpRounds,
            concurrency,
            rateWcu,
            rateRcu,
            Duration.ofSeconds(rateSeconds),
            http ? childHeap : null,
            peerScript,
            segments,
            work);
    CopyBackBenchmark.Result r;
    try {
      r =
          new CopyBackBenchmark(
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
    print(out, r);
    return ErrorCode.OK.exitCode();
  }

  private static void print(PrintWriter out, CopyBackBenchmark.Result r) {
    CopyBackBenchmark.Options o = r.options();
    out.printf(
        Locale.ROOT,
        "%n%,d items of ~1 KB, %d batches in flight, medians of %d interleaved rounds (%d over"
            + " HTTP)%n%n",
        o.items(),
        o.concurrency(),
        o.rounds(),
        o.httpRounds());
    out.println("| measure | result | target |");
    out.println("|---|---:|---:|");
    var p = r.pipeline();
    out.printf(
        Locale.ROOT,
        "| raw BatchWriteItem, in-process client | %,.0f items/s | |%n",
        p.rawItemsPerSecond());
    out.printf(
        Locale.ROOT,
        "| copy-back, no rate limit, same client | %,.0f items/s | |%n",
        p.copyItemsPerSecond());
    out.printf(
        Locale.ROOT,
        "| copy-back / raw (median of per-round ratios) | %.2f | ≥ 0.80 |%n",
        p.ratio());
    if (r.rate() != null) {
      printRate(out, r.rate(), "--max-wcu", "WCU");
    }
    if (r.readRate() != null) {
      printRate(out, r.readRate(), "--max-rcu", "RCU");
    }
    if (r.throttled() != null) {
      var t = r.throttled();
      out.printf(
          Locale.ROOT,
          "| 10%% of requests throttled, no cap: items/s (share of the unthrottled copy) |"
              + " %,.0f (%.2f) | |%n",
          t.uncappedItemsPerSecond(),
          t.uncappedItemsPerSecond() / p.copyItemsPerSecond());
      out.printf(
          Locale.ROOT,
          "| 10%% of requests throttled, --max-wcu %.0f: items/s (share of the cap) |"
              + " %,.0f (%.2f) | |%n",
          t.cap(),
          t.cappedItemsPerSecond(),
          t.cappedItemsPerSecond() / t.cap());
    }
    if (r.http() != null) {
      var h = r.http();
      out.printf(
          Locale.ROOT,
          "| pitr copy-back over HTTP (-Xmx%s JVM, %d segments) | %,.0f items/s | |%n",
          h.childHeap(),
          o.segments(),
          h.pitrItemsPerSecond());
      out.printf(
          Locale.ROOT,
          "| its heap: peak in use / most left after a GC / time in GC | %,d MB / %,d MB /"
              + " %.1f%% | fits -Xmx%s |%n",
          h.peakHeapMb(),
          h.liveHeapMb(),
          h.gcShare() * 100,
          h.childHeap());
      if (!Double.isNaN(h.peerItemsPerSecond())) {
        out.printf(
            Locale.ROOT,
            "| boto3 parallel scan + batch_writer over HTTP (%d threads) | %,.0f items/s | |%n",
            o.segments(),
            h.peerItemsPerSecond());
        out.printf(
            Locale.ROOT,
            "| pitr / boto3 | %.1fx | |%n",
            h.pitrItemsPerSecond() / h.peerItemsPerSecond());
      }
    }
    out.flush();
  }

  private static void printRate(
      PrintWriter out, CopyBackBenchmark.Rate rate, String option, String unit) {
    if (!Double.isNaN(rate.firstFive())) {
      out.printf(
          Locale.ROOT,
          "| %s %.0f: first 5 s, %s/s | %,.0f (%+.1f%%) | ±5%% |%n",
          option,
          rate.cap(),
          unit,
          rate.firstFive(),
          (rate.firstFive() / rate.cap() - 1) * 100);
    }
    out.printf(
        Locale.ROOT,
        "| %s %.0f for %d s: achieved %s/s | %,.0f (%+.1f%%) | ±5%% |%n",
        option,
        rate.cap(),
        rate.seconds(),
        unit,
        rate.achieved(),
        (rate.achieved() / rate.cap() - 1) * 100);
    if (!Double.isNaN(rate.firstFive())) {
      out.printf(
          Locale.ROOT,
          "| %s: worst 5-second window's deviation from the cap | %.1f%% | ≤ 5%% |%n",
          option,
          rate.worstWindow() * 100);
    }
    out.printf(
        Locale.ROOT,
        "| %s: per-second deviation from the cap: median / p99 / max | %.1f%% / %.1f%% / %.1f%%"
            + " | p99 ≤ 15%% |%n",
        option,
        rate.p50Deviation() * 100,
        rate.p99Deviation() * 100,
        rate.maxDeviation() * 100);
  }
}
