package pitr.copy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.ItemJson;
import pitr.dynamo.KeySchema;
import pitr.files.AtomicFiles;
import pitr.files.SealedLines;
import reactor.core.publisher.Flux;

/**
 * A {@code --keys} file: one key of the table as JSON a line. Read whole before anything is
 * written, so that a bad line refuses the run.
 *
 * <p>Which files are trusted: a file that ends with a seal ({@code pitr diff --keys-out} writes
 * one) must match it, or it is refused as cut short or edited. A file without a seal is taken as
 * made by hand when every line is a key of the table, and the run says so, since a hand-made file
 * cut at a line end cannot be told from a whole one.
 */
final class KeysFile {
  private static final String WHAT = "--keys file";
  private static final String FIX =
      "make it again with pitr diff --keys-out, or, if you edited it on purpose, remove its last"
          + " line (the seal) to use it as a hand-made file";

  /**
   * A keys file that passed its checks.
   *
   * @param file the file
   * @param keys keys in it
   * @param sealed true when it carries a seal that matched
   */
  record Checked(Path file, long keys, boolean sealed) {
    /** What the operator should know about the file, or null. */
    String note() {
      return sealed
          ? null
          : "--keys "
              + file
              + " has no seal (pitr diff --keys-out writes one), so it was taken as made by hand:"
              + " all "
              + keys
              + " keys in it were read and are keys of the table";
    }
  }

  private KeysFile() {}

  /**
   * Checks every line of {@code file} against {@code schema}, and its seal when it has one.
   *
   * @throws PitrException {@link ErrorCode#USAGE} naming the file, the line and the problem
   */
  static Checked check(Path file, KeySchema schema) {
    if (!Files.isRegularFile(file)) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--keys "
              + file
              + (Files.exists(file) ? " is not a file" : " does not exist")
              + "; pass the file pitr diff --keys-out wrote, or one with a key as JSON a line");
    }
    boolean sealed = sealed(file);
    long n = 0;
    long keys = 0;
    try (Stream<String> lines = read(file, sealed)) {
      for (String line : (Iterable<String>) lines::iterator) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        String problem;
        try {
          problem = schema.problemWith(ItemJson.read(line));
        } catch (IllegalArgumentException e) {
          problem = e.getMessage();
        }
        if (problem != null) {
          throw new PitrException(
              ErrorCode.USAGE,
              "--keys "
                  + file
                  + " line "
                  + n
                  + " is not a key of the table: "
                  + problem
                  + "; each line must be one key as JSON, e.g. "
                  + example(schema));
        }
        keys++;
      }
    } catch (UncheckedIOException e) {
      throw unreadable(file, e.getCause());
    }
    return new Checked(file, keys, sealed);
  }

  /** The non-blank lines of a checked file, read (and for a sealed one, verified) as consumed. */
  static Flux<String> lines(Checked c) {
    return Flux.using(() -> read(c.file(), c.sealed()), Flux::fromStream, Stream::close)
        .filter(line -> !line.isBlank());
  }

  private static Stream<String> read(Path file, boolean sealed) {
    if (sealed) {
      return SealedLines.lines(file, WHAT, FIX);
    }
    try {
      return Files.lines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw unreadable(file, e);
    }
  }

  /** Whether the last line of {@code file} is a seal, reading only its end. */
  private static boolean sealed(Path file) {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      int tail = (int) Math.min(f.length(), 1024);
      byte[] end = new byte[tail];
      f.seek(f.length() - tail);
      f.readFully(end);
      String text = new String(end, StandardCharsets.UTF_8).stripTrailing();
      return SealedLines.isSealLine(text.substring(text.lastIndexOf('\n') + 1));
    } catch (IOException e) {
      throw unreadable(file, e);
    }
  }

  private static PitrException unreadable(Path file, IOException e) {
    return new PitrException(
        ErrorCode.USAGE, "--keys " + file + " cannot be read (" + AtomicFiles.describe(e) + ")", e);
  }

  private static String example(KeySchema schema) {
    StringBuilder b = new StringBuilder("{\"").append(schema.partitionKey()).append("\":{\"");
    b.append(schema.partitionType()).append("\":\"...\"}");
    if (schema.sortKey() != null) {
      b.append(",\"").append(schema.sortKey()).append("\":{\"").append(schema.sortType());
      b.append("\":\"...\"}");
    }
    return b.append('}').toString();
  }
}
