package pitr.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.local.LocalEngine;
import pitr.local.http.LocalServer;

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
      "Data is kept in memory and lost when the process stops."
    })
final class ServeCommand implements Callable<Integer> {
  // Room for --data-dir (persistent store) and --faults (fault injection) when the engine has them.

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

  @Override
  public Integer call() {
    if (port < 0 || port > 65535) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--port " + port + " is out of range; pass 0-65535 (0 picks a free port)");
    }
    LocalEngine engine = LocalEngine.create();
    LocalServer server;
    try {
      server = LocalServer.start(engine, host, port);
    } catch (RuntimeException e) {
      engine.close();
      throw e;
    }
    AtomicBoolean closed = new AtomicBoolean();
    Runnable close =
        () -> {
          if (closed.compareAndSet(false, true)) {
            server.close();
            engine.close();
          }
        };
    Thread hook = new Thread(close, "pitr-local-serve-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);

    PrintWriter out = spec.commandLine().getOut();
    out.println("pitr local engine listening on " + server.endpoint());
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
}
