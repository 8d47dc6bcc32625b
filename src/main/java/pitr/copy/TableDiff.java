package pitr.copy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.ItemJson;
import pitr.dynamo.KeySchema;
import pitr.dynamo.ScanSpec;
import pitr.files.AtomicFiles;
import pitr.files.SealedLines;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Compares two tables with the same key in bounded memory: both are scanned in parallel and each
 * item is spilled as (key, digest) into one of {@code partitions} files by key hash; then each
 * partition of A is loaded and the same partition of B streamed against it. Memory holds one
 * partition of one table, and the differing keys of one partition, at a time. The differing keys go
 * to a sealed file ({@link SealedLines}) that {@code copy-back --keys} verifies.
 */
public final class TableDiff {
  private final DynamoDbGateway gateway;
  private final Path workDir;

  private TableDiff(DynamoDbGateway gateway, Path workDir) {
    this.gateway = gateway;
    this.workDir = workDir;
  }

  public static TableDiff create(DynamoDbGateway gateway, Path workDir) {
    return new TableDiff(gateway, workDir);
  }

  /** Diffs {@code a} and {@code b}; differing keys go to {@code keysOut} when not null. */
  public Mono<DiffResult> diff(String a, String b, int segments, int sample, Path keysOut) {
    return diff(a, b, segments, sample, keysOut, (n, units) -> {});
  }

  /** As above, telling {@code itemsRead} what each page of either table held and consumed. */
  public Mono<DiffResult> diff(
      String a, String b, int segments, int sample, Path keysOut, KeySpill.PageTally itemsRead) {
    return gateway
        .describeTable(a)
        .zipWith(gateway.describeTable(b))
        .flatMap(
            t -> {
              KeySchema schema = KeySchema.of(t.getT1());
              if (!schema.equals(KeySchema.of(t.getT2()))) {
                return Mono.error(
                    new pitr.PitrException(
                        pitr.ErrorCode.USAGE,
                        "Key schemas differ: "
                            + a
                            + " has "
                            + schema.describe()
                            + " but "
                            + b
                            + " has "
                            + KeySchema.of(t.getT2()).describe()
                            + "; diff compares tables with the same key"));
              }
              long items =
                  Math.max(
                      t.getT1().itemCount() == null ? 0 : t.getT1().itemCount(),
                      t.getT2().itemCount() == null ? 0 : t.getT2().itemCount());
              int partitions = (int) Math.max(1, Math.min(1024, items / 50_000 + 1));
              // Eager clean-up: the spill is deleted before the result reaches the caller.
              return Mono.using(
                  () -> {
                    AtomicFiles.createPrivateDirectories(workDir);
                    return Files.createTempDirectory(workDir, "diff");
                  },
                  dir ->
                      spill(a, schema, segments, dir.resolve("a"), partitions, itemsRead)
                          .then(spill(b, schema, segments, dir.resolve("b"), partitions, itemsRead))
                          .then(
                              Mono.fromCallable(
                                      () -> compare(a, b, dir, partitions, sample, keysOut))
                                  .subscribeOn(Schedulers.boundedElastic())),
                  TableDiff::delete,
                  true);
            });
  }

  private Mono<Void> spill(
      String table,
      KeySchema schema,
      int segments,
      Path dir,
      int partitions,
      KeySpill.PageTally itemsRead) {
    return KeySpill.spill(
        gateway,
        ScanSpec.of(table, segments),
        schema,
        dir,
        partitions,
        TableDiff::digest,
        itemsRead);
  }

  static String digest(Map<String, AttributeValue> item) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(ItemJson.write(canonical(item)).getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, AttributeValue> canonical(Map<String, AttributeValue> item) {
    Map<String, AttributeValue> sorted = new TreeMap<>();
    item.forEach((k, v) -> sorted.put(k, canonical(v)));
    return sorted;
  }

  private static AttributeValue canonical(AttributeValue v) {
    return switch (v.type()) {
      case M -> AttributeValue.fromM(canonical(v.m()));
      case L -> AttributeValue.fromL(v.l().stream().map(TableDiff::canonical).toList());
      case SS -> AttributeValue.fromSs(v.ss().stream().sorted().toList());
      case NS ->
          AttributeValue.fromNs(
              v.ns().stream()
                  .sorted(
                      (x, y) -> new java.math.BigDecimal(x).compareTo(new java.math.BigDecimal(y)))
                  .toList());
      case N ->
          AttributeValue.fromN(
              new java.math.BigDecimal(v.n()).stripTrailingZeros().toPlainString());
      default -> v;
    };
  }

  private static DiffResult compare(
      String a, String b, Path dir, int partitions, int sample, Path keysOut) throws IOException {
    Comparison c = new Comparison(sample);
    if (keysOut == null) {
      c.run(dir, partitions, null);
    } else {
      // Sealed, so that copy-back --keys can tell it whole from cut short or edited.
      SealedLines.write(keysOut, sink -> c.run(dir, partitions, sink));
    }
    return new DiffResult(a, b, c.identical, c.changed, c.onlyA, c.onlyB, c.sChanged, c.sA, c.sB);
  }

  /** The counts of a comparison, partition by partition. */
  private static final class Comparison {
    final int sample;
    long identical;
    long changed;
    long onlyA;
    long onlyB;
    final List<String> sChanged = new ArrayList<>();
    final List<String> sA = new ArrayList<>();
    final List<String> sB = new ArrayList<>();

    Comparison(int sample) {
      this.sample = sample;
    }

    void run(Path dir, int partitions, SealedLines.Sink keys) throws IOException {
      for (int p = 0; p < partitions; p++) {
        Map<String, String> left = new HashMap<>();
        KeySpill.forEach(dir.resolve("a"), p, left::put);
        List<String> differing = new ArrayList<>();
        KeySpill.forEach(
            dir.resolve("b"),
            p,
            (key, digest) -> {
              String before = left.remove(key);
              if (before == null) {
                onlyB++;
                add(sB, key, sample);
                differing.add(key);
              } else if (before.equals(digest)) {
                identical++;
              } else {
                changed++;
                add(sChanged, key, sample);
                differing.add(key);
              }
            });
        for (String key : left.keySet()) {
          onlyA++;
          add(sA, key, sample);
          differing.add(key);
        }
        if (keys != null) {
          for (String key : differing) {
            keys.line(key);
          }
        }
      }
    }
  }

  private static void add(List<String> sample, String key, int max) {
    if (sample.size() < max) {
      sample.add(key);
    }
  }

  private static void delete(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // Leftover temporary files are harmless.
    }
  }
}
