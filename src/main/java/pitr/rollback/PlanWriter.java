package pitr.rollback;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import pitr.files.AtomicFiles;

/**
 * Collects a plan's items as the planner finds them: each is appended to a file in the plan's
 * folder and counted, so planning holds no item after it is written. {@link #finish} saves the plan
 * as {@code plan.jsonl} in the folder, sealed ({@link PlanFile}). Thread-safe.
 */
final class PlanWriter implements AutoCloseable {
  static final String PLAN = "plan.jsonl";

  private final Path dir;
  private final Path items;
  private final BufferedWriter out;
  private final PlanSummary summary = new PlanSummary();

  private PlanWriter(Path dir) throws IOException {
    this.dir = dir;
    this.items = dir.resolve("items.jsonl");
    // Owner only: plans hold item images.
    AtomicFiles.createPrivateDirectories(dir);
    this.out = Files.newBufferedWriter(items, StandardCharsets.UTF_8);
  }

  static PlanWriter in(Path dir) {
    try {
      return new PlanWriter(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write plan files in " + dir, e);
    }
  }

  synchronized void add(PlanItem item) {
    try {
      out.write(PlanFile.line(item));
      out.newLine();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write plan files in " + dir, e);
    }
    summary.add(item);
  }

  synchronized void addAll(List<PlanItem> items) {
    items.forEach(this::add);
  }

  /** Saves the plan with this header in the folder and returns it, read back from there. */
  synchronized RollbackPlan finish(
      String table,
      Instant to,
      Instant incidentEnd,
      String scope,
      Instant createdAt,
      List<String> recoveryTables) {
    close();
    Path plan = dir.resolve(PLAN);
    PlanFile.write(
        RollbackPlan.inFile(
            table,
            to,
            incidentEnd,
            scope,
            createdAt,
            recoveryTables,
            summary,
            items,
            0,
            summary.items(),
            null),
        plan);
    try {
      Files.deleteIfExists(items);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + items, e);
    }
    return PlanFile.read(plan);
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write plan files in " + dir, e);
    }
  }
}
