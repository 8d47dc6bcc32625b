package pitr.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import pitr.local.http.PortInUseException;

/**
 * {@code pitr local serve}: serves a new in-memory engine over HTTP until interrupted, so the AWS
 * CLI, boto3 or any SDK can use it with {@code --endpoint-url}. Data lives only as long as the
 * process.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the embedded engine on HTTP until interrupted (Ctrl-C).",
      "Data is kept in memory and lost when the process stops, unless --data-dir is given."
    })
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      defaultValue = "8000",
      paramLabel = "PORT",
      description = "Port to listen on; 0 picks a free port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      paramLabel = "HOST",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String host;

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
        "Inject faults: throttle=R,error=R,latency=R,delay=D,drop=R,seed=N (rates 0-1),",
        "or @FILE with one key=value per line (# starts a comment)."
      })
  String faults;

  @Option(
      names = "--restore-duration",
      paramLabel = "DURATION",
      defaultValue = "PT0S",
      description =
          "How long a restored table stays CREATING, ISO-8601 (AWS: 20 min or more; default: ${DEFAULT-VALUE}).")
  Duration restoreDuration;

  @Option(
      names = "--restore-lag",
      paramLabel = "DURATION",
      defaultValue = "PT1S",
      description =
          "How far the latest restorable time trails now, ISO-8601 (AWS: about PT5M; default: ${DEFAULT-VALUE}).")
  Duration restoreLag;

  @Option(
      names = "--burst-seconds",
      defaultValue = "300",
      description =
          "Seconds of unused provisioned capacity a table may bank (DynamoDB: 300; default: ${DEFAULT-VALUE}).")
  long burstSeconds;

  @Option(
      names = "--on-demand-max-wcu",
      defaultValue = "0",
      description =
          "Write units per second an on-demand table may take, e.g. 4000 for a new table or 40000"
              + " for the default quota; 0 for no limit (default: ${DEFAULT-VALUE}).")
  long onDemandMaxWcu;

  @Option(
      names = "--on-demand-max-rcu",
      defaultValue = "0",
      description =
          "Read units per second an on-demand table may take; 0 for no limit (default: ${DEFAULT-VALUE}).")
  long onDemandMaxRcu;

  @Override
  public Integer call() {
    if (port < 0 || port > 65535) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--port " + port + " is out of range; pass 0-65535 (0 picks a free port)");
    }
    EngineConfig config =
        EngineConfig.defaults()
            .withFaults(parseFaults(faults))
            .withRestoreDuration(restoreDuration)
            .withRestoreLag(restoreLag)
            .withBurstSeconds(burstSeconds)
            .withOnDemandCeiling(onDemandMaxRcu, onDemandMaxWcu);
    if (burstSeconds < 0 || onDemandMaxWcu < 0 || onDemandMaxRcu < 0) {
      throw new PitrException(
          ErrorCode.USAGE, "--burst-seconds and --on-demand-max-* must be 0 or more");
    }
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
      server = LocalServer.start(engine, host, port);
    } catch (RuntimeException e) {
      pruner.shutdownNow();
      engine.close();
      if (e instanceof PortInUseException) {
        throw new PitrException(ErrorCode.USAGE, e.getMessage(), e);
      }
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

    PrintWriter out = spec.commandLine().getOut();
    out.println("pitr local engine listening on " + server.endpoint());
    if (dataDir != null) {
      out.println("Data directory: " + dataDir.toAbsolutePath());
    }
    if (!config.faults().isNone()) {
      out.println("Injecting faults: " + config.faults());
    }
    out.println("Try: aws dynamodb list-tables --endpoint-url " + server.endpoint());
    out.println("Press Ctrl-C to stop.");
    out.flush();
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
