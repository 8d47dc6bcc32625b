package pitr.copy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.files.AtomicFiles;
import pitr.files.SealedLines;

/**
 * One checkpoint file of {@link FileCheckpoints}: a JSON object on one line and its seal ({@link
 * SealedLines}), written atomically and readable by its owner only. Reading it refuses, with {@link
 * ErrorCode#USAGE}, a file that is empty, cut short, edited or lacks a field, naming the file, the
 * problem and the fix the caller gives. A file without a seal, as an older pitr wrote them, is
 * accepted when it is one whole JSON object with every field needed (a cut one never is).
 */
final class CheckpointFile {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WHAT = "Checkpoint";

  private final Path file;
  private final String fix;
  private final JsonNode node;

  private CheckpointFile(Path file, String fix, JsonNode node) {
    this.file = file;
    this.fix = fix;
    this.node = node;
  }

  /** Replaces {@code file} with {@code node}, sealed. */
  static void write(Path file, JsonNode node) throws IOException {
    SealedLines.write(file, List.of(JSON.writeValueAsString(node)));
  }

  /**
   * Reads and checks {@code file}.
   *
   * @param fix what the operator should do when it cannot be trusted
   */
  static CheckpointFile read(Path file, String fix) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new PitrException(ErrorCode.USAGE, WHAT + " " + file + " does not exist; " + fix + ".");
    } catch (IOException e) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Cannot read checkpoint "
              + file
              + ": "
              + AtomicFiles.describe(e)
              + ". Nothing was changed.",
          e);
    }
    if (text.isBlank()) {
      throw broken(file, "it is empty", fix);
    }
    String[] lines = text.split("\n");
    String json;
    if (SealedLines.isSealLine(lines[lines.length - 1])) {
      List<String> sealed = SealedLines.readAll(file, WHAT, fix);
      if (sealed.size() != 1) {
        throw broken(file, "it holds " + sealed.size() + " lines where pitr writes one", fix);
      }
      json = sealed.get(0);
    } else {
      json = text;
    }
    try {
      JsonNode node = JSON.readTree(json);
      if (node == null || !node.isObject()) {
        throw broken(file, "it is not a JSON object", fix);
      }
      return new CheckpointFile(file, fix, node);
    } catch (IOException e) {
      throw broken(
          file, "it is not whole JSON, so it was cut short or edited after pitr wrote it", fix);
    }
  }

  JsonNode node() {
    return node;
  }

  String text(String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw lacks(field, "text");
    }
    return v.asText();
  }

  String optionalText(String field) {
    return node.hasNonNull(field) ? text(field) : null;
  }

  int integer(String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isInt()) {
      throw lacks(field, "a whole number");
    }
    return v.asInt();
  }

  long number(String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
      throw lacks(field, "a whole number");
    }
    return v.asLong();
  }

  boolean bool(String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isBoolean()) {
      throw lacks(field, "true or false");
    }
    return v.asBoolean();
  }

  /** A refusal of this file for {@code why}. */
  PitrException broken(String why) {
    return broken(file, why, fix);
  }

  private PitrException lacks(String field, String kind) {
    return broken("its field \"" + field + "\" is missing or not " + kind);
  }

  static PitrException broken(Path file, String why, String fix) {
    return new PitrException(
        ErrorCode.USAGE,
        WHAT + " " + file + " cannot be trusted: " + why + "; " + fix + ". Nothing was changed.");
  }
}
