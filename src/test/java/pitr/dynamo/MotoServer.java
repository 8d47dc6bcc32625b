package pitr.dynamo;

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

/**
 * moto_server as a child process on a free loopback port: a reference backend of the contract
 * tests, and the AWS services other than DynamoDB that some tests need.
 */
public final class MotoServer implements AutoCloseable {
  private final Process process;
  private final URI endpoint;
  private final Path log;

  private MotoServer(Process process, URI endpoint, Path log) {
    this.process = process;
    this.endpoint = endpoint;
    this.log = log;
  }

  /** The moto_server executable on PATH, if any. */
  public static Optional<Path> executable() {
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

  /** Starts moto_server and waits until it answers; the log goes to a file in {@code dir}. */
  public static MotoServer start(Path dir) throws Exception {
    int port = LocalTarget.freePort();
    Path log = dir.resolve("moto.log");
    Process process =
        new ProcessBuilder(
                executable().orElseThrow().toString(), "-H", "127.0.0.1", "-p", "" + port)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    MotoServer moto = new MotoServer(process, URI.create("http://127.0.0.1:" + port), log);
    try {
      moto.awaitAnswer(Duration.ofSeconds(30));
    } catch (Exception e) {
      moto.close();
      throw new IllegalStateException(
          "moto_server did not answer on " + moto.endpoint + "; see " + log, e);
    }
    return moto;
  }

  public URI endpoint() {
    return endpoint;
  }

  private void awaitAnswer(Duration timeout) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException("moto_server exited with " + process.exitValue());
      }
      try {
        http.send(
            HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(2)).GET().build(),
            HttpResponse.BodyHandlers.discarding());
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

  /** Stops the server, politely first: it and its children get five seconds to exit. */
  @Override
  public void close() {
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
