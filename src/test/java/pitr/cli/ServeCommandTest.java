package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import pitr.TestHttp;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

class ServeCommandTest {
  private static final Pattern LISTENING =
      Pattern.compile("pitr local engine listening on (http://127\\.0\\.0\\.1:\\d+)\n");

  @Test
  void serve_whenPortTaken_exitsWithUsageError() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      CliRun run = new CliRun();

      int code = run.execute("local", "serve", "--port", Integer.toString(port));

      assertThat(code).isEqualTo(2);
      assertThat(run.err())
          .isEqualTo(
              "error: Cannot listen on 127.0.0.1:"
                  + port
                  + ": the port is already in use; stop the process using it or choose another"
                  + " port (0 picks a free one)\n");
      assertThat(run.out()).isEmpty();
    }
  }

  @Test
  void serve_whenPortOutOfRange_exitsWithUsageError() {
    CliRun run = new CliRun();

    int code = run.execute("local", "serve", "--port", "70000");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo("error: --port 70000 is out of range; pass 0-65535 (0 picks a free port)\n");
  }

  @Test
  void serve_listensUntilInterrupted_andAnswersTheSdk() throws Exception {
    CliRun run = new CliRun();
    int[] code = {-1};
    Thread serving = new Thread(() -> code[0] = run.execute("local", "serve", "--port", "0"));
    serving.start();
    try {
      URI endpoint = awaitEndpoint(run, Duration.ofSeconds(30));
      try (DynamoDbAsyncClient client = TestHttp.dynamo(endpoint).build()) {

        assertThat(client.listTables().get(30, TimeUnit.SECONDS).tableNames()).isEmpty();
      }
      assertThat(run.out())
          .isEqualTo(
              "pitr local engine listening on "
                  + endpoint
                  + "\nTry: aws dynamodb list-tables --endpoint-url "
                  + endpoint
                  + "\nPress Ctrl-C to stop.\n");
    } finally {
      serving.interrupt();
      serving.join(30_000);
    }
    assertThat(serving.isAlive()).isFalse();
    assertThat(code[0]).isZero();
  }

  @Test
  void serve_withOutputJson_printsOneJsonDocumentPerStartUpLine_endpointFirst(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    CliRun run = new CliRun();
    java.nio.file.Path data = dir.resolve("data");
    int[] code = {-1};
    Thread serving =
        new Thread(
            () ->
                code[0] =
                    run.execute(
                        "local",
                        "serve",
                        "--port",
                        "0",
                        "--data-dir",
                        data.toString(),
                        "--output",
                        "json"));
    serving.start();
    try {
      String first = awaitLines(run, 1, Duration.ofSeconds(30)).get(0);
      Matcher m =
          Pattern.compile(
                  "\\{\"event\":\"listening\",\"endpoint\":\"(http://127\\.0\\.0\\.1:\\d+)\"}")
              .matcher(first);
      assertThat(m.matches()).as(first).isTrue();
      String endpoint = m.group(1);

      assertThat(run.out())
          .isEqualTo(
              "{\"event\":\"listening\",\"endpoint\":\""
                  + endpoint
                  + "\"}\n{\"event\":\"dataDirectory\",\"path\":\""
                  + data.toAbsolutePath()
                  + "\"}\n{\"event\":\"ready\",\"endpoint\":\""
                  + endpoint
                  + "\"}\n");
      assertThat(run.err()).isEmpty();
    } finally {
      serving.interrupt();
      serving.join(30_000);
    }
    assertThat(serving.isAlive()).isFalse();
    assertThat(code[0]).isZero();
  }

  /** The first {@code count} lines of the output, once that many are printed. */
  static java.util.List<String> awaitLines(CliRun run, int count, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      java.util.List<String> lines = run.out().lines().toList();
      if (lines.size() >= count && run.out().endsWith("\n")) {
        return lines;
      }
      assertThat(run.err()).isEmpty();
      Thread.sleep(20);
    }
    throw new AssertionError("serve printed no line within " + timeout + "; out=" + run.out());
  }

  static URI awaitEndpoint(CliRun run, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Matcher m = LISTENING.matcher(run.out());
      if (m.find()) {
        return URI.create(m.group(1));
      }
      assertThat(run.err()).isEmpty();
      Thread.sleep(20);
    }
    throw new AssertionError("serve printed no endpoint within " + timeout + "; out=" + run.out());
  }

  @Test
  void serve_withUnknownFault_exitsWithUsageErrorNamingTheKnownOnes() {
    CliRun run = new CliRun();

    int code = run.execute("local", "serve", "--port", "0", "--faults", "slow=0.5");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --faults: unknown fault 'slow'; known: throttle, error, latency, delay, drop,"
                + " seed\n");
  }

  @Test
  void serve_withMissingFaultsFile_exitsWithUsageError(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    CliRun run = new CliRun();
    String missing = dir.resolve("faults.conf").toString();

    int code = run.execute("local", "serve", "--port", "0", "--faults", "@" + missing);

    assertThat(code).isEqualTo(2);
    assertThat(run.err()).startsWith("error: --faults @" + missing + ": cannot read " + missing);
  }

  @Test
  void serve_withDataDirThatIsAFile_exitsWithUsageError(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("not-a-dir"), "x");
    CliRun run = new CliRun();

    int code = run.execute("local", "serve", "--port", "0", "--data-dir", file.toString());

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .startsWith("error: --data-dir " + file + ": cannot create data directory");
    assertThat(run.out()).isEmpty();
  }
}
