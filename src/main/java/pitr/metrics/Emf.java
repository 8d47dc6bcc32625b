package pitr.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * CloudWatch embedded metric format: one JSON line holding every counter meter's total, with the
 * command as the only dimension. CloudWatch Logs extracts the metrics into {@code namespace}.
 */
final class Emf {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Emf() {}

  static String line(String namespace, String command, CopyMeters meters, long epochMillis) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode aws = root.putObject("_aws");
    aws.put("Timestamp", epochMillis);
    ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
    directive.put("Namespace", namespace);
    directive.putArray("Dimensions").addArray().add("command");
    ArrayNode metrics = directive.putArray("Metrics");
    root.put("command", command);
    for (Meter m : Meter.values()) {
      if (m == Meter.BATCH_LATENCY || m == Meter.RATE_LIMIT) {
        continue;
      }
      metrics.addObject().put("Name", m.id()).put("Unit", "Count");
      root.put(m.id(), meters.total(m));
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
