package pitr.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.ReadUnits;
import pitr.export.DirectoryExportStore;
import pitr.export.ExportStore;
import pitr.export.S3ExportStore;
import pitr.files.AtomicFiles;
import pitr.local.AdjustableClock;
import pitr.local.EngineConfig;
import pitr.local.Faults;
import pitr.local.LocalEngine;
import pitr.local.http.LocalServer;
import pitr.runbook.DrillChecklist;
import pitr.runbook.DrillReport;
import pitr.runbook.DrillResult;
import pitr.runbook.DrillRunner;
import pitr.runbook.DrillTarget;
import pitr.runbook.RecoveryPaths;
import pitr.runbook.Runbook;
import pitr.runbook.RunbookLoader;
import pitr.runbook.StepResult;
import pitr.runbook.WriteMeter;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * {@code pitr drill RUNBOOK}: rehearses a recovery from a runbook, on the embedded engine (the
 * default) or AWS, and writes a report; {@code --explain} prints the runbook as a checklist.
 */
@Command(
    name = "drill",
    mixinStandardHelpOptions = true,
    description = {
      "Rehearse a recovery from a runbook (runbooks/*.yaml) and write a report (Markdown and HTML).",
      "--explain prints the runbook as a checklist to follow by hand against AWS."
    })
final class DrillCommand implements Callable<Integer> {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "RUNBOOK", description = "A runbook file, or a name from runbooks/.")
  Path runbookFile;

  @Option(
      names = "--target",
      paramLabel = "local|aws",
      description = "Where to run (default: the runbook's target, else local).")
  String target;

  @Option(
      names = "--report",
      paramLabel = "DIR",
      description = "Report folder (default: drill-reports/<runbook>-<timestamp>/).")
  Path report;

  @Option(
      names = "--explain",
      description = "Print the runbook as a checklist with the equivalent commands; run nothing.")
  boolean explain;

  @Option(
      names = "--scale",
      paramLabel = "F",
      defaultValue = "1",
      converter = Ranges.Scale.class,
      description =
          "Scale generated item counts, 0.001-1,000, e.g. 0.02 for a quick run (default:"
              + " ${DEFAULT-VALUE}).")
  double scale;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Runbook runbook = RunbookLoader.load(runbookFile);
    boolean json = Targets.json(spec);
    if (explain) {
      if (json) {
        Json.print(
            out,
            Map.of(
                "runbook",
                runbook.name(),
                "checklist",
                DrillChecklist.of(runbook).lines().toList()));
      } else {
        out.print(DrillChecklist.of(runbook));
      }
      return 0;
    }
    String where = target != null ? target : runbook.target();
    if (!where.equals("local") && !where.equals("aws")) {
      throw new PitrException(
          ErrorCode.USAGE, "--target " + where + " is not known; pass local or aws");
    }
    Path dir =
        report != null
            ? report
            : Path.of("drill-reports", runbook.name() + "-" + STAMP.format(Instant.now()));
    // Before the drill: a report that cannot be written would be lost after all of it.
    DrillReport.checkWritable(dir);
    DrillResult result;
    try (DrillTarget drillTarget =
        where.equals("local") ? new LocalTarget() : new AwsTarget(PitrCommand.of(spec).target())) {
      if (!json) {
        out.println("Drill " + runbook.name() + " on " + drillTarget.name());
        out.flush();
      }
      // In text, each step is told as it finishes, not all at the end.
      result =
          new DrillRunner(drillTarget, Schedulers.parallel(), scale)
              .run(
                  runbook,
                  s -> {
                    if (!json) {
                      printStep(out, s);
                    }
                  })
              .block();
    }
    Path html = DrillReport.write(result, dir);
    Map<String, Object> summary = json ? summary(result, html) : null;
    if (json && result.passed()) {
      Json.print(out, summary);
    } else if (!json) {
      out.printf(
          "Recovery time: %s; data lost: %,d; conflicts: %,d%n",
          result.recoveryTime() == null ? "n/a" : result.recoveryTime().toMillis() / 1000.0 + " s",
          result.dataLost(),
          result.conflicts());
      out.print(RecoveryPaths.text(result));
      out.println("Report: " + html);
    }
    if (!result.passed()) {
      throw new CommandFailure(
          ErrorCode.FAILED,
          "Drill "
              + runbook.name()
              + " failed: "
              + result.failures().size()
              + (result.failures().size() == 1 ? " step failed (" : " steps failed (")
              + String.join(
                  "; ",
                  result.failures().stream()
                      .map(s -> "step " + s.number() + ": " + s.failure())
                      .toList())
              + "); see "
              + html,
          summary);
    }
    if (!json) {
      out.println("RESULT: drill passed");
    }
    return 0;
  }

  private static void printStep(PrintWriter out, StepResult s) {
    out.printf(
        "%2d. %-7s %s%s%n",
        s.number(),
        s.status(),
        s.step().description(),
        s.failure() != null
            ? "\n      " + s.failure()
            : s.detail().isEmpty() ? "" : "\n      " + s.detail());
    out.flush();
  }

  /** The drill's outcome for {@code --output json}. */
  private static Map<String, Object> summary(DrillResult result, Path html) {
    List<Map<String, Object>> steps = new ArrayList<>();
    for (StepResult s : result.steps()) {
      Map<String, Object> step = new LinkedHashMap<>();
      step.put("number", s.number());
      step.put("status", s.status().name());
      step.put("description", s.step().description());
      step.put("detail", s.detail());
      step.put("failure", s.failure());
      steps.add(step);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("runbook", result.runbook().name());
    m.put("target", result.target());
    m.put("passed", result.passed());
    m.put("steps", steps);
    m.put("recoveryTime", result.recoveryTime());
    m.put("dataLost", result.dataLost());
    m.put("conflicts", result.conflicts());
    m.put("recoveryPaths", RecoveryPaths.json(result));
    m.put("report", html.toString());
    return m;
  }

  /**
   * The embedded engine served on loopback, its clock movable and faults injectable; it writes
   * exports into a temporary folder laid out as buckets, deleted with the target.
   */
  static final class LocalTarget implements DrillTarget, AutoCloseable {
    final AdjustableClock clock = AdjustableClock.following(Clock.systemUTC());
    final Path exportDir = exportDir();
    final LocalEngine engine =
        LocalEngine.create(
            EngineConfig.defaults()
                .withClock(clock)
                .withExports(EngineConfig.Exports.DEFAULTS.withDirectory(exportDir)));
    final LocalServer server = LocalServers.startOnLoopback(engine);
    final WriteMeter meter = new WriteMeter(clock);
    final ReadUnits reads = new ReadUnits();
    final DynamoDbAsyncClient client =
        DynamoDbAsyncClient.builder()
            .endpointOverride(server.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("drill", "drill")))
            .httpClientBuilder(EventLoops.netty())
            .overrideConfiguration(
                c -> c.addExecutionInterceptor(meter).addExecutionInterceptor(reads))
            .build();

    private static Path exportDir() {
      try {
        return Files.createTempDirectory("pitr-drill-exports-");
      } catch (IOException e) {
        throw new PitrException(
            ErrorCode.FAILED,
            "Cannot make a temporary folder for the drill's exports: "
                + AtomicFiles.describe(e)
                + "; check the free space and permissions of "
                + System.getProperty("java.io.tmpdir"));
      }
    }

    @Override
    public String name() {
      return "the embedded engine";
    }

    @Override
    public ReadUnits reads() {
      return reads;
    }

    @Override
    public ExportStore exports(String bucket) {
      try {
        Files.createDirectories(exportDir.resolve(bucket));
      } catch (IOException e) {
        throw new PitrException(
            ErrorCode.FAILED,
            "Cannot make the drill's export bucket folder "
                + exportDir.resolve(bucket)
                + ": "
                + AtomicFiles.describe(e));
      }
      return new DirectoryExportStore(exportDir);
    }

    @Override
    public DynamoDbAsyncClient client() {
      return client;
    }

    @Override
    public Clock clock() {
      return clock;
    }

    @Override
    public Mono<Void> advance(Duration by) {
      return Mono.fromRunnable(() -> clock.advance(by));
    }

    @Override
    public boolean movesClock() {
      return true;
    }

    @Override
    public void injectFaults(String spec) {
      try {
        engine.setFaults(Faults.parse(spec));
      } catch (IllegalArgumentException e) {
        throw new PitrException(
            ErrorCode.USAGE, "Faults '" + spec + "' are not valid: " + e.getMessage());
      }
    }

    @Override
    public WriteMeter meter() {
      return meter;
    }

    @Override
    public void close() {
      client.close();
      server.close();
      engine.close();
      try (var files = Files.walk(exportDir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException e) {
        // A temporary folder left behind is harmless.
      }
    }
  }

  /**
   * AWS (or --endpoint-url): real time, no fault injection, writes and reads not metered; exports
   * read from S3 (AWS_ENDPOINT_URL_S3 honoured).
   */
  static final class AwsTarget implements DrillTarget, AutoCloseable {
    private final TargetOptions options;
    private final DynamoDbAsyncClient client;
    private final String name;
    private S3AsyncClient s3;

    AwsTarget(TargetOptions options) {
      this.options = options;
      this.client = options.client();
      this.name = options.describe();
    }

    @Override
    public synchronized ExportStore exports(String bucket) {
      if (s3 == null) {
        s3 = new AwsClients(options).s3();
      }
      return new S3ExportStore(s3);
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public DynamoDbAsyncClient client() {
      return client;
    }

    @Override
    public Clock clock() {
      return Clock.systemUTC();
    }

    @Override
    public Mono<Void> advance(Duration by) {
      return Mono.delay(by).then();
    }

    @Override
    public boolean movesClock() {
      return false;
    }

    @Override
    public void injectFaults(String spec) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Fault injection needs the embedded engine; run the drill with --target local, or remove the faults step");
    }

    @Override
    public WriteMeter meter() {
      return null;
    }

    @Override
    public synchronized void close() {
      client.close();
      if (s3 != null) {
        s3.close();
      }
    }
  }
}
