package pitr.local.export;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import pitr.dynamo.ItemSizes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Writes an export in DynamoDB's DYNAMODB_JSON layout under {@code PREFIX/AWSDynamoDB/EXPORT_ID/}:
 * {@code _started} first, then the gzipped data files under {@code data/}, {@code
 * manifest-files.json} (one line per data file: item count, MD5, ETag, key) and {@code
 * manifest-summary.json} last, each manifest with its {@code .checksum} (the MD5 in hex). A reader
 * that finds the summary therefore finds every file it names; one that does not has a half-written
 * export.
 */
public final class ExportWriter {
  /** Lines per data file; DynamoDB writes at least one file per partition. */
  static final int LINES_PER_FILE = 10_000;

  private static final JsonFactory JSON = new JsonFactory();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] NAME_CHARS = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  private ExportWriter() {}

  /**
   * What was written.
   *
   * @param itemCount lines in the data files
   * @param billedSizeBytes the exported images' size as DynamoDB counts item size
   */
  public record Written(long itemCount, long billedSizeBytes) {}

  /** Writes {@code items} as the export {@code header} describes. */
  public static Written write(ExportDestination to, ExportHeader header, List<ExportedItem> items)
      throws IOException {
    String root = header.root();
    to.put(header.bucket(), root + "_started", new byte[0]);
    List<String> fileLines = new ArrayList<>();
    long billed = 0;
    int from = 0;
    do {
      List<ExportedItem> chunk = items.subList(from, Math.min(items.size(), from + LINES_PER_FILE));
      ByteArrayOutputStream raw = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(raw)) {
        for (ExportedItem item : chunk) {
          gz.write(line(item, header).getBytes(StandardCharsets.UTF_8));
          gz.write('\n');
          billed += size(item.oldImage()) + size(item.newImage());
        }
      }
      byte[] data = raw.toByteArray();
      String key = root + "data/" + randomName() + ".json.gz";
      to.put(header.bucket(), key, data);
      byte[] md5 = md5(data);
      fileLines.add(
          json(
              g -> {
                g.writeStartObject();
                g.writeNumberField("itemCount", chunk.size());
                g.writeStringField("md5Checksum", Base64.getEncoder().encodeToString(md5));
                g.writeStringField("etag", HexFormat.of().formatHex(md5));
                g.writeStringField("dataFileS3Key", key);
                g.writeEndObject();
              }));
      from += LINES_PER_FILE;
    } while (from < items.size());
    String filesKey = root + "manifest-files.json";
    byte[] files = (String.join("\n", fileLines) + "\n").getBytes(StandardCharsets.UTF_8);
    to.put(header.bucket(), filesKey, files);
    to.put(header.bucket(), root + "manifest-files.checksum", hex(md5(files)));
    long billedSize = billed;
    byte[] summary =
        json(g -> summary(g, header, filesKey, items.size(), billedSize))
            .getBytes(StandardCharsets.UTF_8);
    to.put(header.bucket(), root + "manifest-summary.json", summary);
    to.put(header.bucket(), root + "manifest-summary.checksum", hex(md5(summary)));
    return new Written(items.size(), billedSize);
  }

  private static void summary(
      JsonGenerator g, ExportHeader h, String filesKey, long itemCount, long billed)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("version", h.incremental() ? "2023-08-01" : "2020-06-30");
    g.writeStringField("exportArn", h.exportArn());
    g.writeStringField("startTime", h.startTime().toString());
    g.writeStringField("endTime", h.endTime().toString());
    g.writeStringField("tableArn", h.tableArn());
    g.writeStringField("tableId", h.tableId());
    if (h.incremental()) {
      g.writeStringField("exportFromTime", h.fromTime().toString());
      g.writeStringField("exportToTime", h.toTime().toString());
    } else {
      g.writeStringField("exportTime", h.exportTime().toString());
    }
    g.writeStringField("s3Bucket", h.bucket());
    if (h.prefix() == null) {
      g.writeNullField("s3Prefix");
    } else {
      g.writeStringField("s3Prefix", h.prefix());
    }
    g.writeStringField("s3SseAlgorithm", "AES256");
    g.writeNullField("s3SseKmsKeyId");
    g.writeStringField("manifestFilesS3Key", filesKey);
    g.writeNumberField("billedSizeBytes", billed);
    g.writeNumberField("itemCount", itemCount);
    g.writeStringField("outputFormat", "DYNAMODB_JSON");
    if (h.incremental()) {
      g.writeStringField("outputView", h.viewType());
    }
    g.writeStringField("exportType", h.incremental() ? "INCREMENTAL_EXPORT" : "FULL_EXPORT");
    g.writeEndObject();
  }

  private static String line(ExportedItem item, ExportHeader h) throws IOException {
    return json(
        g -> {
          g.writeStartObject();
          if (!h.incremental()) {
            g.writeFieldName("Item");
            DynamoJson.writeItem(g, item.newImage());
          } else {
            g.writeObjectFieldStart("Metadata");
            g.writeFieldName("WriteTimestampMicros");
            DynamoJson.writeValue(
                g, AttributeValue.builder().n(Long.toString(item.writeMicros())).build());
            g.writeEndObject();
            g.writeFieldName("Keys");
            DynamoJson.writeItem(g, item.keys());
            if (item.newImage() != null) {
              g.writeFieldName("NewImage");
              DynamoJson.writeItem(g, item.newImage());
            }
            if (item.oldImage() != null) {
              g.writeFieldName("OldImage");
              DynamoJson.writeItem(g, item.oldImage());
            }
          }
          g.writeEndObject();
        });
  }

  private interface JsonBody {
    void write(JsonGenerator g) throws IOException;
  }

  private static String json(JsonBody body) throws IOException {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      body.write(g);
    }
    return out.toString();
  }

  private static long size(Map<String, AttributeValue> image) {
    return image == null ? 0 : ItemSizes.size(image);
  }

  private static String randomName() {
    char[] c = new char[26];
    for (int i = 0; i < c.length; i++) {
      c[i] = NAME_CHARS[RANDOM.nextInt(NAME_CHARS.length)];
    }
    return new String(c);
  }

  /** The ExportId's random tail: eight hex digits. */
  public static String randomSuffix() {
    return HexFormat.of()
        .formatHex(
            new byte[] {
              (byte) RANDOM.nextInt(),
              (byte) RANDOM.nextInt(),
              (byte) RANDOM.nextInt(),
              (byte) RANDOM.nextInt()
            });
  }

  private static byte[] hex(byte[] md5) {
    return HexFormat.of().formatHex(md5).getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] md5(byte[] data) {
    try {
      return MessageDigest.getInstance("MD5").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is missing from this JVM", e);
    }
  }
}
