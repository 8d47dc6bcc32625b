package pitr.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --progress-interval} of a command that shows progress but sends no metrics. */
final class ProgressIntervalOption {
  @Option(
      names = "--progress-interval",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = Ranges.ProgressInterval.class,
      description =
          "How often to print progress (planning scans, applying) when not on a terminal,"
              + " 100ms-1h (default: ${DEFAULT-VALUE}).")
  Duration interval;
}
