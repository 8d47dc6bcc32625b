package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child process whose output goes to files, to be killed with SIGKILL: the real process of the
 * tests that kill pitr mid-run (its command line from {@link ChildJvm}).
 */
record Child(Process process, Path logs) {
  /** Starts {@code command}, its output in {@code logs/out} and {@code logs/err}. */
  static Child start(List<String> command, Path logs) throws IOException {
    return start(command, Map.of(), logs);
  }

  /** Starts {@code command} with {@code env} added to its environment. */
  static Child start(List<String> command, Map<String, String> env, Path logs) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectOutput(logs.resolve("out").toFile())
            .redirectError(logs.resolve("err").toFile());
    builder.environment().putAll(env);
    return new Child(builder.start(), logs);
  }

  String output() throws IOException {
    return Files.readString(logs.resolve("out")) + Files.readString(logs.resolve("err"));
  }

  String match(Pattern pattern) throws IOException {
    Matcher m = pattern.matcher(output());
    return m.find() ? m.group(1) : null;
  }

  String endpoint(int port) {
    return "http://127.0.0.1:" + port;
  }

  /**
   * Kills the process with SIGKILL as soon as {@code progress} reaches {@code at} (or when it ends
   * by itself), and returns the progress at the kill.
   */
  long killWhen(LongSupplier progress, long at) throws Exception {
    try {
      Poll.until(
          Duration.ofSeconds(120),
          "progress " + at + " before the kill",
          () -> !process.isAlive() || progress.getAsLong() >= at);
      kill();
    } finally {
      process.destroyForcibly();
    }
    return progress.getAsLong();
  }

  /** Waits up to {@code timeout} for the process to end by itself, and checks that it exited 0. */
  void awaitSuccess(Duration timeout) throws Exception {
    assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
        .as("ended: " + output())
        .isTrue();
    assertThat(process.exitValue()).as(output()).isZero();
  }

  void kill() throws Exception {
    process.destroyForcibly();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }
}
