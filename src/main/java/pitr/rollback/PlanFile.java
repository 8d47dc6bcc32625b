package pitr.rollback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.migrate.DynamoJson;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A saved rollback plan: JSON lines, a header line first, then one line per item, images in
 * DynamoDB JSON.
 *
 * <pre>
 * {"pitrRollbackPlan":1,"table":"orders","to":"...","incidentEnd":null,"scope":"table",
 *  "createdAt":"...","counts":{"RESTORE":3,...},"estimatedWcu":3.0}
 * {"action":"RESTORE","conflict":false,"key":{...},"image":{...},"expected":{...}}
 * </pre>
 *
 * <p>{@code image} is what the item becomes (absent for a delete or a kept item); {@code expected}
 * is the live image the plan saw (absent when the item did not exist): the write happens only if
 * the item is still exactly that.
 */
public final class PlanFile {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int VERSION = 1;

  private PlanFile() {}

  /** Writes {@code plan} to {@code file}, replacing it. */
  public static void write(RollbackPlan plan, Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        ObjectNode header = JSON.createObjectNode();
        header.put("pitrRollbackPlan", VERSION);
        header.put("table", plan.table());
        header.put("to", plan.to().toString());
        header.put(
            "incidentEnd", plan.incidentEnd() == null ? null : plan.incidentEnd().toString());
        header.put("scope", plan.scope());
        header.put("createdAt", plan.createdAt().toString());
        ObjectNode counts = header.putObject("counts");
        plan.counts().forEach((a, n) -> counts.put(a.name(), n));
        header.put("estimatedWcu", plan.estimatedWcu());
        out.write(JSON.writeValueAsString(header));
        out.newLine();
        for (PlanItem i : plan.items()) {
          ObjectNode line = JSON.createObjectNode();
          line.put("action", i.action().name());
          line.put("conflict", i.conflict());
          line.set("key", DynamoJson.toJson(i.key()));
          if (i.image() != null) {
            line.set("image", DynamoJson.toJson(i.image()));
          }
          if (i.expected() != null) {
            line.set("expected", DynamoJson.toJson(i.expected()));
          }
          out.write(JSON.writeValueAsString(line));
          out.newLine();
        }
      }
    } catch (IOException e) {
      throw new PitrException(
          ErrorCode.FAILED,
          "Cannot write rollback plan " + file + ": " + e.getMessage() + "; check the folder",
          e);
    }
  }

  /**
   * Reads a plan {@link #write} saved.
   *
   * @throws PitrException {@link ErrorCode#USAGE} naming the line that is not valid
   */
  public static RollbackPlan read(Path file) {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String first = in.readLine();
      JsonNode header = first == null ? null : JSON.readTree(first);
      if (header == null || header.path("pitrRollbackPlan").asInt() != VERSION) {
        throw invalid(
            file, 1, "no plan header; make the plan with 'pitr rollback ... --plan FILE'");
      }
      List<PlanItem> items = new ArrayList<>();
      String line;
      int n = 1;
      while ((line = in.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        try {
          JsonNode node = JSON.readTree(line);
          items.add(
              new PlanItem(
                  DynamoJson.item(node.get("key")),
                  Action.valueOf(node.path("action").asText()),
                  image(node.get("image")),
                  image(node.get("expected")),
                  node.path("conflict").asBoolean()));
        } catch (IOException | RuntimeException e) {
          throw invalid(file, n, e.getMessage());
        }
      }
      return new RollbackPlan(
          header.path("table").asText(),
          Instant.parse(header.path("to").asText()),
          header.hasNonNull("incidentEnd")
              ? Instant.parse(header.get("incidentEnd").asText())
              : null,
          header.path("scope").asText(),
          Instant.parse(header.path("createdAt").asText()),
          items);
    } catch (NoSuchFileException e) {
      throw new PitrException(
          ErrorCode.USAGE, "Rollback plan " + file + " does not exist; make one with --plan FILE");
    } catch (IOException e) {
      throw new PitrException(
          ErrorCode.USAGE, "Cannot read rollback plan " + file + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, AttributeValue> image(JsonNode node) {
    return node == null || node.isNull() ? null : DynamoJson.item(node);
  }

  private static PitrException invalid(Path file, int line, String why) {
    return new PitrException(
        ErrorCode.USAGE, "Rollback plan " + file + " line " + line + " is not valid: " + why);
  }
}
