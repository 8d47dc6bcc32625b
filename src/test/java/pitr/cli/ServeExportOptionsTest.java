package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code local serve}'s export options are refused before anything starts. */
class ServeExportOptionsTest {
  @TempDir Path dir;

  @Test
  void serve_withExportDir_saysWhereExportsGo() throws Exception {
    CliRun run = new CliRun();
    Path exports = Files.createDirectories(dir.resolve("exports"));
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
                        "--export-dir",
                        exports.toString(),
                        "--export-min-window",
                        "1m",
                        "--export-duration",
                        "2m"));
    serving.start();
    try {
      java.net.URI endpoint = ServeCommandTest.awaitEndpoint(run, java.time.Duration.ofSeconds(30));
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!run.out().contains("Press Ctrl-C") && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }

      assertThat(run.out())
          .startsWith(
              "pitr local engine listening on "
                  + endpoint
                  + "\nExports go to "
                  + exports.toAbsolutePath()
                  + "/BUCKET\n");
    } finally {
      serving.interrupt();
      serving.join(30_000);
    }
    assertThat(code[0]).isZero();
  }

  @Test
  void serve_withExportDirThatDoesNotExist_exitsWithUsageError() {
    CliRun run = new CliRun();
    Path missing = dir.resolve("exports");

    int code = run.execute("local", "serve", "--port", "0", "--export-dir", missing.toString());

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --export-dir "
                + missing
                + ": not a directory; create it, and in it a folder for each bucket exports go"
                + " to\n");
    assertThat(run.out()).isEmpty();
    assertThat(missing).doesNotExist();
  }

  @Test
  void serve_withBothS3EndpointAndExportDir_exitsWithUsageError() throws Exception {
    CliRun run = new CliRun();
    Files.createDirectories(dir.resolve("exports"));

    int code =
        run.execute(
            "local",
            "serve",
            "--port",
            "0",
            "--s3-endpoint-url",
            "http://127.0.0.1:5000",
            "--export-dir",
            dir.resolve("exports").toString());

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --s3-endpoint-url and --export-dir both say where exports go; give one of"
                + " them\n");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void serve_withS3EndpointThatIsNotAnHttpUrl_exitsWithUsageError() {
    CliRun run = new CliRun();

    int code = run.execute("local", "serve", "--port", "0", "--s3-endpoint-url", "s3.local:5000");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --s3-endpoint-url s3.local:5000: not an http(s) URL; give one like"
                + " http://127.0.0.1:5000\n");
  }

  @Test
  void serve_withExportMinWindowOutOfRange_exitsWithUsageError() {
    CliRun run = new CliRun();

    int code = run.execute("local", "serve", "--port", "0", "--export-min-window", "2d");

    assertThat(code).isEqualTo(2);
    assertThat(run.err()).startsWith("error: --export-min-window").contains("1s-1d");
  }
}
