package pitr.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The retry budget of commands whose writes go to a failure file when it runs out: {@code
 * --retries} and the hidden {@code --max-backoff}. The variants differ only in what {@code
 * --retries} counts, and so in its description: a single write ({@link PerWrite}, rollback applies)
 * or a batch ({@link PerBatch}, copy-back).
 */
abstract class RetryOptions {
  @Option(
      names = "--max-backoff",
      paramLabel = "DURATION",
      hidden = true,
      defaultValue = "10s",
      converter = Ranges.MaxBackoff.class,
      description = "Longest wait between retries, 1ms-10m (default: ${DEFAULT-VALUE}).")
  Duration maxBackoff;

  /** How many times a write (or batch) is retried before it goes to the failure file. */
  abstract int retries();

  /** {@code --retries} counted per write. */
  static final class PerWrite extends RetryOptions {
    @Option(
        names = "--retries",
        paramLabel = "N",
        defaultValue = "10",
        converter = Ranges.Retries.class,
        description =
            "Retries per write before it goes to the failure file, 0-100 (default:"
                + " ${DEFAULT-VALUE}).")
    int retries;

    @Override
    int retries() {
      return retries;
    }
  }

  /** {@code --retries} counted per batch. */
  static final class PerBatch extends RetryOptions {
    @Option(
        names = "--retries",
        paramLabel = "N",
        defaultValue = "10",
        converter = Ranges.Retries.class,
        description =
            "Retries per batch before items go to the failure file, 0-100 (default:"
                + " ${DEFAULT-VALUE}).")
    int retries;

    @Override
    int retries() {
      return retries;
    }
  }
}
