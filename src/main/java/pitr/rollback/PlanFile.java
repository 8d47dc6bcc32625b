package pitr.rollback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.files.AtomicFiles;
import pitr.files.SealedLines;
import pitr.migrate.DynamoJson;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A saved rollback plan: JSON lines, a header line first, then one line per item, images in
 * DynamoDB JSON, then the seal that {@link SealedLines} writes last (line count and SHA-256).
 *
 * <pre>
 * {"pitrRollbackPlan":2,"table":"orders","to":"...","incidentEnd":null,"scope":"table",
 *  "createdAt":"...","counts":{"RESTORE":3,...},"estimatedWcu":3.0,"recoveryTables":[...]}
 * {"action":"RESTORE","conflict":false,"key":{...},"image":{...},"expected":{...}}
 * {"pitrSeal":1,"lines":4,"sha256":"..."}
 * </pre>
 *
 * <p>{@code image} is what the item becomes (absent for a delete or a kept item); {@code expected}
 * is the live image the plan saw (absent when the item did not exist): the write happens only if
 * the item is still exactly that. {@code recoveryTables} (optional) names recovery tables made for
 * the plan that were kept when it was saved; applying the plan drops them unless {@code --keep}.
 *
 * <p>A plan is written whole or not at all, readable by its owner only. {@link #read} refuses,
 * before anything acts on it, a plan cut short (even at a line boundary), edited by hand, or made
 * by a pitr of format 1 (which had no seal), and names a line that is not a valid item; the plan it
 * returns streams its items from the file.
 */
public final class PlanFile {
  static final ObjectMapper JSON = new ObjectMapper();

  /** Format 2: sealed. Format 1 (no seal) is refused: a cut plan could not be told apart. */
  static final int VERSION = 2;

  /** What the operator does about a plan that cannot be used. */
  static final String FIX = "make the plan again with 'pitr rollback ... --plan FILE'";

  private static final String WHAT = "Rollback plan";

  private PlanFile() {}

  /**
   * Writes {@code plan} to {@code file}, replacing it atomically and sealed.
   *
   * @throws PitrException {@link ErrorCode#FAILED} when it cannot be written; {@code file} is then
   *     unchanged
   */
  public static void write(RollbackPlan plan, Path file) {
    try {
      SealedLines.write(
          file,
          sink -> {
            sink.line(JSON.writeValueAsString(header(plan)));
            try (Stream<String> lines = plan.itemLines()) {
              Iterator<String> it = lines.iterator();
              while (it.hasNext()) {
                sink.line(it.next());
              }
            }
          });
    } catch (IOException | UncheckedIOException e) {
      IOException io = e instanceof IOException x ? x : ((UncheckedIOException) e).getCause();
      throw new PitrException(
          ErrorCode.FAILED,
          "Cannot write rollback plan "
              + file
              + ": "
              + AtomicFiles.describe(io)
              + "; check the folder, or pass another --plan FILE",
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
   * @throws IllegalArgumentException saying what is wrong when the line is not an item
   */
  static PlanItem item(String line) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("it is not JSON (" + e.getOriginalMessage() + ")", e);
    }
    if (node == null || !node.hasNonNull("key") || !node.hasNonNull("action")) {
      throw new IllegalArgumentException("an item needs \"action\" and \"key\"");
    }
    Action action = action(node.get("action").asText());
    Map<String, AttributeValue> image = image(node.get("image"));
    if (action == Action.RESTORE && image == null) {
      throw new IllegalArgumentException("a RESTORE item needs the \"image\" to restore");
    }
    return new PlanItem(
        DynamoJson.item(node.get("key")),
        action,
        image,
        image(node.get("expected")),
        node.path("conflict").asBoolean());
  }

  private static Action action(String text) {
    for (Action a : Action.values()) {
      if (a.name().equals(text)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "action \""
            + text
            + "\" is not one of "
            + String.join(", ", Arrays.stream(Action.values()).map(Action::name).toList()));
  }

  /**
   * Reads a plan {@link #write} saved, after checking it against its seal and checking every line;
   * the plan streams its items from the file, which must stay in place until it is applied.
   *
   * @throws PitrException {@link ErrorCode#USAGE} naming the file, what is wrong (missing, a
   *     folder, format 1, cut short or edited, or the line that is not valid) and the fix
   */
  public static RollbackPlan read(Path file) {
    return read(file, FIX);
  }

  /** As {@link #read(Path)}, with {@code fix} as what messages tell the operator to do. */
  static RollbackPlan read(Path file, String fix) {
    JsonNode header = header(file, fix);
    SealedLines.Seal seal = SealedLines.verify(file, WHAT, fix);
    PlanSummary summary = new PlanSummary();
    try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
      Iterator<String> it = lines.limit(seal.lines()).iterator();
      it.next();
      long n = 1;
      while (it.hasNext()) {
        String line = it.next();
        n++;
        if (line.isBlank()) {
          continue;
        }
        try {
          summary.add(item(line));
        } catch (RuntimeException e) {
          throw invalid(file, n, e.getMessage() == null ? e.toString() : e.getMessage(), fix);
        }
      }
    } catch (IOException | UncheckedIOException e) {
      IOException io = e instanceof IOException x ? x : ((UncheckedIOException) e).getCause();
      throw unreadable(file, io);
    }
    List<String> recoveryTables = new ArrayList<>();
    header.path("recoveryTables").forEach(t -> recoveryTables.add(t.asText()));
    try {
      return RollbackPlan.inFile(
          header.get("table").asText(),
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
          seal.lines() - 1,
          seal.sha256());
    } catch (RuntimeException e) {
      throw invalid(file, 1, e.getMessage(), fix);
    }
  }

  /** The header of {@code file}, read before its seal so a plan of format 1 is told apart. */
  private static JsonNode header(Path file, String fix) {
    if (Files.isDirectory(file)) {
      throw new PitrException(
          ErrorCode.USAGE,
          WHAT
              + " "
              + file
              + " is a folder; name the plan file that 'pitr rollback ... --plan FILE' saved");
    }
    String first;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      first = in.readLine();
    } catch (NoSuchFileException e) {
      throw new PitrException(
          ErrorCode.USAGE,
          WHAT + " " + file + " does not exist; check the path, or make one with --plan FILE");
    } catch (IOException | UncheckedIOException e) {
      IOException io = e instanceof IOException x ? x : ((UncheckedIOException) e).getCause();
      throw unreadable(file, io);
    }
    JsonNode header;
    try {
      header = first == null ? null : JSON.readTree(first);
    } catch (IOException e) {
      header = null;
    }
    if (header == null || !header.path("pitrRollbackPlan").isInt()) {
      throw invalid(file, 1, "it is not a plan header", fix);
    }
    int version = header.get("pitrRollbackPlan").asInt();
    if (version == 1) {
      throw new PitrException(
          ErrorCode.USAGE,
          WHAT
              + " "
              + file
              + " was made by an earlier pitr, in format 1, which has no seal: a copy cut short"
              + " could not be told from the whole plan; "
              + fix
              + ". Nothing was changed.");
    }
    if (version != VERSION) {
      throw new PitrException(
          ErrorCode.USAGE,
          WHAT
              + " "
              + file
              + " is in format "
              + version
              + ", which this pitr does not read (it reads format "
              + VERSION
              + "); apply it with the pitr that made it, or "
              + fix
              + ". Nothing was changed.");
    }
    if (!header.path("table").isTextual() || header.get("table").asText().isEmpty()) {
      throw invalid(file, 1, "the header names no table", fix);
    }
    return header;
  }

  private static Map<String, AttributeValue> image(JsonNode node) {
    return node == null || node.isNull() ? null : DynamoJson.item(node);
  }

  private static PitrException invalid(Path file, long line, String why, String fix) {
    return new PitrException(
        ErrorCode.USAGE,
        WHAT
            + " "
            + file
            + " line "
            + line
            + " is not valid: "
            + why
            + "; "
            + fix
            + ". Nothing was changed.");
  }

  private static PitrException unreadable(Path file, IOException e) {
    return new PitrException(
        ErrorCode.USAGE,
        "Cannot read rollback plan "
            + file
            + ": "
            + AtomicFiles.describe(e)
            + ". Nothing was changed.",
        e);
  }
}
