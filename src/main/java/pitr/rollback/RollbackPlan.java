package pitr.rollback;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.files.SealedLines;
import pitr.migrate.ItemHash;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A rollback plan: what it rolls back, a summary (counts per action, conflicts, write estimate,
 * sample keys) and each item's action. The items of a planned or saved plan stay in its file and
 * are streamed from there, so a plan of any size takes constant memory; see {@link PlanFile}. A
 * saved plan is applied exactly as it is.
 */
public final class RollbackPlan {
  private final String table;
  private final Instant to;
  private final Instant incidentEnd;
  private final String scope;
  private final Instant createdAt;
  private final List<String> recoveryTables;
  private final PlanSummary summary;
  private final List<PlanItem> memory;
  private final Path file;
  private final long firstLine;
  private final long lines;
  private final String fingerprint;

  private RollbackPlan(
      String table,
      Instant to,
      Instant incidentEnd,
      String scope,
      Instant createdAt,
      List<String> recoveryTables,
      PlanSummary summary,
      List<PlanItem> memory,
      Path file,
      long firstLine,
      long lines,
      String fingerprint) {
    this.table = table;
    this.to = to;
    this.incidentEnd = incidentEnd;
    this.scope = scope;
    this.createdAt = createdAt;
    this.recoveryTables = List.copyOf(recoveryTables);
    this.summary = summary;
    this.memory = memory;
    this.file = file;
    this.firstLine = firstLine;
    this.lines = lines;
    this.fingerprint = fingerprint;
  }

  /**
   * A plan of {@code items} held in memory.
   *
   * @param table the live table
   * @param to T0, the instant restored
   * @param incidentEnd T1, when the bad change ended, or null
   * @param scope what chose the candidate keys: {@code table}, or {@code migration NAME run RUNID}
   * @param createdAt when the plan was made
   * @param items the items
   */
  public static RollbackPlan of(
      String table,
      Instant to,
      Instant incidentEnd,
      String scope,
      Instant createdAt,
      List<PlanItem> items) {
    PlanSummary summary = new PlanSummary();
    items.forEach(summary::add);
    return new RollbackPlan(
        table,
        to,
        incidentEnd,
        scope,
        createdAt,
        List.of(),
        summary,
        List.copyOf(items),
        null,
        0,
        0,
        null);
  }

  /**
   * A plan whose items are {@code lines} lines of {@code file} from line {@code firstLine}
   * (0-based): lines after them, such as a seal, are not items.
   */
  static RollbackPlan inFile(
      String table,
      Instant to,
      Instant incidentEnd,
      String scope,
      Instant createdAt,
      List<String> recoveryTables,
      PlanSummary summary,
      Path file,
      long firstLine,
      long lines,
      String fingerprint) {
    return new RollbackPlan(
        table,
        to,
        incidentEnd,
        scope,
        createdAt,
        recoveryTables,
        summary,
        null,
        file,
        firstLine,
        lines,
        fingerprint);
  }

  /** The same plan naming {@code tables} as the recovery tables made for it. */
  public RollbackPlan withRecoveryTables(List<String> tables) {
    return new RollbackPlan(
        table,
        to,
        incidentEnd,
        scope,
        createdAt,
        tables,
        summary,
        memory,
        file,
        firstLine,
        lines,
        fingerprint);
  }

  /** The live table. */
  public String table() {
    return table;
  }

  /** T0, the instant restored. */
  public Instant to() {
    return to;
  }

  /** T1, when the bad change ended, or null. */
  public Instant incidentEnd() {
    return incidentEnd;
  }

  /** What chose the candidate keys: {@code table}, or {@code migration NAME run RUNID}. */
  public String scope() {
    return scope;
  }

  /** When the plan was made. */
  public Instant createdAt() {
    return createdAt;
  }

  /**
   * Recovery tables made for this plan that were still there when it was saved; applying the plan
   * drops them at the end unless told to keep them. Empty when none.
   */
  public List<String> recoveryTables() {
    return recoveryTables;
  }

  /** Number of items. */
  public long size() {
    return summary.items();
  }

  /** Items per action; every action is present. */
  public Map<Action, Long> counts() {
    return summary.counts();
  }

  /** Items that changed after the bad change, whether overwritten or kept. */
  public long conflicts() {
    return summary.conflicts();
  }

  /** Write capacity applying the plan takes: each write's size in whole KB, at least 1. */
  public double estimatedWcu() {
    return summary.estimatedWcu();
  }

  /** Up to five keys of items with {@code action}, the first in the plan. */
  public List<Map<String, AttributeValue>> samples(Action action) {
    return summary.samples(action);
  }

  /** The file the items are read from, or null when they are held in memory. */
  public Path file() {
    return file;
  }

  /** The items in plan order, read from the plan's file one at a time. */
  public Flux<PlanItem> items() {
    if (memory != null) {
      return Flux.fromIterable(memory);
    }
    return Flux.using(
            this::itemLines, lines -> Flux.fromStream(lines).map(PlanFile::item), Stream::close)
        .subscribeOn(Schedulers.boundedElastic());
  }

  /**
   * A hex SHA-256 identifying the plan: of the file's lines before its seal for a saved plan (the
   * seal's digest), else of the lines it would be saved as. Progress of an apply is kept against
   * it, so a resume with another plan is refused.
   */
  public String fingerprint() {
    if (fingerprint != null) {
      return fingerprint;
    }
    StringBuilder all = new StringBuilder(table).append('\n');
    memory.forEach(i -> all.append(PlanFile.line(i)).append('\n'));
    return ItemHash.sha256(all.toString());
  }

  /**
   * Checks that a saved plan's file still matches the seal it was read with, so what is applied is
   * what was shown.
   *
   * @throws PitrException {@link ErrorCode#USAGE} naming the file and the fix
   */
  void checkFile() {
    if (file == null || fingerprint == null) {
      return;
    }
    SealedLines.Seal seal = SealedLines.verify(file, "Rollback plan", PlanFile.FIX);
    if (!seal.sha256().equals(fingerprint)) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Rollback plan "
              + file
              + " was replaced after it was read, so it is not the plan shown; apply the new one"
              + " with 'pitr rollback --apply "
              + file
              + "', or "
              + PlanFile.FIX
              + ". Nothing was changed.");
    }
  }

  /** The items' lines, as saved; the caller closes the stream. */
  Stream<String> itemLines() {
    if (memory != null) {
      return memory.stream().map(PlanFile::line);
    }
    try {
      return Files.lines(file, StandardCharsets.UTF_8)
          .skip(firstLine)
          .limit(lines)
          .filter(line -> !line.isBlank());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read rollback plan " + file, e);
    }
  }

  @Override
  public String toString() {
    return "RollbackPlan[" + table + " to " + to + ", " + size() + " items]";
  }
}
