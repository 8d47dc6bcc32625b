package pitr.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reads an export's objects back for the tests, checking what DynamoDB's format promises: the
 * summary names manifest-files.json, each data file's MD5 and item count match its line there.
 */
final class ExportFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  final JsonNode summary;
  final List<JsonNode> lines = new ArrayList<>();

  /** Reads the export whose manifest-summary.json is at {@code summaryKey}. */
  ExportFiles(Function<String, byte[]> objects, String summaryKey) {
    try {
      summary = JSON.readTree(objects.apply(summaryKey));
      String root = summaryKey.substring(0, summaryKey.lastIndexOf('/') + 1);
      assertThat(objects.apply(root + "_started")).isEmpty();
      byte[] files = objects.apply(summary.get("manifestFilesS3Key").asText());
      assertThat(
              new String(objects.apply(root + "manifest-files.checksum"), StandardCharsets.UTF_8))
          .isEqualTo(HexFormat.of().formatHex(md5(files)));
      long total = 0;
      for (String fileLine : new String(files, StandardCharsets.UTF_8).split("\n")) {
        JsonNode file = JSON.readTree(fileLine);
        byte[] data = objects.apply(file.get("dataFileS3Key").asText());
        assertThat(file.get("md5Checksum").asText())
            .isEqualTo(Base64.getEncoder().encodeToString(md5(data)));
        assertThat(file.get("etag").asText()).isEqualTo(HexFormat.of().formatHex(md5(data)));
        String text;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
          text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int count = 0;
        for (String line : text.split("\n")) {
          if (!line.isEmpty()) {
            lines.add(JSON.readTree(line));
            count++;
          }
        }
        assertThat(count).isEqualTo(file.get("itemCount").asLong());
        total += count;
      }
      assertThat(summary.get("itemCount").asLong()).isEqualTo(total);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The typed item under {@code field} of {@code line}, or null when absent. */
  static Map<String, AttributeValue> item(JsonNode line, String field) {
    JsonNode node = line.get(field);
    return node == null ? null : item(node);
  }

  static Map<String, AttributeValue> item(JsonNode node) {
    Map<String, AttributeValue> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), value(e.getValue()));
    }
    return out;
  }

  private static AttributeValue value(JsonNode v) {
    Map.Entry<String, JsonNode> e = v.fields().next();
    JsonNode x = e.getValue();
    return switch (e.getKey()) {
      case "S" -> AttributeValue.fromS(x.asText());
      case "N" -> AttributeValue.fromN(x.asText());
      case "B" ->
          AttributeValue.fromB(SdkBytes.fromByteArray(Base64.getDecoder().decode(x.asText())));
      case "BOOL" -> AttributeValue.fromBool(x.asBoolean());
      case "NULL" -> AttributeValue.fromNul(true);
      case "SS" -> AttributeValue.fromSs(strings(x));
      case "NS" -> AttributeValue.fromNs(strings(x));
      case "BS" ->
          AttributeValue.fromBs(
              strings(x).stream()
                  .map(s -> SdkBytes.fromByteArray(Base64.getDecoder().decode(s)))
                  .toList());
      case "M" -> AttributeValue.fromM(item(x));
      case "L" -> {
        List<AttributeValue> l = new ArrayList<>();
        x.forEach(n -> l.add(value(n)));
        yield AttributeValue.fromL(l);
      }
      default -> throw new IllegalArgumentException("unknown type " + e.getKey());
    };
  }

  private static List<String> strings(JsonNode x) {
    List<String> out = new ArrayList<>();
    x.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static byte[] md5(byte[] data) {
    try {
      return MessageDigest.getInstance("MD5").digest(data);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
