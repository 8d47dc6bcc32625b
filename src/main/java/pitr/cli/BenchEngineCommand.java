package pitr.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import pitr.ErrorCode;
import pitr.bench.WriteBenchmark;
import pitr.local.EngineConfig;
import pitr.local.LocalDynamoDbAsyncClient;
import pitr.local.LocalEngine;
import pitr.local.http.LocalServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * {@code pitr bench engine}: BatchWriteItem throughput of the embedded engine over loopback HTTP
 * and in-process, and of another emulator at {@code --compare-endpoint} (bench/engine.sh starts
 * dynalite there), all through the same SDK async client. With {@code --validation-cost} it also
 * measures, in the same interleaved rounds, engines that skip the model check of requests, and
 * reports checked / unchecked items/s.
 */
@TargetUse(why = "measures the embedded engine it starts, and --compare-endpoint")
@TextReport
@Command(
    name = "engine",
    mixinStandardHelpOptions = true,
    description = "BatchWriteItem (25 items per call) throughput: HTTP, in-process, and a peer.")
final class BenchEngineCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--compare-endpoint",
      paramLabel = "URL",
      description = "Endpoint of another DynamoDB emulator to measure side by side.")
  URI compareEndpoint;

  @Option(
      names = "--compare-name",
      defaultValue = "dynalite",
      paramLabel = "NAME",
      description = "Name of that emulator in the results (default: ${DEFAULT-VALUE}).")
  String compareName;

  @Option(
      names = "--seconds",
      paramLabel = "SECONDS",
      defaultValue = "5",
      converter = Ranges.BenchSeconds.class,
      description = "Seconds one measured run lasts, 1-3,600 (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(
      names = "--rounds",
      paramLabel = "N",
      defaultValue = "5",
      converter = Ranges.Rounds.class,
      description =
          "Interleaved rounds per case, 1-100; the median is reported (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(
      names = "--validation-cost",
      description =
          "Also measure engines with the request check against the service model turned off (a"
              + " benchmark-only setting), and report checked / unchecked items/s.")
  boolean validationCost;

  private static final String HTTP = "pitr (HTTP)";
  private static final String IN_PROCESS = "pitr (in-process)";
  private static final String HTTP_UNCHECKED = "pitr (HTTP, unchecked)";
  private static final String IN_PROCESS_UNCHECKED = "pitr (in-process, unchecked)";

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<AutoCloseable> open = new ArrayList<>();
    try {
      List<WriteBenchmark.Target> targets = new ArrayList<>();
      addEngines(targets, open, EngineConfig.defaults(), HTTP, IN_PROCESS);
      if (validationCost) {
        addEngines(
            targets,
            open,
            EngineConfig.defaults().withoutRequestValidation(),
            HTTP_UNCHECKED,
            IN_PROCESS_UNCHECKED);
        // Each checked engine runs right before its unchecked twin, under the same load.
        targets.add(1, targets.remove(2));
      }
      if (compareEndpoint != null) {
        DynamoDbAsyncClient peer = httpClient(compareEndpoint);
        open.add(peer);
        targets.add(new WriteBenchmark.Target(compareName + " (HTTP)", peer));
      }
      out.printf(
          "Measuring %d targets, %d cases, %d rounds of %d s (plus one warm-up round)...%n",
          targets.size(), WriteBenchmark.standardCases().size(), rounds, seconds);
      out.flush();
      List<WriteBenchmark.Result> results =
          new WriteBenchmark(Duration.ofSeconds(seconds), rounds)
              .run(targets, WriteBenchmark.standardCases());
      print(out, results);
      return ErrorCode.OK.exitCode();
    } finally {
      for (AutoCloseable c : open) {
        try {
          c.close();
        } catch (Exception e) {
          // Closing benchmark clients cannot change the results already printed.
        }
      }
    }
  }

  /**
   * An engine served over loopback HTTP and another called in-process, both with {@code config}.
   */
  private static void addEngines(
      List<WriteBenchmark.Target> targets,
      List<AutoCloseable> open,
      EngineConfig config,
      String httpName,
      String inProcessName) {
    LocalEngine httpEngine = LocalEngine.create(config);
    LocalServer server = LocalServers.startOnLoopback(httpEngine);
    open.add(server);
    open.add(httpEngine);
    DynamoDbAsyncClient httpClient = httpClient(server.endpoint());
    open.add(httpClient);
    targets.add(new WriteBenchmark.Target(httpName, httpClient));
    DynamoDbAsyncClient inProcess = LocalDynamoDbAsyncClient.owning(LocalEngine.create(config));
    open.add(inProcess);
    targets.add(new WriteBenchmark.Target(inProcessName, inProcess));
  }

  private void print(PrintWriter out, List<WriteBenchmark.Result> results) {
    out.println();
    out.println("| target | items | in flight | batches/s | items/s |");
    out.println("|---|---|---:|---:|---:|");
    for (WriteBenchmark.Result r : results) {
      out.printf(
          Locale.ROOT,
          "| %s | %s | %d | %,.0f | %,.0f |%n",
          r.target(),
          r.benchCase().itemSize(),
          r.benchCase().inFlight(),
          r.batchesPerSecond(),
          r.itemsPerSecond());
    }
    out.println();
    out.println("| items | in flight | pitr HTTP / " + compareName + " | in-process / HTTP |");
    out.println("|---|---:|---:|---:|");
    for (WriteBenchmark.Case c : WriteBenchmark.standardCases()) {
      double http = find(results, HTTP, c);
      double inProcess = find(results, IN_PROCESS, c);
      double peer = find(results, compareName + " (HTTP)", c);
      out.printf(
          Locale.ROOT,
          "| %s | %d | %s | %.1fx |%n",
          c.itemSize(),
          c.inFlight(),
          peer > 0 ? String.format(Locale.ROOT, "%.1fx", http / peer) : "n/a",
          inProcess / http);
    }
    if (validationCost) {
      printValidationCost(out, results);
    }
    out.flush();
  }

  /**
   * Checked / unchecked, each the median over rounds of the ratio within one round (the two targets
   * ran back to back in it, so the machine's load weighs on both alike): items/s, and process CPU
   * time per item (unchecked / checked, so that below 1 means the check costs).
   */
  private static void printValidationCost(PrintWriter out, List<WriteBenchmark.Result> results) {
    out.println();
    out.println(
        "| items | in flight | HTTP items/s checked / unchecked | in-process items/s checked /"
            + " unchecked | HTTP CPU per item unchecked / checked | in-process CPU per item"
            + " unchecked / checked |");
    out.println("|---|---:|---:|---:|---:|---:|");
    for (WriteBenchmark.Case c : WriteBenchmark.standardCases()) {
      WriteBenchmark.Result http = result(results, HTTP, c);
      WriteBenchmark.Result httpOff = result(results, HTTP_UNCHECKED, c);
      WriteBenchmark.Result in = result(results, IN_PROCESS, c);
      WriteBenchmark.Result inOff = result(results, IN_PROCESS_UNCHECKED, c);
      out.printf(
          Locale.ROOT,
          "| %s | %d | %.3f | %.3f | %.3f | %.3f |%n",
          c.itemSize(),
          c.inFlight(),
          roundRatio(http.roundItemsPerSecond(), httpOff.roundItemsPerSecond()),
          roundRatio(in.roundItemsPerSecond(), inOff.roundItemsPerSecond()),
          roundRatio(httpOff.roundCpuMicrosPerItem(), http.roundCpuMicrosPerItem()),
          roundRatio(inOff.roundCpuMicrosPerItem(), in.roundCpuMicrosPerItem()));
    }
  }

  /** The median over rounds of {@code a[i] / b[i]}. */
  static double roundRatio(List<Double> a, List<Double> b) {
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      ratios.add(a.get(i) / b.get(i));
    }
    return WriteBenchmark.median(ratios);
  }

  private static WriteBenchmark.Result result(
      List<WriteBenchmark.Result> results, String target, WriteBenchmark.Case c) {
    for (WriteBenchmark.Result r : results) {
      if (r.target().equals(target) && r.benchCase().equals(c)) {
        return r;
      }
    }
    throw new IllegalStateException("no result for " + target + " " + c);
  }

  private static double find(
      List<WriteBenchmark.Result> results, String target, WriteBenchmark.Case c) {
    for (WriteBenchmark.Result r : results) {
      if (r.target().equals(target) && r.benchCase().equals(c)) {
        return r.itemsPerSecond();
      }
    }
    return 0;
  }

  static DynamoDbAsyncClient httpClient(URI endpoint) {
    return DynamoDbAsyncClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
        .httpClientBuilder(EventLoops.netty().maxConcurrency(64))
        .build();
  }
}
