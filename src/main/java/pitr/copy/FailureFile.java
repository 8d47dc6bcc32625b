package pitr.copy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import pitr.dynamo.ItemJson;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Items that could not be written, one JSON object a line: {@code {"table":..,"op":"put","item":
 * {..},"error":".."}} or {@code "op":"delete","key":{..}}. {@code pitr copy-back --replay FILE}
 * writes them again. Created on the first failure, flushed after each record. Thread-safe.
 */
final class FailureFile implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path path;
  private BufferedWriter out;
  private long count;

  FailureFile(Path path) {
    this.path = path;
  }

  Path path() {
    return path;
  }

  synchronized long count() {
    return count;
  }

  synchronized void write(String table, List<WriteRequest> requests, String error) {
    try {
      if (out == null) {
        Files.createDirectories(path.toAbsolutePath().getParent());
        out =
            Files.newBufferedWriter(
                path, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
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
        out.write(JSON.writeValueAsString(n));
        out.newLine();
        count++;
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write failure file " + path, e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (out != null) {
      out.close();
    }
  }
}
