package pitr.copy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.util.List;
import java.util.Set;
import pitr.dynamo.ItemJson;
import pitr.files.AtomicFiles;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Items that could not be written, one JSON object a line: {@code {"table":..,"op":"put","item":
 * {..},"error":"..","check":".."}} or {@code "op":"delete","key":{..}}, each line ending with its
 * {@link LineCheck}. {@code pitr copy-back --replay FILE} writes them again, and a resumed run
 * reads back the failure files of the processes before it ({@link FailureRecords}).
 *
 * <p>Created on the first failure, readable by its owner only, appended to and forced to disk after
 * each batch of records, so a record counted is on disk. An existing file is appended to; if its
 * last line was cut short by a killed writer, that incomplete line is removed first (it holds no
 * whole record, and the page or chunk it came from was not checkpointed, so a resume writes its
 * item again). Thread-safe.
 */
final class FailureFile implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RESOLVED = ".resolved";
  private final Path path;
  private FileChannel out;
  private long count;

  FailureFile(Path path) {
    this.path = path;
  }

  Path path() {
    return path;
  }

  /** Records this instance has written. */
  synchronized long count() {
    return count;
  }

  /** Where {@code file} goes once every item in it has been written again. */
  static Path resolvedName(Path file) {
    return file.resolveSibling(file.getFileName() + RESOLVED);
  }

  /**
   * {@code base}, or the first of {@code base} with {@code .2}, {@code .3}, ... before its
   * extension that neither exists nor was resolved: every process of a run gets a failure file of
   * its own.
   */
  static Path fresh(Path base) {
    String name = base.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String ext = dot > 0 ? name.substring(dot) : "";
    Path candidate = base;
    for (int n = 2; Files.exists(candidate) || Files.exists(resolvedName(candidate)); n++) {
      candidate = base.resolveSibling(stem + "." + n + ext);
    }
    return candidate;
  }

  synchronized void write(String table, List<WriteRequest> requests, String error) {
    try {
      StringBuilder lines = new StringBuilder();
      for (WriteRequest w : requests) {
        ObjectNode n = JSON.createObjectNode();
        n.put("table", table);
        if (w.putRequest() != null) {
          n.put("op", "put");
          n.set("item", ItemJson.toNode(w.putRequest().item()));
        } else {
          n.put("op", "delete");
          n.set("key", ItemJson.toNode(w.deleteRequest().key()));
        }
        n.put("error", error);
        lines.append(LineCheck.json(JSON.writeValueAsString(n))).append('\n');
      }
      if (out == null) {
        out = open(path);
      }
      ByteBuffer bytes = StandardCharsets.UTF_8.encode(lines.toString());
      while (bytes.hasRemaining()) {
        out.write(bytes);
      }
      out.force(false);
      count += requests.size();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write failure file " + path + ": " + AtomicFiles.describe(e), e);
    }
  }

  private static FileChannel open(Path path) throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    AtomicFiles.createPrivateDirectories(parent);
    FileAttribute<?>[] ownerOnly = AtomicFiles.ownerOnlyFile(path);
    FileChannel channel =
        FileChannel.open(
            path,
            Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
            ownerOnly);
    try {
      channel.truncate(completeLength(channel));
      channel.position(channel.size());
      return channel;
    } catch (IOException e) {
      channel.close();
      throw e;
    }
  }

  /** The length of the file up to and including its last line break. */
  private static long completeLength(FileChannel channel) throws IOException {
    long end = channel.size();
    ByteBuffer buf = ByteBuffer.allocate(1 << 16);
    while (end > 0) {
      long start = Math.max(0, end - buf.capacity());
      buf.clear().limit((int) (end - start));
      int read = 0;
      while (buf.hasRemaining()) {
        int n = channel.read(buf, start + read);
        if (n < 0) {
          break;
        }
        read += n;
      }
      for (int i = read - 1; i >= 0; i--) {
        if (buf.get(i) == '\n') {
          return start + i + 1;
        }
      }
      end = start;
    }
    return 0;
  }

  @Override
  public synchronized void close() throws IOException {
    if (out != null) {
      out.close();
    }
  }
}
