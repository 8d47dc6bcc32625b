package pitr.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.local.EngineConfig;
import pitr.local.Faults;
import pitr.local.LocalEngine;
import pitr.local.http.LocalServer;
import pitr.local.iam.IamPolicies;

/**
 * {@code pitr local serve}: serves a new in-memory engine over HTTP until interrupted, so the AWS
 * CLI, boto3 or any SDK can use it with {@code --endpoint-url}. Data lives only as long as the
 * process, unless {@code --data-dir} is given.
 *
 * <p>Every option is checked before anything starts. Beyond loopback the engine would serve every
 * table to anyone on the network, so such a bind needs an access key (requests must then be signed
 * with it) or {@code --allow-remote}, and prints a warning either way.
 */
@TargetUse(why = "serves the embedded engine itself; point other tools at the endpoint it prints")
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the embedded engine on HTTP until interrupted (Ctrl-C).",
      "Data is kept in memory and lost when the process stops, unless --data-dir is given.",
      "Durations take 90s, 15m, 2h, 1d or ISO-8601 (PT5M)."
    })
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      defaultValue = "8000",
      paramLabel = "PORT",
      converter = Ranges.Port.class,
      description = "Port to listen on, 0-65535; 0 picks a free port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      paramLabel = "HOST",
      description = {
        "Address to listen on (default: ${DEFAULT-VALUE}, this machine only).",
        "Any other address needs --access-key-id and --secret-access-key (or --credentials-file),"
            + " or --allow-remote."
      })
  String host;

  @Option(
      names = "--allow-remote",
      description =
          "Serve a non-loopback --host without credentials: anyone who can reach it may read and"
              + " change every table. Prefer --access-key-id.")
  boolean allowRemote;

  @Option(
      names = "--access-key-id",
      paramLabel = "ID",
      description =
          "Answer only requests signed (AWS Signature Version 4) with this access key, on any"
              + " --host; others get UnrecognizedClientException or InvalidSignatureException.")
  String accessKeyId;

  @Option(
      names = "--secret-access-key",
      paramLabel = "SECRET",
      description =
          "The secret of --access-key-id. It shows in the process list; --credentials-file does"
              + " not.")
  String secretAccessKey;

  @Option(
      names = "--credentials-file",
      paramLabel = "FILE",
      description =
          "Read the access key from FILE: aws_access_key_id and aws_secret_access_key lines, with"
              + " no profile or under [default].")
  Path credentialsFile;

  @Option(
      names = "--iam-policy",
      paramLabel = "ACCESS_KEY=FILE",
      description = {
        "Enforce the IAM policy document in FILE on requests signed with ACCESS_KEY, as DynamoDB"
            + " does (AccessDeniedException); repeatable. Keys without a policy are then denied"
            + " everything.",
        "Allow/Deny, NotAction/NotResource and * ? wildcards are honoured; conditions are not"
            + " evaluated. 'pitr iam-policy COMMAND' prints a command's policy."
      })
  List<String> iamPolicies = new ArrayList<>();

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Keep tables, item history and backups in DIR across restarts (created if absent).")
  Path dataDir;

  @Option(
      names = "--faults",
      paramLabel = "SPEC",
      description = {
        "Inject faults: throttle=R,error=R,latency=R,delay=D,drop=R,seed=N (rates 0-1), or"
            + " @FILE with one key=value per line (# starts a comment)."
      })
  String faults;

  @Option(
      names = "--restore-duration",
      paramLabel = "DURATION",
      defaultValue = "0s",
      converter = Ranges.EngineDelay.class,
      description =
          "How long a restored table stays CREATING, 0s-1d (AWS: 20m or more; default:"
              + " ${DEFAULT-VALUE}).")
  Duration restoreDuration;

  @Option(
      names = "--restore-lag",
      paramLabel = "DURATION",
      defaultValue = "1s",
      converter = Ranges.EngineDelay.class,
      description =
          "How far the latest restorable time trails now, 0s-1d (AWS: about 5m; default:"
              + " ${DEFAULT-VALUE}).")
  Duration restoreLag;

  @Option(
      names = "--create-duration",
      paramLabel = "DURATION",
      defaultValue = "0s",
      converter = Ranges.EngineDelay.class,
      description =
          "How long a new table stays CREATING, 0s-1d (AWS: seconds to minutes; default:"
              + " ${DEFAULT-VALUE}).")
  Duration createDuration;

  @Option(
      names = "--update-duration",
      paramLabel = "DURATION",
      defaultValue = "0s",
      converter = Ranges.EngineDelay.class,
      description =
          "How long a table stays UPDATING after UpdateTable, and a new global secondary index"
              + " CREATING (backfilling), 0s-1d (default: ${DEFAULT-VALUE}).")
  Duration updateDuration;

  @Option(
      names = "--delete-duration",
      paramLabel = "DURATION",
      defaultValue = "0s",
      converter = Ranges.EngineDelay.class,
      description =
          "How long a deleted table stays DELETING before it is gone, 0s-1d (default:"
              + " ${DEFAULT-VALUE}).")
  Duration deleteDuration;

  @Option(
      names = "--ttl-sweep-interval",
      paramLabel = "DURATION",
      defaultValue = "5s",
      converter = Ranges.SweepInterval.class,
      description =
          "How often items whose TTL has passed are deleted, 1s-1d (AWS: within days; default:"
              + " ${DEFAULT-VALUE}).")
  Duration ttlSweepInterval;

  @Option(
      names = "--export-min-window",
      paramLabel = "DURATION",
      defaultValue = "15m",
      converter = Ranges.ExportMinWindow.class,
      description =
          "The shortest incremental export window (ExportToTime - ExportFromTime), 1s-1d; lower it"
              + " to rehearse on a real clock (DynamoDB: 15m; default: ${DEFAULT-VALUE}).")
  Duration exportMinWindow;

  @Option(
      names = "--export-duration",
      paramLabel = "DURATION",
      defaultValue = "0s",
      converter = Ranges.EngineDelay.class,
      description =
          "How long an export stays IN_PROGRESS before it is COMPLETED, 0s-1d (AWS: minutes or"
              + " more; default: ${DEFAULT-VALUE}).")
  Duration exportDuration;

  @Option(
      names = "--s3-endpoint-url",
      paramLabel = "URL",
      description =
          "Write exports (ExportTableToPointInTime) to this S3 API, e.g. http://127.0.0.1:5000 for"
              + " moto_server; its buckets must exist.")
  String s3EndpointUrl;

  @Option(
      names = "--export-dir",
      paramLabel = "DIR",
      description =
          "Without --s3-endpoint-url, write exports to DIR laid out as S3: bucket B is the folder"
              + " DIR/B, which must exist.")
  Path exportDir;

  @Option(
      names = "--burst-seconds",
      defaultValue = "300",
      paramLabel = "SECONDS",
      converter = Ranges.BurstSeconds.class,
      description =
          "Seconds of unused provisioned capacity a table may bank, 0-3,600 (DynamoDB: 300;"
              + " default: ${DEFAULT-VALUE}).")
  long burstSeconds;

  @Option(
      names = "--on-demand-max-wcu",
      defaultValue = "0",
      paramLabel = "WCU",
      converter = Ranges.OnDemandUnits.class,
      description =
          "Write units per second an on-demand table may take, 0-1,000,000, e.g. 4000 for a new"
              + " table or 40000 for the default quota; 0 = no limit (default: ${DEFAULT-VALUE}).")
  long onDemandMaxWcu;

  @Option(
      names = "--on-demand-max-rcu",
      defaultValue = "0",
      paramLabel = "RCU",
      converter = Ranges.OnDemandUnits.class,
      description =
          "Read units per second an on-demand table may take, 0-1,000,000; 0 = no limit (default:"
              + " ${DEFAULT-VALUE}).")
  long onDemandMaxRcu;

  @Override
  public Integer call() {
    EngineConfig config =
        EngineConfig.defaults()
            .withFaults(parseFaults(faults))
            .withRestoreDuration(restoreDuration)
            .withRestoreLag(restoreLag)
            .withBurstSeconds(burstSeconds)
            .withOnDemandCeiling(onDemandMaxRcu, onDemandMaxWcu)
            .withTableActivationDelay(createDuration)
            .withLifecycle(
                EngineConfig.Lifecycle.DEFAULTS
                    .withUpdateDuration(updateDuration)
                    .withDeleteDuration(deleteDuration)
                    .withTtlSweepInterval(ttlSweepInterval))
            .withExports(
                EngineConfig.Exports.DEFAULTS
                    .withMinWindow(exportMinWindow)
                    .withDuration(exportDuration)
                    .withS3Endpoint(s3Endpoint(s3EndpointUrl, exportDir))
                    .withDirectory(exportDirectory(exportDir)));
    ServeAccess access =
        ServeAccess.decide(host, allowRemote, accessKeyId, secretAccessKey, credentialsFile);
    IamPolicies policies = IamPolicyFiles.read(iamPolicies, config.accountId());
    LocalEngine engine;
    try {
      engine = dataDir == null ? LocalEngine.create(config) : LocalEngine.open(config, dataDir);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new PitrException(ErrorCode.USAGE, "--data-dir " + dataDir + ": " + e.getMessage(), e);
    }
    ScheduledExecutorService pruner =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pitr-local-prune");
              t.setDaemon(true);
              return t;
            });
    pruner.scheduleWithFixedDelay(engine::pruneHistory, 1, 1, TimeUnit.MINUTES);
    LocalServer server;
    try {
      server = LocalServers.start(engine, access.address(), port, access.key(), policies);
    } catch (RuntimeException e) {
      pruner.shutdownNow();
      engine.close();
      throw e;
    }
    AtomicBoolean closed = new AtomicBoolean();
    Runnable close =
        () -> {
          if (closed.compareAndSet(false, true)) {
            pruner.shutdownNow();
            server.close();
            engine.close();
          }
        };
    Thread hook = new Thread(close, "pitr-local-serve-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);

    String warning = access.warning(host);
    if (warning != null) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(warning);
      err.flush();
    }
    // The start-up lines go out at once: a script that waits for the endpoint line then finds
    // the lines after it too.
    spec.commandLine().getOut().print(banner(server.endpoint(), access, policies, config));
    spec.commandLine().getOut().flush();
    boolean interrupted = false;
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      // Close first: shutting the server down blocks, which an interrupted thread cannot do.
      interrupted = true;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running or has run; it closes everything.
      }
      close.run();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    return ErrorCode.OK.exitCode();
  }

  /**
   * The start-up lines, endpoint first: text, or with {@code --output json} one JSON document per
   * line, each naming its {@code event}.
   */
  private String banner(
      java.net.URI endpoint, ServeAccess access, IamPolicies policies, EngineConfig config) {
    List<Map<String, Object>> events = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    events.add(event("listening", "endpoint", endpoint.toString()));
    lines.add("pitr local engine listening on " + endpoint);
    if (access.key() != null) {
      events.add(event("signing", "accessKeyId", access.key().id()));
      lines.add(
          "Requests must be signed (AWS Signature Version 4) with access key "
              + access.key().id()
              + ".");
    }
    if (policies != null) {
      List<String> keys = new ArrayList<>(new TreeSet<>(policies.keys()));
      events.add(event("iamPolicies", "accessKeys", keys));
      lines.add(
          "Enforcing IAM policies for access keys "
              + String.join(", ", keys)
              + "; other keys are denied.");
    }
    if (dataDir != null) {
      events.add(event("dataDirectory", "path", dataDir.toAbsolutePath().toString()));
      lines.add("Data directory: " + dataDir.toAbsolutePath());
    }
    if (s3EndpointUrl != null) {
      events.add(event("exports", "s3EndpointUrl", s3EndpointUrl));
      lines.add("Exports go to S3 at " + s3EndpointUrl);
    } else if (exportDir != null) {
      events.add(event("exports", "directory", exportDir.toAbsolutePath().toString()));
      lines.add("Exports go to " + exportDir.toAbsolutePath() + "/BUCKET");
    }
    if (!config.faults().isNone()) {
      events.add(event("faults", "faults", config.faults().toString()));
      lines.add("Injecting faults: " + config.faults());
    }
    events.add(event("ready", "endpoint", endpoint.toString()));
    lines.add("Try: aws dynamodb list-tables --endpoint-url " + endpoint);
    lines.add("Press Ctrl-C to stop.");
    StringBuilder text = new StringBuilder();
    if (Targets.json(spec)) {
      events.forEach(e -> text.append(Json.line(e)).append(System.lineSeparator()));
    } else {
      lines.forEach(l -> text.append(l).append(System.lineSeparator()));
    }
    return text.toString();
  }

  private static Map<String, Object> event(String name, String key, Object value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("event", name);
    m.put(key, value);
    return m;
  }

  static java.net.URI s3Endpoint(String url, Path exportDir) {
    if (url == null) {
      return null;
    }
    if (exportDir != null) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--s3-endpoint-url and --export-dir both say where exports go; give one of them");
    }
    java.net.URI uri;
    try {
      uri = new java.net.URI(url.strip());
    } catch (java.net.URISyntaxException e) {
      uri = null;
    }
    if (uri == null
        || uri.getHost() == null
        || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--s3-endpoint-url " + url + ": not an http(s) URL; give one like http://127.0.0.1:5000");
    }
    return uri;
  }

  static Path exportDirectory(Path dir) {
    if (dir != null && !Files.isDirectory(dir)) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--export-dir "
              + dir
              + ": not a directory; create it, and in it a folder for each bucket exports go to");
    }
    return dir;
  }

  static Faults parseFaults(String spec) {
    if (spec == null) {
      return Faults.NONE;
    }
    String text = spec;
    if (spec.startsWith("@")) {
      Path file = Path.of(spec.substring(1));
      try {
        StringBuilder joined = new StringBuilder();
        for (String line : Files.readAllLines(file)) {
          String l = line.replaceAll("#.*", "").trim();
          if (!l.isEmpty()) {
            joined.append(joined.length() == 0 ? "" : ",").append(l);
          }
        }
        text = joined.toString();
      } catch (IOException e) {
        throw new PitrException(
            ErrorCode.USAGE,
            "--faults " + spec + ": cannot read " + file + " (" + e.getMessage() + ")");
      }
    }
    try {
      return Faults.parse(text);
    } catch (IllegalArgumentException e) {
      throw new PitrException(ErrorCode.USAGE, "--faults: " + e.getMessage());
    }
  }
}
