package pitr.cli;

import picocli.CommandLine.Option;

/** The {@code --max-wcu} and {@code --max-rcu} options: caps for the adaptive rate limiters. */
final class RateOptions {
  @Option(
      names = "--max-wcu",
      paramLabel = "UNITS",
      defaultValue = "0",
      description =
          "Write capacity units per second at most; the rate halves on throttling and climbs back"
              + " (default: no cap, adaptive only).")
  double maxWcu;

  @Option(
      names = "--max-rcu",
      paramLabel = "UNITS",
      defaultValue = "0",
      description = "Read capacity units per second at most for scans (default: no cap).")
  double maxRcu;
}
