package pitr.export;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.ItemJson;
import pitr.files.AtomicFiles;
import pitr.files.SealedLines;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * What an incremental export says changed in its window: counts of inserts, updates and deletes,
 * the first few keys of each, and optionally every changed key written to a sealed keys file (the
 * format {@code pitr diff --keys-out} writes and {@code copy-back --keys} reads). Keys written and
 * written back to the same image, or created and deleted inside the window, are counted apart and
 * not written: at both ends they are the same.
 *
 * @param manifest the export read
 * @param inserts keys absent at the start, present at the end
 * @param updates keys present at both ends with different images
 * @param deletes keys present at the start, absent at the end
 * @param unchanged keys written in the window but the same at both ends
 * @param samples up to the sample size of keys of each kind, as JSON
 * @param keysOut the keys file written, or null
 */
public record ChangeReport(
    ExportManifest manifest,
    long inserts,
    long updates,
    long deletes,
    long unchanged,
    Map<ExportChange.Kind, List<String>> samples,
    Path keysOut) {

  /** Keys that differ between the window's ends. */
  public long changed() {
    return inserts + updates + deletes;
  }

  /**
   * Reads every data file of the incremental export {@code m}, each verified before its lines
   * count, and writes {@code keysOut} (when not null) whole or not at all: a damaged export leaves
   * no keys file.
   *
   * @throws PitrException {@link ErrorCode#USAGE} for a full export, or a damaged one
   */
  public static Mono<ChangeReport> read(
      ExportReader reader, ExportManifest m, int sample, Path keysOut) {
    if (!m.incremental()) {
      return Mono.error(
          new PitrException(
              ErrorCode.USAGE,
              "Export "
                  + m.exportArn()
                  + " is a full export, which has no changes; pass an incremental export, or"
                  + " --from and --to to make one"));
    }
    return Mono.fromCallable(() -> tally(reader, m, sample, keysOut))
        .subscribeOn(Schedulers.boundedElastic());
  }

  private static ChangeReport tally(
      ExportReader reader, ExportManifest m, int sample, Path keysOut) {
    Tally t = new Tally(sample);
    Iterator<ExportChange> changes = reader.changes(m, null).toIterable(64).iterator();
    if (keysOut == null) {
      changes.forEachRemaining(c -> t.add(c, null));
    } else {
      try {
        SealedLines.write(
            keysOut,
            sink -> {
              while (changes.hasNext()) {
                t.add(changes.next(), sink);
              }
            });
      } catch (IOException | UncheckedIOException e) {
        IOException io = e instanceof IOException x ? x : ((UncheckedIOException) e).getCause();
        throw new PitrException(
            ErrorCode.FAILED,
            "Cannot write --keys-out " + keysOut + ": " + AtomicFiles.describe(io),
            e);
      }
    }
    return new ChangeReport(
        m,
        t.counts[ExportChange.Kind.INSERT.ordinal()],
        t.counts[ExportChange.Kind.UPDATE.ordinal()],
        t.counts[ExportChange.Kind.DELETE.ordinal()],
        t.unchanged,
        Map.of(
            ExportChange.Kind.INSERT, List.copyOf(t.samples.get(0)),
            ExportChange.Kind.UPDATE, List.copyOf(t.samples.get(1)),
            ExportChange.Kind.DELETE, List.copyOf(t.samples.get(2))),
        keysOut);
  }

  private static final class Tally {
    final int sample;
    final long[] counts = new long[ExportChange.Kind.values().length];
    final List<List<String>> samples =
        List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    long unchanged;

    Tally(int sample) {
      this.sample = sample;
    }

    void add(ExportChange c, SealedLines.Sink keys) {
      ExportChange.Kind kind = c.kind();
      if (kind == ExportChange.Kind.NONE
          || (kind == ExportChange.Kind.UPDATE && c.oldImage().equals(c.newImage()))) {
        unchanged++;
        return;
      }
      counts[kind.ordinal()]++;
      String key = ItemJson.write(c.key());
      List<String> s = samples.get(kind.ordinal());
      if (s.size() < sample) {
        s.add(key);
      }
      if (keys != null) {
        try {
          keys.line(key);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }
}
