package pitr.cli;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import pitr.metrics.MetricsConfig;
import pitr.metrics.MetricsSession;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;

/**
 * The {@code --metrics} options: a log summary (default), Prometheus on {@code --metrics-port}
 * while the command runs, CloudWatch metrics through PutMetricData, or CloudWatch EMF lines, both
 * in {@code --metrics-namespace}.
 */
final class MetricsOptions {
  @Option(
      names = "--metrics",
      paramLabel = "log|prometheus|cloudwatch|emf",
      defaultValue = "log",
      description =
          "Where meters go (default: ${DEFAULT-VALUE}, a summary line at the end): log,"
              + " prometheus (served on --metrics-port), cloudwatch (PutMetricData every"
              + " --progress-interval and at the end), emf (CloudWatch embedded metric format"
              + " lines on stderr).")
  MetricsConfig.Sink sink = MetricsConfig.Sink.LOG;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      defaultValue = "9400",
      converter = Ranges.Port.class,
      description =
          "Port for --metrics prometheus, 0-65535; 0 picks a free port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--metrics-namespace",
      paramLabel = "NS",
      defaultValue = "pitr",
      description =
          "CloudWatch namespace for --metrics cloudwatch and emf (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Option(
      names = "--metrics-endpoint-url",
      paramLabel = "URL",
      description =
          "Send --metrics cloudwatch to this CloudWatch endpoint, e.g. http://127.0.0.1:5000"
              + " (default: CloudWatch in the region).")
  String endpointUrl;

  @Option(
      names = "--progress-interval",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = Ranges.ProgressInterval.class,
      description =
          "How often to print progress when not on a terminal, and to publish --metrics"
              + " cloudwatch, 100ms-1h (default: ${DEFAULT-VALUE}).")
  Duration interval;

  /**
   * These options as arguments of the same command run elsewhere (a Batch job): those that differ
   * from their defaults.
   */
  java.util.List<String> arguments() {
    java.util.List<String> args = new java.util.ArrayList<>();
    if (sink != MetricsConfig.Sink.LOG) {
      args.addAll(java.util.List.of("--metrics", sink.name().toLowerCase(java.util.Locale.ROOT)));
    }
    if (port != 9400) {
      args.addAll(java.util.List.of("--metrics-port", Integer.toString(port)));
    }
    if (!"pitr".equals(namespace)) {
      args.addAll(java.util.List.of("--metrics-namespace", namespace));
    }
    if (endpointUrl != null) {
      args.addAll(java.util.List.of("--metrics-endpoint-url", endpointUrl));
    }
    if (!interval.equals(Duration.ofSeconds(10))) {
      args.addAll(java.util.List.of("--progress-interval", pitr.dynamo.Durations.format(interval)));
    }
    return args;
  }

  MetricsConfig config() {
    return new MetricsConfig(sink, port, namespace, interval);
  }

  MetricsSession start(CommandSpec spec, String command) {
    return start(spec, command, registry());
  }

  /** The registry a command's meters go to before its session starts; see {@link #start}. */
  MeterRegistry registry() {
    return MetricsSession.registry(config());
  }

  /** Starts the session of {@code command}, with its meters in {@code registry}. */
  MetricsSession start(CommandSpec spec, String command, MeterRegistry registry) {
    boolean terminal = System.console() != null && !Targets.json(spec);
    MetricsConfig config = config();
    URI endpoint =
        endpointUrl == null
            ? null
            : TargetOptions.httpUrl("--metrics-endpoint-url", endpointUrl, "http://127.0.0.1:5000");
    TargetOptions target = PitrCommand.of(spec).target();
    MetricsSession.CloudWatchTarget cloudWatch =
        new MetricsSession.CloudWatchTarget() {
          @Override
          public CloudWatchAsyncClient client() {
            return new AwsClients(target).cloudWatch(endpoint);
          }

          @Override
          public String describe() {
            URI at = new AwsClients(target).endpoint(ServiceEndpoints.CLOUDWATCH, endpoint);
            return at != null
                ? "CloudWatch at " + at
                : "CloudWatch" + (target.region == null ? "" : " in " + target.region);
          }
        };
    return MetricsSession.start(
        config, registry, spec.commandLine().getErr(), command, terminal, cloudWatch);
  }
}
