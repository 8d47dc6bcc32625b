package pitr.rollback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
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
 *  "createdAt":"...","counts":{"RESTORE":3,...},"estimatedWcu":3.0,"recoveryTables":[...]}
 * {"action":"RESTORE","conflict":false,"key":{...},"image":{...},"expected":{...}}
 * </pre>
 *
 * <p>{@code image} is what the item becomes (absent for a delete or a kept item); {@code expected}
 * is the live image the plan saw (absent when the item did not exist): the write happens only if
 * the item is still exactly that. {@code recoveryTables} (optional) names recovery tables made for
 * the plan that were kept when it was saved; applying the plan drops them unless {@code --keep}.
 * Plans written before that field existed read the same.
 *
 * <p>Files are written to a temporary sibling and moved into place, and read one line at a time:
 * {@link #read} checks every line and returns a plan that streams its items from the file.
 */
public final class PlanFile {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int VERSION = 1;

  private PlanFile() {}

  /** Writes {@code plan} to {@code file}, replacing it. */
  public static void write(RollbackPlan plan, Path file) {
    Path tmp = null;
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      tmp = file.resolveSibling(file.getFileName() + ".tmp");
      try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
          Stream<String> lines = plan.itemLines()) {
        out.write(JSON.writeValueAsString(header(plan)));
        out.newLine();
        Iterator<String> it = lines.iterator();
        while (it.hasNext()) {
          out.write(it.next());
          out.newLine();
        }
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | UncheckedIOException e) {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // The message below names the problem; a leftover temporary file is harmless.
        }
      }
      throw new PitrException(
          ErrorCode.FAILED,
          "Cannot write rollback plan " + file + ": " + e.getMessage() + "; check the folder",
          e);
    }
  }

  private static ObjectNode header(RollbackPlan plan) {
    ObjectNode header = JSON.createObjectNode();
    header.put("pitrRollbackPlan", VERSION);
    header.put("table", plan.table());
    header.put("to", plan.to().toString());
    header.put("incidentEnd", plan.incidentEnd() == null ? null : plan.incidentEnd().toString());
    header.put("scope", plan.scope());
    header.put("createdAt", plan.createdAt().toString());
    ObjectNode counts = header.putObject("counts");
    plan.counts().forEach((a, n) -> counts.put(a.name(), n));
    header.put("estimatedWcu", plan.estimatedWcu());
    if (!plan.recoveryTables().isEmpty()) {
      ArrayNode tables = header.putArray("recoveryTables");
      plan.recoveryTables().forEach(tables::add);
    }
    return header;
  }

  /** One item as a line of the file. */
  static String line(PlanItem i) {
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
    try {
      return JSON.writeValueAsString(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * One item from its line.
   *
   * @throws IllegalArgumentException when the line is not an item
   */
  static PlanItem item(String line) {
    try {
      JsonNode node = JSON.readTree(line);
      if (node == null || !node.hasNonNull("key") || !node.hasNonNull("action")) {
        throw new IllegalArgumentException("an item needs \"action\" and \"key\"");
      }
      return new PlanItem(
          DynamoJson.item(node.get("key")),
          Action.valueOf(node.path("action").asText()),
          image(node.get("image")),
          image(node.get("expected")),
          node.path("conflict").asBoolean());
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * Reads a plan {@link #write} saved, checking every line; the plan streams its items from the
   * file, which must stay in place until the plan is applied.
   *
   * @throws PitrException {@link ErrorCode#USAGE} naming the line that is not valid
   */
  public static RollbackPlan read(Path file) {
    MessageDigest digest = sha256();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String first = in.readLine();
      JsonNode header;
      try {
        header = first == null ? null : JSON.readTree(first);
      } catch (IOException e) {
        header = null;
      }
      if (header == null || header.path("pitrRollbackPlan").asInt() != VERSION) {
        throw invalid(
            file, 1, "no plan header; make the plan with 'pitr rollback ... --plan FILE'");
      }
      update(digest, first);
      PlanSummary summary = new PlanSummary();
      String line;
      int n = 1;
      while ((line = in.readLine()) != null) {
        n++;
        update(digest, line);
        if (line.isBlank()) {
          continue;
        }
        try {
          summary.add(item(line));
        } catch (RuntimeException e) {
          throw invalid(file, n, e.getMessage());
        }
      }
      List<String> recoveryTables = new ArrayList<>();
      header.path("recoveryTables").forEach(t -> recoveryTables.add(t.asText()));
      try {
        return RollbackPlan.inFile(
            header.path("table").asText(),
            Instant.parse(header.path("to").asText()),
            header.hasNonNull("incidentEnd")
                ? Instant.parse(header.get("incidentEnd").asText())
                : null,
            header.path("scope").asText(),
            Instant.parse(header.path("createdAt").asText()),
            recoveryTables,
            summary,
            file,
            1,
            HexFormat.of().formatHex(digest.digest()));
      } catch (RuntimeException e) {
        throw invalid(file, 1, e.getMessage());
      }
    } catch (NoSuchFileException e) {
      throw new PitrException(
          ErrorCode.USAGE, "Rollback plan " + file + " does not exist; make one with --plan FILE");
    } catch (IOException e) {
      throw new PitrException(
          ErrorCode.USAGE, "Cannot read rollback plan " + file + ": " + e.getMessage(), e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static void update(MessageDigest digest, String line) {
    digest.update(line.getBytes(StandardCharsets.UTF_8));
    digest.update((byte) '\n');
  }

  private static Map<String, AttributeValue> image(JsonNode node) {
    return node == null || node.isNull() ? null : DynamoJson.item(node);
  }

  private static PitrException invalid(Path file, int line, String why) {
    return new PitrException(
        ErrorCode.USAGE, "Rollback plan " + file + " line " + line + " is not valid: " + why);
  }
}
