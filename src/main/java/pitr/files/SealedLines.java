package pitr.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import pitr.ErrorCode;
import pitr.PitrException;

/**
 * A text file of lines that carries its own integrity: after the last line pitr writes a seal,
 * {@code {"pitrSeal":1,"lines":N,"sha256":"..."}}, with the number of lines before it and the
 * SHA-256 of those lines (each followed by a newline). A file cut short at any point (even at a
 * line boundary), extended or edited by hand no longer matches its seal and is refused before
 * anything acts on it. Written through {@link AtomicFiles}, so it is also whole or absent.
 */
public final class SealedLines {
  static final String SEAL_FIELD = "pitrSeal";
  private static final ObjectMapper JSON = new ObjectMapper();

  private SealedLines() {}

  /** Receives the lines of a sealed file, one at a time, without newlines. */
  @FunctionalInterface
  public interface Sink {
    void line(String line) throws IOException;
  }

  /** Writes the lines of a sealed file into a {@link Sink}. */
  @FunctionalInterface
  public interface Body {
    void writeTo(Sink sink) throws IOException;
  }

  /** What the seal of a verified file says: how many lines, and their digest. */
  public record Seal(long lines, String sha256) {}

  /**
   * Replaces {@code file} with the lines {@code body} writes and their seal, atomically, durably
   * and readable by the owner only.
   *
   * @return the seal written
   */
  public static Seal write(Path file, Body body) throws IOException {
    Seal[] seal = new Seal[1];
    AtomicFiles.write(
        file,
        out -> {
          MessageDigest digest = sha256();
          long[] n = {0};
          body.writeTo(
              line -> {
                if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
                  throw new IllegalArgumentException("a sealed line holds a line break");
                }
                update(digest, line);
                out.write(line);
                out.write('\n');
                n[0]++;
              });
          seal[0] = new Seal(n[0], HexFormat.of().formatHex(digest.digest()));
          out.write(sealLine(seal[0]));
          out.write('\n');
        });
    return seal[0];
  }

  /** Replaces {@code file} with {@code lines} and their seal. */
  public static Seal write(Path file, List<String> lines) throws IOException {
    return write(
        file,
        sink -> {
          for (String line : lines) {
            sink.line(line);
          }
        });
  }

  /**
   * Checks {@code file} against its seal, reading it once.
   *
   * @param what what the file is, for messages ("Rollback plan", "Checkpoint")
   * @param fix what the operator should do when it does not match
   * @throws PitrException {@link ErrorCode#USAGE} naming the file, what is wrong and the fix
   */
  public static Seal verify(Path file, String what, String fix) {
    return scan(file, what, fix, null);
  }

  /**
   * The lines of {@code file} before its seal, after checking the seal; for small files.
   *
   * @throws PitrException as {@link #verify}
   */
  public static List<String> readAll(Path file, String what, String fix) {
    List<String> lines = new ArrayList<>();
    scan(file, what, fix, lines);
    return lines;
  }

  /**
   * Streams the lines of {@code file} before its seal, after checking the whole file against the
   * seal; for files too large to hold. Close the stream.
   *
   * @throws PitrException as {@link #verify}
   */
  public static Stream<String> lines(Path file, String what, String fix) {
    Seal seal = verify(file, what, fix);
    try {
      return Files.lines(file, StandardCharsets.UTF_8).limit(seal.lines());
    } catch (IOException e) {
      throw unreadable(file, what, e);
    }
  }

  /** Whether {@code file} ends with a seal line, without checking it: to tell old files apart. */
  public static boolean isSealLine(String line) {
    return line != null && line.startsWith("{\"" + SEAL_FIELD + "\":");
  }

  private static Seal scan(Path file, String what, String fix, List<String> keep) {
    MessageDigest digest = sha256();
    String previous = null;
    long n = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        if (previous != null) {
          update(digest, previous);
          if (keep != null) {
            keep.add(previous);
          }
          n++;
        }
        previous = line;
      }
    } catch (NoSuchFileException e) {
      throw new PitrException(ErrorCode.USAGE, what + " " + file + " does not exist; " + fix + ".");
    } catch (IOException | UncheckedIOException e) {
      IOException io = e instanceof IOException x ? x : ((UncheckedIOException) e).getCause();
      throw unreadable(file, what, io);
    }
    Seal seal = parseSeal(previous);
    if (seal == null) {
      throw broken(
          file,
          what,
          previous == null
              ? "it is empty"
              : "it does not end with the seal line pitr writes last, so it was cut short,"
                  + " edited, or not written by pitr",
          fix);
    }
    if (seal.lines() != n) {
      throw broken(
          file,
          what,
          "it holds "
              + n
              + " lines where its seal says "
              + seal.lines()
              + ", so lines were"
              + " removed or added after pitr wrote it",
          fix);
    }
    if (!HexFormat.of().formatHex(digest.digest()).equals(seal.sha256())) {
      throw broken(
          file,
          what,
          "its content does not match the SHA-256 in its seal, so it was edited after pitr wrote"
              + " it",
          fix);
    }
    return seal;
  }

  private static Seal parseSeal(String line) {
    if (!isSealLine(line)) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(line);
      if (node.path(SEAL_FIELD).asInt() != 1
          || !node.path("lines").canConvertToLong()
          || !node.path("sha256").isTextual()) {
        return null;
      }
      return new Seal(node.get("lines").asLong(), node.get("sha256").asText());
    } catch (IOException e) {
      return null;
    }
  }

  private static String sealLine(Seal seal) {
    return "{\""
        + SEAL_FIELD
        + "\":1,\"lines\":"
        + seal.lines()
        + ",\"sha256\":\""
        + seal.sha256()
        + "\"}";
  }

  private static PitrException broken(Path file, String what, String why, String fix) {
    return new PitrException(
        ErrorCode.USAGE,
        what + " " + file + " cannot be trusted: " + why + "; " + fix + ". Nothing was changed.");
  }

  private static PitrException unreadable(Path file, String what, IOException e) {
    return new PitrException(
        ErrorCode.USAGE,
        "Cannot read "
            + what.toLowerCase(java.util.Locale.ROOT)
            + " "
            + file
            + ": "
            + AtomicFiles.describe(e)
            + ". Nothing was changed.",
        e);
  }

  static MessageDigest sha256() {
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
}
