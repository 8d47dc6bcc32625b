package pitr.cli;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The SDK's standard endpoint variables, read from an environment map so tests can inject one:
 * {@code AWS_ENDPOINT_URL_<SERVICE>} (the service id in upper case, spaces as underscores: {@code
 * DYNAMODB}, {@code BATCH}, {@code SCHEDULER}, {@code CLOUDWATCH_LOGS}, {@code CLOUDWATCH}, {@code
 * S3}), else {@code AWS_ENDPOINT_URL}; none when {@code AWS_IGNORE_CONFIGURED_ENDPOINT_URLS} is
 * true. The SDK (2.x) reads the same variables itself when no endpoint is set; pitr resolves them
 * first so that a loopback emulator named by one gets the loopback defaults (region, dummy
 * credentials) too.
 */
final class ServiceEndpoints {
  private ServiceEndpoints() {}

  /** DynamoDB's service id. */
  static final String DYNAMODB = "DynamoDB";

  /** AWS Batch's service id. */
  static final String BATCH = "Batch";

  /** EventBridge Scheduler's service id. */
  static final String SCHEDULER = "Scheduler";

  /** CloudWatch Logs' service id. */
  static final String CLOUDWATCH_LOGS = "CloudWatch Logs";

  /** S3's service id (exports are read from S3). */
  static final String S3 = "S3";

  /** CloudWatch's service id. */
  static final String CLOUDWATCH = "CloudWatch";

  /**
   * An endpoint named by a variable.
   *
   * @param variable the variable's name, for messages
   * @param url its value, trimmed
   */
  record Configured(String variable, String url) {}

  /** The variable that names the endpoint of {@code serviceId} in {@code env}, if any. */
  static Optional<Configured> configured(String serviceId, Map<String, String> env) {
    if ("true".equalsIgnoreCase(value(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"))) {
      return Optional.empty();
    }
    for (String name : new String[] {variable(serviceId), "AWS_ENDPOINT_URL"}) {
      String url = value(env, name);
      if (url != null) {
        return Optional.of(new Configured(name, url));
      }
    }
    return Optional.empty();
  }

  /** E.g. {@code AWS_ENDPOINT_URL_CLOUDWATCH_LOGS} for "CloudWatch Logs". */
  static String variable(String serviceId) {
    return "AWS_ENDPOINT_URL_" + serviceId.toUpperCase(Locale.ROOT).replace(' ', '_');
  }

  private static String value(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.trim();
  }
}
