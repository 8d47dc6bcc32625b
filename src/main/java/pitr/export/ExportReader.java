package pitr.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import pitr.ErrorCode;
import pitr.PitrException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reads a DynamoDB export (DYNAMODB_JSON, full or incremental): {@link #manifest} reads and checks
 * {@code manifest-summary.json} and {@code manifest-files.json}; {@link #changes} then reads the
 * data files one at a time, each checked against its MD5 and item count before any of its lines is
 * given out. Everything that makes an export untrustworthy — no summary (still IN_PROGRESS, or
 * FAILED), a missing or altered manifest or data file, counts that disagree — is a {@link
 * PitrException} (USAGE) naming the object and what to do; a caller that collects the changes
 * before acting therefore refuses a half-written export before it changes anything. Memory holds
 * one data file at a time.
 */
public final class ExportReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ExportStore store;

  public ExportReader(ExportStore store) {
    this.store = store;
  }

  /** The manifests of the export whose {@code manifest-summary.json} is at {@code summaryKey}. */
  public Mono<ExportManifest> manifest(String bucket, String summaryKey) {
    return store
        .get(bucket, summaryKey)
        .switchIfEmpty(
            Mono.error(
                () ->
                    refused(
                        "Export "
                            + store.describe(bucket, summaryKey)
                            + " is incomplete: there is no manifest-summary.json, so the export"
                            + " is still IN_PROGRESS, FAILED, or not an export; check it with"
                            + " DescribeExport and read it once it is COMPLETED")))
        .flatMap(summary -> files(bucket, summaryKey, summary));
  }

  private Mono<ExportManifest> files(String bucket, String summaryKey, byte[] summaryBytes) {
    JsonNode s = parse(summaryBytes, bucket, summaryKey);
    String format = text(s, "outputFormat");
    if (!"DYNAMODB_JSON".equals(format)) {
      return Mono.error(
          refused(
              "Export "
                  + store.describe(bucket, summaryKey)
                  + " is in format "
                  + format
                  + "; pitr reads DYNAMODB_JSON exports only; export again with ExportFormat"
                  + " DYNAMODB_JSON"));
    }
    String filesKey = text(s, "manifestFilesS3Key");
    if (filesKey == null) {
      return Mono.error(notAManifest(bucket, summaryKey, "it names no manifestFilesS3Key"));
    }
    String root = summaryKey.substring(0, summaryKey.lastIndexOf('/') + 1);
    String checksumKey = root + "manifest-files.checksum";
    Mono<byte[]> files =
        store
            .get(bucket, filesKey)
            .switchIfEmpty(Mono.error(() -> missing(bucket, summaryKey, bucket, filesKey)));
    Mono<String> checksum =
        store.get(bucket, checksumKey).map(b -> new String(b, StandardCharsets.US_ASCII).strip());
    return files
        .zipWith(checksum.defaultIfEmpty(""))
        .map(
            t -> {
              byte[] bytes = t.getT1();
              if (!t.getT2().isEmpty()
                  && !t.getT2().equalsIgnoreCase(HexFormat.of().formatHex(md5(bytes)))) {
                throw altered(bucket, summaryKey, bucket, filesKey, "manifest-files.checksum");
              }
              return manifest(bucket, summaryKey, s, filesKey, bytes);
            });
  }

  private ExportManifest manifest(
      String bucket, String summaryKey, JsonNode s, String filesKey, byte[] filesBytes) {
    List<ExportManifest.DataFile> files = new ArrayList<>();
    long total = 0;
    for (String line : new String(filesBytes, StandardCharsets.UTF_8).split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode f = parse(line.getBytes(StandardCharsets.UTF_8), bucket, filesKey);
      String key = text(f, "dataFileS3Key");
      if (key == null || !f.hasNonNull("itemCount") || text(f, "md5Checksum") == null) {
        throw notAManifest(
            bucket, filesKey, "a line lacks dataFileS3Key, itemCount or md5Checksum");
      }
      files.add(
          new ExportManifest.DataFile(key, f.get("itemCount").asLong(), text(f, "md5Checksum")));
      total += f.get("itemCount").asLong();
    }
    long itemCount = s.path("itemCount").asLong(-1);
    if (itemCount != total) {
      throw refused(
          "Export "
              + store.describe(bucket, summaryKey)
              + " says it holds "
              + itemCount
              + " items but its manifest-files.json lists "
              + total
              + "; the export is damaged; export again");
    }
    boolean incremental = "INCREMENTAL_EXPORT".equals(text(s, "exportType"));
    return new ExportManifest(
        bucket,
        summaryKey,
        text(s, "exportArn"),
        text(s, "tableArn"),
        incremental,
        instant(s, "exportTime"),
        instant(s, "exportFromTime"),
        instant(s, "exportToTime"),
        text(s, "outputView"),
        itemCount,
        List.copyOf(files));
  }

  /**
   * Every line of every data file of {@code m}, file by file. With {@code keyNames} (the table's
   * key attributes), a full export's lines carry their keys too.
   */
  public Flux<ExportChange> changes(ExportManifest m, List<String> keyNames) {
    return Flux.fromIterable(m.files())
        .concatMap(
            f ->
                store
                    .get(m.bucket(), f.key())
                    .switchIfEmpty(
                        Mono.error(() -> missing(m.bucket(), m.summaryKey(), m.bucket(), f.key())))
                    .flatMapIterable(bytes -> lines(m, f, bytes, keyNames)),
            1);
  }

  private List<ExportChange> lines(
      ExportManifest m, ExportManifest.DataFile f, byte[] gz, List<String> keyNames) {
    if (!Base64.getEncoder().encodeToString(md5(gz)).equals(f.md5Checksum())) {
      throw altered(m.bucket(), m.summaryKey(), m.bucket(), f.key(), "manifest-files.json");
    }
    String text;
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw refused(
          "Export "
              + store.describe(m.bucket(), m.summaryKey())
              + " is damaged: "
              + store.describe(m.bucket(), f.key())
              + " is not a gzip file; export again");
    }
    List<ExportChange> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isEmpty()) {
        out.add(
            change(parse(line.getBytes(StandardCharsets.UTF_8), m.bucket(), f.key()), m, keyNames));
      }
    }
    if (out.size() != f.itemCount()) {
      throw refused(
          "Data file "
              + store.describe(m.bucket(), f.key())
              + " holds "
              + out.size()
              + " items but manifest-files.json says "
              + f.itemCount()
              + "; the export is damaged; export again");
    }
    return out;
  }

  private ExportChange change(JsonNode line, ExportManifest m, List<String> keyNames) {
    try {
      if (!m.incremental()) {
        Map<String, AttributeValue> item = DynamoJsonItems.item(line.get("Item"));
        return new ExportChange(keyOf(item, keyNames), null, item, 0);
      }
      Map<String, AttributeValue> keys = DynamoJsonItems.item(line.get("Keys"));
      Map<String, AttributeValue> oldImage =
          line.has("OldImage") ? DynamoJsonItems.item(line.get("OldImage")) : null;
      Map<String, AttributeValue> newImage =
          line.has("NewImage") ? DynamoJsonItems.item(line.get("NewImage")) : null;
      long micros = line.path("Metadata").path("WriteTimestampMicros").path("N").asLong(0);
      return new ExportChange(keys, oldImage, newImage, micros);
    } catch (IllegalArgumentException e) {
      throw refused(
          "Export "
              + store.describe(m.bucket(), m.summaryKey())
              + " has a bad line: "
              + e.getMessage());
    }
  }

  private static Map<String, AttributeValue> keyOf(
      Map<String, AttributeValue> item, List<String> keyNames) {
    if (keyNames == null || keyNames.isEmpty()) {
      return null;
    }
    Map<String, AttributeValue> key = new LinkedHashMap<>();
    for (String name : keyNames) {
      AttributeValue v = item.get(name);
      if (v == null) {
        throw new IllegalArgumentException("an item lacks key attribute " + name);
      }
      key.put(name, v);
    }
    return key;
  }

  private JsonNode parse(byte[] bytes, String bucket, String key) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw notAManifest(bucket, key, "it is not JSON");
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Instant instant(JsonNode n, String field) {
    String t = text(n, field);
    return t == null ? null : Instant.parse(t);
  }

  private PitrException missing(String bucket, String summaryKey, String b, String key) {
    return refused(
        "Export "
            + store.describe(bucket, summaryKey)
            + " is incomplete: "
            + store.describe(b, key)
            + " is missing; the export was cut short or its files were deleted; export again");
  }

  private PitrException altered(
      String bucket, String summaryKey, String b, String key, String against) {
    return refused(
        "Export "
            + store.describe(bucket, summaryKey)
            + " is damaged: "
            + store.describe(b, key)
            + " does not match its checksum in "
            + against
            + " (altered or cut short); export again");
  }

  private PitrException notAManifest(String bucket, String key, String why) {
    return refused(store.describe(bucket, key) + " is not a DynamoDB export manifest: " + why);
  }

  private static PitrException refused(String message) {
    return new PitrException(ErrorCode.USAGE, message);
  }

  private static byte[] md5(byte[] data) {
    try {
      return MessageDigest.getInstance("MD5").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is missing from this JVM", e);
    }
  }
}
