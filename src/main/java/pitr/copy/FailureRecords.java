package pitr.copy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.ItemJson;
import pitr.files.AtomicFiles;
import reactor.core.publisher.Flux;
import reactor.core.publisher.SynchronousSink;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Reads a failure file ({@link FailureFile}) back, checked before anything is written: every whole
 * line must match its {@link LineCheck}, and the file must hold at least the records its run's
 * checkpoints counted ({@link FailureLog}); more are fine, written after the count was last saved
 * by a process that was then killed. A last line without a line break is the incomplete record of a
 * killed writer and is skipped: the page or chunk its item came from was not checkpointed, so a
 * resume writes that item again.
 *
 * <p>A file in which no line carries a check (made by hand, or by an older pitr) is accepted when
 * every line is a whole failure record; the result says so, because such a file cut at a line
 * boundary cannot be told from a whole one.
 */
final class FailureRecords {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A failure file that passed its checks.
   *
   * @param file the file
   * @param records whole records in it
   * @param torn true when it ends with an incomplete line, which is skipped
   * @param unchecked true when no line carries a check (made by hand or by an older pitr)
   */
  record Checked(Path file, long records, boolean torn, boolean unchecked) {
    /** What the operator should know about the file, or null. */
    String note() {
      if (unchecked) {
        return file
            + " has no line checks (made by hand or by an older pitr): all "
            + records
            + " records in it were read and are whole, but a cut at a line end cannot be seen";
      }
      if (torn) {
        return file
            + " ends with an incomplete line (no line break, not JSON), as a process killed while"
            + " writing leaves; it was skipped: the page its item came from was not checkpointed,"
            + " so a resume of its run writes that item again";
      }
      return null;
    }
  }

  private FailureRecords() {}

  /**
   * Checks {@code file}.
   *
   * @param recorded the records its run's checkpoints counted, or 0 when unknown
   * @param what what the file is, for messages ("--replay file", "Failure file")
   * @param fix what the operator should do when it cannot be trusted
   * @throws PitrException {@link ErrorCode#USAGE} naming the file, the line, the problem and fix
   */
  static Checked check(Path file, long recorded, String what, String fix) {
    boolean endsWithBreak = endsWithLineBreak(file, what, fix);
    long checked = 0;
    long unchecked = 0;
    long firstUnchecked = 0;
    boolean torn = false;
    long n = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line = in.readLine();
      while (line != null) {
        n++;
        String next = in.readLine();
        boolean last = next == null;
        if (!line.isBlank()) {
          LineCheck.Read read = LineCheck.readJson(line);
          if (read.status() == LineCheck.Status.VALID) {
            parse(read.text(), file, n, what, fix);
            checked++;
          } else if (last && !endsWithBreak && !parses(line)) {
            torn = true;
          } else if (read.status() == LineCheck.Status.BAD) {
            throw untrusted(
                file,
                what,
                "line "
                    + n
                    + " does not match its check, so it was cut short or edited after pitr wrote"
                    + " it",
                fix);
          } else {
            parse(line, file, n, what, fix);
            unchecked++;
            firstUnchecked = firstUnchecked == 0 ? n : firstUnchecked;
          }
        }
        line = next;
      }
    } catch (IOException | UncheckedIOException e) {
      throw unreadable(file, what, e instanceof IOException io ? io : (IOException) e.getCause());
    }
    if (checked > 0 && unchecked > 0) {
      throw untrusted(
          file,
          what,
          "line "
              + firstUnchecked
              + " has no check while other lines have one, so it was added or edited by hand",
          fix);
    }
    long records = checked + unchecked;
    if (records < recorded) {
      throw untrusted(
          file,
          what,
          "it holds "
              + records
              + " records where the run's checkpoints counted "
              + recorded
              + ", so records were removed after pitr wrote them",
          fix);
    }
    return new Checked(file, records, torn, checked == 0 && unchecked > 0);
  }

  /**
   * The records of a checked file as writes, read as they are consumed; the incomplete last line of
   * a torn file is left out.
   */
  static Flux<WriteRequest> read(Checked c, String what, String fix) {
    long[] n = {0};
    long[] taken = {0};
    return Flux.using(
        () -> Files.newBufferedReader(c.file(), StandardCharsets.UTF_8),
        in ->
            Flux.<WriteRequest>generate(
                sink -> {
                  try {
                    next(in, c, n, taken, sink, what, fix);
                  } catch (IOException e) {
                    sink.error(unreadable(c.file(), what, e));
                  }
                }),
        in -> {
          try {
            in.close();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  private static void next(
      BufferedReader in,
      Checked c,
      long[] n,
      long[] taken,
      SynchronousSink<WriteRequest> sink,
      String what,
      String fix)
      throws IOException {
    while (taken[0] < c.records()) {
      String line = in.readLine();
      if (line == null) {
        sink.error(untrusted(c.file(), what, "it became shorter while it was read", fix));
        return;
      }
      n[0]++;
      if (line.isBlank()) {
        continue;
      }
      LineCheck.Read read = LineCheck.readJson(line);
      if (c.unchecked()
          ? read.status() != LineCheck.Status.ABSENT
          : read.status() != LineCheck.Status.VALID) {
        sink.error(untrusted(c.file(), what, "line " + n[0] + " changed while it was read", fix));
        return;
      }
      taken[0]++;
      sink.next(parse(read.text(), c.file(), n[0], what, fix));
      return;
    }
    sink.complete();
  }

  /** Marks {@code file} resolved: renames it so that no resume or replay writes it again. */
  static Path resolve(Path file) throws IOException {
    Path target = FailureFile.resolvedName(file);
    try {
      Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(file, target);
    }
    return target;
  }

  /** A failure record as the write it failed. */
  static WriteRequest parse(String line, Path file, long n, String what, String fix) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (IOException e) {
      throw notARecord(file, n, "it is not JSON", what, fix);
    }
    String op = node.path("op").asText();
    String field = "delete".equals(op) ? "key" : "put".equals(op) ? "item" : null;
    if (field == null) {
      throw notARecord(file, n, "its op is neither put nor delete", what, fix);
    }
    if (!node.path(field).isObject() || node.get(field).isEmpty()) {
      throw notARecord(
          file, n, "a " + op + " record needs the \"" + field + "\" object", what, fix);
    }
    try {
      var image = ItemJson.fromNode(node.get(field));
      return "delete".equals(op)
          ? WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(image).build()).build()
          : WriteRequest.builder().putRequest(PutRequest.builder().item(image).build()).build();
    } catch (RuntimeException e) {
      throw notARecord(file, n, e.getMessage(), what, fix);
    }
  }

  private static boolean parses(String line) {
    try {
      JSON.readTree(line);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean endsWithLineBreak(Path file, String what, String fix) {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      if (f.length() == 0) {
        return true;
      }
      f.seek(f.length() - 1);
      return f.read() == '\n';
    } catch (java.io.FileNotFoundException e) {
      if (!Files.exists(file)) {
        throw new PitrException(
            ErrorCode.USAGE, what + " " + file + " does not exist; " + fix + ".");
      }
      throw unreadable(file, what, e);
    } catch (IOException e) {
      throw unreadable(file, what, e);
    }
  }

  private static PitrException notARecord(Path file, long n, String why, String what, String fix) {
    return new PitrException(
        ErrorCode.USAGE,
        what
            + " "
            + file
            + " line "
            + n
            + " is not a failure record: "
            + why
            + "; "
            + fix
            + ". Nothing was changed.");
  }

  static PitrException untrusted(Path file, String what, String why, String fix) {
    return new PitrException(
        ErrorCode.USAGE,
        what + " " + file + " cannot be trusted: " + why + "; " + fix + ". Nothing was changed.");
  }

  private static PitrException unreadable(Path file, String what, IOException e) {
    if (e instanceof NoSuchFileException) {
      return new PitrException(
          ErrorCode.USAGE, what + " " + file + " does not exist. Nothing was changed.", e);
    }
    return new PitrException(
        ErrorCode.USAGE,
        "Cannot read "
            + what
            + " "
            + file
            + ": "
            + AtomicFiles.describe(e)
            + ". Nothing was changed.",
        e);
  }
}
