package pitr.rollback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.files.SealedLines;
import pitr.migrate.MigrationEnvironment;
import pitr.migrate.MigrationState;
import pitr.migrate.RunRecord;
import reactor.core.publisher.Mono;

/**
 * The manifest of a migration rollback, {@code <workDir>/<id>/rollback.json}: which run it undoes
 * and, per table, its plan file and recovery tables, so a later process can resume it. One JSON
 * line, sealed ({@link SealedLines}): a manifest cut short or edited is refused, not trusted.
 *
 * @param id the rollback's id
 * @param migration the migration rolled back
 * @param runId the run rolled back
 * @param plans one per table, in order; empty while the rollback is still restoring and planning (a
 *     manifest saved before its first restore, so a rollback stopped then can be resumed)
 */
record RollbackManifest(String id, String migration, String runId, List<Entry> plans) {
  static final String FILE = "rollback.json";

  /**
   * One table's part.
   *
   * @param table the live table
   * @param plan the plan file, relative to the rollback's folder
   * @param recoveryTables the recovery tables made for it
   */
  record Entry(String table, String plan, List<String> recoveryTables) {}

  static RollbackManifest of(Rollbacks.MigrationRollback r, Path dir) {
    List<Entry> plans = new ArrayList<>();
    for (Rollbacks.Prepared p : r.plans()) {
      plans.add(
          new Entry(
              p.plan().table(),
              dir.toAbsolutePath().relativize(p.plan().file().toAbsolutePath()).toString(),
              p.recoveryTables()));
    }
    return new RollbackManifest(r.id(), r.run().migration(), r.run().runId(), plans);
  }

  /** The manifest of a rollback that has yet to save its plans. */
  static RollbackManifest planning(String id, RunRecord run) {
    return new RollbackManifest(id, run.migration(), run.runId(), List.of());
  }

  /** Saves the manifest in {@code dir}, atomically and sealed. */
  void write(Path dir) throws IOException {
    ObjectNode m = PlanFile.JSON.createObjectNode();
    m.put("rollbackId", id);
    m.put("migration", migration);
    m.put("runId", runId);
    ArrayNode list = m.putArray("plans");
    for (Entry e : plans) {
      ObjectNode n = list.addObject();
      n.put("table", e.table());
      n.put("plan", e.plan());
      ArrayNode recovery = n.putArray("recoveryTables");
      e.recoveryTables().forEach(recovery::add);
    }
    Files.createDirectories(dir);
    SealedLines.write(dir.resolve(FILE), List.of(PlanFile.JSON.writeValueAsString(m)));
  }

  /**
   * The rollback this manifest saved, its run read from the ledger: with its plans, or none when it
   * was stopped before it saved them. The run must not be rolled back already: SUCCEEDED, FAILED,
   * or RUNNING (the rollback holds the migration lock, so a run still RUNNING is one whose process
   * died).
   *
   * @param migration the migration the operator named
   * @param dir the rollback's folder
   * @throws PitrException {@link ErrorCode#USAGE} when it is of another migration, its run is not
   *     in the ledger or was rolled back already
   */
  Mono<Rollbacks.MigrationRollback> resume(MigrationEnvironment env, String migration, Path dir) {
    if (!this.migration.equals(migration)) {
      return Mono.error(
          new PitrException(
              ErrorCode.USAGE,
              "Rollback "
                  + id
                  + " undoes migration "
                  + this.migration
                  + ", not "
                  + migration
                  + "; resume it with 'pitr migrate rollback "
                  + this.migration
                  + " --resume "
                  + id
                  + "'"));
    }
    return env.ledger()
        .runs(migration)
        .filter(r -> r.runId().equals(runId))
        .next()
        .switchIfEmpty(
            Mono.error(
                () ->
                    new PitrException(
                        ErrorCode.USAGE,
                        "Run "
                            + runId
                            + " of "
                            + migration
                            + " is not in "
                            + env.ledger().table()
                            + "; check --ledger-table")))
        .map(
            run -> {
              if (run.status() != MigrationState.SUCCEEDED
                  && run.status() != MigrationState.FAILED
                  && run.status() != MigrationState.RUNNING) {
                throw new PitrException(
                    ErrorCode.USAGE,
                    "Run "
                        + runId
                        + " of "
                        + migration
                        + " is "
                        + run.status()
                        + ", so rollback "
                        + id
                        + " has nothing left to do; 'pitr migrate list' shows it");
              }
              List<Rollbacks.Prepared> prepared = new ArrayList<>();
              for (Entry p : plans) {
                prepared.add(
                    new Rollbacks.Prepared(
                        PlanFile.read(dir.resolve(p.plan()), fix(migration)), p.recoveryTables()));
              }
              return new Rollbacks.MigrationRollback(id, run, prepared);
            });
  }

  /** What to do about a migration rollback whose saved files cannot be trusted. */
  static String fix(String migration) {
    return "start the rollback again with 'pitr migrate rollback "
        + migration
        + "' (recovery tables it made stay until removed: 'pitr status TABLE' lists them,"
        + " 'pitr drop' removes them)";
  }

  /**
   * The manifest of rollback {@code id} in {@code dir}, checked against its seal.
   *
   * @param migration the migration the operator named, for the fix in messages
   * @throws PitrException {@link ErrorCode#USAGE} when there is none, or it cannot be trusted
   */
  static RollbackManifest read(Path dir, String id, String migration, Path workDir) {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) {
      throw new PitrException(
          ErrorCode.USAGE,
          "No migration rollback "
              + id
              + " in "
              + workDir
              + "; check the id and --state-dir. A rollback saves itself before its first"
              + " restore: one stopped before that has nothing to resume, so run 'pitr migrate"
              + " rollback "
              + migration
              + "' again without --resume");
    }
    String fix = fix(migration);
    List<String> lines = SealedLines.readAll(file, "Manifest of migration rollback " + id, fix);
    try {
      JsonNode m = lines.size() == 1 ? PlanFile.JSON.readTree(lines.get(0)) : null;
      if (m == null || !m.path("migration").isTextual() || !m.path("runId").isTextual()) {
        throw new IOException("it holds no migration and run");
      }
      List<Entry> plans = new ArrayList<>();
      for (JsonNode p : m.path("plans")) {
        List<String> recovery = new ArrayList<>();
        p.path("recoveryTables").forEach(t -> recovery.add(t.asText()));
        plans.add(new Entry(p.path("table").asText(), p.path("plan").asText(), recovery));
      }
      return new RollbackManifest(
          id, m.get("migration").asText(), m.get("runId").asText(), List.copyOf(plans));
    } catch (IOException e) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Manifest of migration rollback " + id + " " + file + " is not valid; " + fix + ".");
    }
  }
}
