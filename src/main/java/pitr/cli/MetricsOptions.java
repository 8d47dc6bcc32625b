package pitr.cli;

import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import pitr.metrics.MetricsConfig;
import pitr.metrics.MetricsSession;

/**
 * The {@code --metrics} options: a log summary (default), Prometheus on {@code --metrics-port}
 * while the command runs, or CloudWatch EMF lines in {@code --metrics-namespace}.
 */
final class MetricsOptions {
  @Option(
      names = "--metrics",
      paramLabel = "log|prometheus|cloudwatch",
      defaultValue = "log",
      description = "Where meters go (default: ${DEFAULT-VALUE}, a summary line at the end).")
  MetricsConfig.Sink sink = MetricsConfig.Sink.LOG;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      defaultValue = "9400",
      description = "Port for --metrics prometheus (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--metrics-namespace",
      paramLabel = "NS",
      defaultValue = "pitr",
      description = "CloudWatch namespace for --metrics cloudwatch (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Option(
      names = "--progress-interval",
      paramLabel = "DURATION",
      defaultValue = "10s",
      description =
          "How often to print progress when not on a terminal (default: ${DEFAULT-VALUE}).")
  String interval;

  MetricsConfig config() {
    Duration step = RestoreCommand.duration("--progress-interval", interval);
    return new MetricsConfig(sink, port, namespace, step);
  }

  MetricsSession start(CommandSpec spec, String command) {
    boolean terminal = System.console() != null && !Targets.json(spec);
    return MetricsSession.start(config(), spec.commandLine().getErr(), command, terminal);
  }
}
