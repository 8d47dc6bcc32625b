package pitr.local.contract;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import pitr.dynamo.LocalTarget;
import pitr.local.LocalEngine;
import pitr.local.http.LocalServer;
import software.amazon.awssdk.regions.Region;

/** The backends the suite knows: how to tell whether each is present and how to start it. */
enum BackendKind {

  /** The embedded engine behind its loopback HTTP server; always present. */
  EMBEDDED("embedded", true) {
    @Override
    Optional<String> absence() {
      return Optional.empty();
    }

    @Override
    RunningBackend start() {
      LocalEngine engine = LocalEngine.create();
      LocalServer server;
      try {
        server = LocalServer.start(engine, "127.0.0.1", 0);
      } catch (RuntimeException e) {
        engine.close();
        throw e;
      }
      AutoCloseable stop =
          () -> {
            try {
              server.close();
            } finally {
              engine.close();
            }
          };
      URI endpoint = server.endpoint();
      return new RunningBackend(
          name(), endpoint, true, Backend.newClient(endpoint, Region.US_EAST_1), stop);
    }
  },

  /** moto_server as a child process, when the executable is on PATH. */
  MOTO("moto", false) {
    @Override
    Optional<String> absence() {
      return motoExecutable().isPresent()
          ? Optional.empty()
          : Optional.of("moto_server is not on PATH");
    }

    @Override
    RunningBackend start() throws Exception {
      int port = LocalTarget.freePort();
      Path log = Files.createTempFile("contract-moto-", ".log");
      Process process =
          new ProcessBuilder(
                  motoExecutable().orElseThrow().toString(),
                  "-H",
                  "127.0.0.1",
                  "-p",
                  Integer.toString(port))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      // The hook covers a JVM that exits without closing the JUnit root store.
      Thread hook = new Thread(() -> stopProcess(process), "stop-moto");
      Runtime.getRuntime().addShutdownHook(hook);
      AutoCloseable stop =
          () -> {
            stopProcess(process);
            Runtime.getRuntime().removeShutdownHook(hook);
          };
      URI endpoint = URI.create("http://127.0.0.1:" + port);
      try {
        awaitHttp(endpoint, process, Duration.ofSeconds(30));
      } catch (Exception e) {
        stopProcess(process);
        throw new IllegalStateException(
            "moto_server did not answer on " + endpoint + "; see " + log, e);
      }
      return new RunningBackend(
          name(), endpoint, false, Backend.newClient(endpoint, Region.US_EAST_1), stop);
    }
  },

  /** LocalStack in a Testcontainers container, only where a Docker engine is reachable. */
  LOCALSTACK("localstack", false) {
    @Override
    Optional<String> absence() {
      return DockerClientFactory.instance().isDockerAvailable()
          ? Optional.empty()
          : Optional.of("no Docker engine for the LocalStack container");
    }

    @Override
    RunningBackend start() {
      LocalStackContainer container =
          new LocalStackContainer(DockerImageName.parse("localstack/localstack:3"))
              .withServices("dynamodb");
      container.start();
      URI endpoint = container.getEndpoint();
      return new RunningBackend(
          name(),
          endpoint,
          false,
          Backend.newClient(endpoint, Region.of(container.getRegion())),
          container::stop);
    }
  };

  private final String displayName;
  private final boolean reference;

  BackendKind(String displayName, boolean reference) {
    this.displayName = displayName;
    this.reference = reference;
  }

  /** Name shown in test display names. */
  String displayName() {
    return displayName;
  }

  boolean isReference() {
    return reference;
  }

  /** Why this backend cannot run here, or empty when it can. */
  abstract Optional<String> absence();

  /** Starts the backend; called at most once per run. */
  abstract RunningBackend start() throws Exception;

  private static Optional<Path> motoExecutable() {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "moto_server");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static void awaitHttp(URI endpoint, Process process, Duration timeout)
      throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException("process exited with " + process.exitValue());
      }
      try {
        http.send(
            HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(2)).GET().build(),
            HttpResponse.BodyHandlers.discarding());
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("no answer within " + timeout, e);
        }
        Thread.sleep(100);
      }
    }
  }

  private static void stopProcess(Process process) {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
