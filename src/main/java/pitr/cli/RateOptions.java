package pitr.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The caps of {@code copy-back}'s adaptive rate limiters: {@code --max-wcu} ({@link
 * WriteRateOptions}, the one default of every command that writes) and {@code --max-rcu} for its
 * scans.
 */
final class RateOptions {
  @Mixin WriteRateOptions write = WriteRateOptions.liveTable();

  @Option(
      names = "--max-rcu",
      paramLabel = "RCU",
      defaultValue = "0",
      converter = Ranges.ReadUnits.class,
      description =
          "Read capacity units per second at most for the scans, 0-1,000,000; 0 = no cap"
              + " (default: ${DEFAULT-VALUE}).")
  double maxRcu;

  double maxWcu() {
    return write.maxWcu();
  }

  double maxRcu() {
    return maxRcu;
  }
}
