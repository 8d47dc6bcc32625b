package pitr.local.contract;

import java.net.URI;
import java.nio.file.Files;
import java.util.Optional;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import pitr.dynamo.MotoServer;
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
      return MotoServer.executable().isPresent()
          ? Optional.empty()
          : Optional.of("moto_server is not on PATH");
    }

    @Override
    RunningBackend start() throws Exception {
      MotoServer moto = MotoServer.start(Files.createTempDirectory("contract-moto-"));
      // The hook covers a JVM that exits without closing the JUnit root store.
      Thread hook = new Thread(moto::close, "stop-moto");
      Runtime.getRuntime().addShutdownHook(hook);
      AutoCloseable stop =
          () -> {
            moto.close();
            Runtime.getRuntime().removeShutdownHook(hook);
          };
      return new RunningBackend(
          name(),
          moto.endpoint(),
          false,
          Backend.newClient(moto.endpoint(), Region.US_EAST_1),
          stop);
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
}
