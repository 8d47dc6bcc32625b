package pitr.copy;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.ItemJson;
import pitr.dynamo.KeySchema;
import pitr.dynamo.ScanSpec;
import pitr.files.AtomicFiles;
import pitr.files.SealedLines;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Spills a table to disk as one line per item, {@code key<TAB>digest}, into one of {@code
 * partitions} files ({@code dir/<p>.txt}) chosen by the hash of the key's text, so that two tables
 * spilled alike can be compared partition by partition in bounded memory. The key text is the key
 * attributes as DynamoDB JSON in name order, the same for equal keys of any table.
 *
 * <p>The files are read back only through {@link #forEach}, which trusts them as far as they carry
 * integrity: each line ends with its {@link LineCheck}, and once every partition is closed a sealed
 * manifest ({@link SealedLines}) records how many lines each holds, so a line cut short or edited,
 * or a file cut at a line end, is refused. The folder and files are readable by their owner only.
 */
public final class KeySpill {
  private static final String MANIFEST = "manifest.jsonl";
  private static final String FIX = "it is a temporary file of this command: run the command again";

  private KeySpill() {}

  /** The key of {@code item} as DynamoDB JSON with attributes in name order. */
  public static String keyText(KeySchema schema, Map<String, AttributeValue> item) {
    return ItemJson.write(new TreeMap<>(schema.keyOf(item)));
  }

  /** The partition of a key text. */
  public static int partition(String keyText, int partitions) {
    return Math.floorMod(keyText.hashCode(), partitions);
  }

  /**
   * Scans {@code spec}'s segments in parallel and writes each item's key text and {@code digest}
   * into its partition file under {@code dir}; completes when every file is closed and the manifest
   * written.
   */
  public static Mono<Void> spill(
      DynamoDbGateway gateway,
      ScanSpec spec,
      KeySchema schema,
      Path dir,
      int partitions,
      Function<Map<String, AttributeValue>, String> digest) {
    return spill(gateway, spec, schema, dir, partitions, digest, (n, units) -> {});
  }

  /** What a scan read, page by page: for progress, and the read units in a command's summary. */
  @FunctionalInterface
  public interface PageTally {
    /** A page of {@code items} items that consumed {@code readUnits} (0 when not reported). */
    void page(long items, double readUnits);
  }

  /** As above, telling {@code tally} what each page held and consumed. */
  public static Mono<Void> spill(
      DynamoDbGateway gateway,
      ScanSpec spec,
      KeySchema schema,
      Path dir,
      int partitions,
      Function<Map<String, AttributeValue>, String> digest,
      PageTally tally) {
    return spillAll(
        Flux.range(0, spec.totalSegments())
            .flatMap(s -> gateway.scanSegment(spec, s, null), spec.totalSegments()),
        page -> {
          tally.page(page.items().size(), page.readUnits());
          return page.items().stream()
              .map(item -> Map.entry(keyText(schema, item), digest.apply(item)))
              .toList();
        },
        dir,
        partitions);
  }

  /**
   * Writes each (key text, value) pair of {@code lines} into the partition file of its key under
   * {@code dir}, as {@link #spill} writes a scan, for a source other than a scan (an export's
   * changes, a journal). Neither text may hold a tab or a line break. Completes when every file is
   * closed and the manifest written.
   */
  public static Mono<Void> spillLines(
      Flux<Map.Entry<String, String>> lines, Path dir, int partitions) {
    return spillAll(lines, List::of, dir, partitions);
  }

  /**
   * Writes the (key text, value) pairs that {@code lines} makes of each element of {@code source},
   * off the thread that emits it, into their partition files under {@code dir}; completes when
   * every file is closed and the manifest written.
   */
  private static <T> Mono<Void> spillAll(
      Flux<T> source,
      Function<T, List<Map.Entry<String, String>>> lines,
      Path dir,
      int partitions) {
    long[] counts = new long[partitions];
    return Mono.fromCallable(
            () -> {
              AtomicFiles.createPrivateDirectories(dir);
              BufferedWriter[] out = new BufferedWriter[partitions];
              for (int p = 0; p < partitions; p++) {
                out[p] = open(dir.resolve(p + ".txt"));
              }
              return out;
            })
        .subscribeOn(Schedulers.boundedElastic())
        .flatMap(
            out ->
                source
                    .publishOn(Schedulers.boundedElastic())
                    .doOnNext(
                        element -> {
                          for (Map.Entry<String, String> line : lines.apply(element)) {
                            int p = partition(line.getKey(), partitions);
                            try {
                              out[p].write(
                                  LineCheck.tabbed(line.getKey() + "\t" + line.getValue()));
                              out[p].write('\n');
                            } catch (IOException e) {
                              throw new UncheckedIOException(e);
                            }
                            counts[p]++;
                          }
                        })
                    .then(
                        Mono.<Void>fromRunnable(
                            () -> {
                              close(out);
                              manifest(dir, counts);
                            }))
                    .doOnError(e -> close(out)));
  }

  /**
   * Reads partition {@code partition} of a spill under {@code dir}, giving each line's key text and
   * digest to {@code line}, after checking the line and, at the end, the line count.
   *
   * @throws PitrException {@link ErrorCode#FAILED} naming the file and what is wrong with it
   */
  public static void forEach(Path dir, int partition, BiConsumer<String, String> line)
      throws IOException {
    long expected = -1;
    for (String entry : SealedLines.readAll(dir.resolve(MANIFEST), "Spill manifest", FIX)) {
      int tab = entry.indexOf('\t');
      if (tab > 0 && Integer.parseInt(entry.substring(0, tab)) == partition) {
        expected = Long.parseLong(entry.substring(tab + 1));
      }
    }
    Path file = dir.resolve(partition + ".txt");
    if (expected < 0) {
      throw broken(file, "the manifest does not list it");
    }
    long n = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String text;
      while ((text = in.readLine()) != null) {
        n++;
        LineCheck.Read read = LineCheck.readTabbed(text);
        int tab = read.text().lastIndexOf('\t');
        if (read.status() != LineCheck.Status.VALID || tab < 0) {
          throw broken(file, "line " + n + " does not match its check, so it was cut or edited");
        }
        line.accept(read.text().substring(0, tab), read.text().substring(tab + 1));
      }
    }
    if (n != expected) {
      throw broken(file, "it holds " + n + " lines where the manifest says " + expected);
    }
  }

  private static PitrException broken(Path file, String why) {
    return new PitrException(
        ErrorCode.FAILED,
        "Spill file "
            + file
            + " cannot be trusted: "
            + why
            + "; "
            + FIX
            + ". Nothing was changed.");
  }

  private static BufferedWriter open(Path file) throws IOException {
    FileAttribute<?>[] ownerOnly = AtomicFiles.ownerOnlyFile(file);
    FileChannel channel =
        FileChannel.open(
            file,
            Set.of(
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE),
            ownerOnly);
    return new BufferedWriter(
        new OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.UTF_8));
  }

  private static void manifest(Path dir, long[] counts) {
    List<String> lines = new ArrayList<>();
    for (int p = 0; p < counts.length; p++) {
      lines.add(p + "\t" + counts[p]);
    }
    try {
      SealedLines.write(dir.resolve(MANIFEST), lines);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void close(BufferedWriter[] out) {
    for (BufferedWriter w : out) {
      try {
        w.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
