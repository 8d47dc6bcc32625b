package pitr.rollback;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.copy.KeySpill;
import pitr.dynamo.Durations;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.ItemJson;
import pitr.dynamo.KeySchema;
import pitr.export.ExportManifest;
import pitr.export.ExportStore;
import pitr.export.Exporter;
import pitr.migrate.MigrationEnvironment;
import pitr.migrate.RunRecord;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.ExportDescription;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryDescription;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryStatus;

/**
 * Plans the rollback of a migration run from incremental exports instead of restored tables: per
 * table the run declared, an export of [the run's restore point, the table's latest restorable
 * time) gives each key changed since the restore point its image at the restore point (OldImage),
 * which is exactly what a restore of the restore point holds for it. The candidates are still the
 * keys the run journaled, judged as {@link Rollbacks#planMigration} judges them: a live item whose
 * hash is the journaled image is restored, anything else is a conflict, kept unless overwrite. No
 * recovery table is made, and only the journaled keys of the live table are read.
 *
 * <p>A journaled key the export does not list was not changed from the restore point to the
 * export's end: the run's write did not land or changed nothing, so there is nothing of the run to
 * undo and it is not planned (a plan from a restore skips it too, unless it was changed in the few
 * minutes after the export's end, which the export cannot see).
 *
 * <p>Refused before any export is requested ({@link ErrorCode#REFUSED}, naming {@code --source
 * restore}, which undoes the run from its journal and a restore): a run that never finished, a
 * table without point-in-time recovery, a restore point before the earliest restorable time, a
 * window shorter than an incremental export's 15 minutes (wait) or one whose 24 hours end before
 * the run finished. Memory stays flat: the export's changes and the journal are spilled by key into
 * partition files and joined partition by partition.
 */
public final class MigrationExportRollbacks {
  private static final int BATCH = 100;
  private static final String NO_IMAGE = "-";

  private final DynamoDbGateway gateway;
  private final Tables tables;
  private final Clock clock;
  private final Rollbacks.Settings settings;
  private final Exporter exporter;
  private final Duration minWindow;

  private MigrationExportRollbacks(
      DynamoDbGateway gateway,
      Clock clock,
      Rollbacks.Settings settings,
      Exporter exporter,
      Duration minWindow) {
    this.gateway = gateway;
    this.tables = new Tables(gateway);
    this.clock = clock;
    this.settings = settings;
    this.exporter = exporter;
    this.minWindow = minWindow;
  }

  /** Rollbacks over {@code client} reading exports from {@code store}; the caller closes both. */
  public static MigrationExportRollbacks create(
      DynamoDbAsyncClient client,
      Clock clock,
      Scheduler scheduler,
      Rollbacks.Settings settings,
      ExportStore store,
      Duration poll) {
    DynamoDbGateway gateway =
        DynamoDbGateway.create(client, settings.targetName()).withScheduler(scheduler);
    return new MigrationExportRollbacks(
        gateway,
        clock,
        settings,
        Exporter.create(gateway, store, clock).polling(poll),
        Exporter.MIN_WINDOW);
  }

  /**
   * The same over a target whose exports may be shorter than DynamoDB's 15 minutes (the embedded
   * engine's {@code --export-min-window}), for drills and tests.
   */
  public MigrationExportRollbacks withMinWindow(Duration window) {
    return new MigrationExportRollbacks(gateway, clock, settings, exporter, window);
  }

  /**
   * Where the exports go.
   *
   * @param bucket the S3 bucket
   * @param prefix the key prefix, or null
   * @param timeout how long to wait for each export
   */
  public record Source(String bucket, String prefix, Duration timeout) {}

  /**
   * The window one table is exported over.
   *
   * @param table the table
   * @param from the run's restore point (inclusive)
   * @param to the end (exclusive): the table's latest restorable time, or 24 hours after {@code
   *     from}
   */
  public record Window(String table, Instant from, Instant to) {}

  /**
   * The windows to export, one per table of {@code run}, checked now as {@link #planMigration}
   * checks them; requests nothing.
   *
   * @throws PitrException {@link ErrorCode#REFUSED} as the class says
   */
  public Mono<List<Window>> windows(RunRecord run) {
    return Flux.fromIterable(run.tables()).concatMap(t -> window(run, t)).collectList();
  }

  private Mono<Window> window(RunRecord run, String table) {
    return gateway
        .describeTable(table)
        .then(gateway.describeContinuousBackups(table))
        .map(d -> window(run, table, d.pointInTimeRecoveryDescription()));
  }

  private Window window(RunRecord run, String table, PointInTimeRecoveryDescription p) {
    String restore = restoreCommand(run.migration());
    String what = "run " + run.runId() + " of " + run.migration();
    if (run.finishedAt() == null) {
      throw refused(
          what
              + " never finished (its process stopped), so no export window can be known to"
              + " cover its writes",
          restore);
    }
    if (p == null
        || p.pointInTimeRecoveryStatus() != PointInTimeRecoveryStatus.ENABLED
        || p.latestRestorableDateTime() == null) {
      throw refused("point-in-time recovery is off for table " + table, restore);
    }
    Instant from = run.restorePoint().truncatedTo(ChronoUnit.MILLIS);
    Instant latest = p.latestRestorableDateTime().truncatedTo(ChronoUnit.MILLIS);
    if (from.isBefore(p.earliestRestorableDateTime())) {
      throw refused(
          "the restore point "
              + from
              + " of "
              + what
              + " is before the earliest restorable time of table "
              + table
              + " ("
              + p.earliestRestorableDateTime()
              + "), so no export (nor restore) can start there",
          null);
    }
    Instant earliestEnd = from.plus(minWindow);
    if (latest.isBefore(earliestEnd)) {
      throw refused(
          "an incremental export covers at least "
              + Durations.format(minWindow)
              + ", so table "
              + table
              + " can be exported from the restore point "
              + from
              + " of "
              + what
              + " once its latest restorable time reaches "
              + earliestEnd
              + " (it is "
              + latest
              + "); wait until then",
          restore);
    }
    Instant to =
        latest.isAfter(from.plus(Exporter.MAX_WINDOW)) ? from.plus(Exporter.MAX_WINDOW) : latest;
    if (!to.isAfter(run.finishedAt())) {
      throw refused(
          what
              + " finished at "
              + run.finishedAt()
              + ", after the 24h an incremental export from its restore point "
              + from
              + " covers",
          restore);
    }
    return new Window(table, from, to);
  }

  /** The command that undoes the run from its journal and a restore, for refusals. */
  public static String restoreCommand(String migration) {
    return "pitr migrate rollback " + migration + " --source restore";
  }

  private static PitrException refused(String problem, String restore) {
    return new PitrException(
        ErrorCode.REFUSED,
        "Cannot roll back from an export: "
            + problem
            + (restore == null
                ? ""
                : "; or roll back from the run's journal and a restore instead: '" + restore + "'")
            + ". Nothing was changed.");
  }

  /**
   * Checks every table's window, then per table exports it, waits, and plans the run's journaled
   * keys from the export; saves the plans and a manifest under {@code <workDir>/<id>/} as {@link
   * Rollbacks#planMigration} does, so {@link Rollbacks#resumeMigration} resumes it. {@code
   * progress} hears each status of an export while waiting.
   */
  public Mono<Rollbacks.MigrationRollback> planMigration(
      MigrationEnvironment env,
      RunRecord run,
      boolean overwrite,
      Source source,
      String id,
      Consumer<ExportDescription> progress) {
    Path dir = settings.workDir().resolve(id);
    String fix =
        "roll back from the run's journal and a restore instead: '"
            + restoreCommand(run.migration())
            + "'";
    return windows(run)
        .flatMapMany(Flux::fromIterable)
        .concatMap(
            w ->
                exporter
                    .start(
                        new Exporter.ExportRequest(
                            w.table(), w.from(), w.to(), source.bucket(), source.prefix()),
                        "Run " + run.runId() + "'s restore point",
                        "the export's end",
                        fix)
                    .flatMap(d -> exporter.await(d.exportArn(), source.timeout(), progress))
                    .flatMap(exporter::manifest)
                    .flatMap(m -> plan(env, run, w, m, overwrite, dir.resolve(w.table()))))
        .map(plan -> new Rollbacks.Prepared(plan, List.of()))
        .collectList()
        .map(plans -> new Rollbacks.MigrationRollback(id, run, plans))
        .flatMap(
            r ->
                Mono.fromCallable(
                        () -> {
                          RollbackManifest.of(r, dir).write(dir);
                          return r;
                        })
                    .subscribeOn(Schedulers.boundedElastic()))
        .onErrorResume(
            e -> {
              RollbackPlanner.delete(dir);
              return Mono.error(e);
            });
  }

  private Mono<RollbackPlan> plan(
      MigrationEnvironment env,
      RunRecord run,
      Window w,
      ExportManifest m,
      boolean overwrite,
      Path dir) {
    if (!m.incremental()
        || "NEW_IMAGE".equals(m.outputView())
        || !ExportRollbacks.sameMillis(m.fromTime(), w.from())
        || !ExportRollbacks.sameMillis(m.toTime(), w.to())) {
      return Mono.error(
          new PitrException(
              ErrorCode.FAILED,
              "Export "
                  + m.exportArn()
                  + "'s manifest is not of the incremental export of ["
                  + w.from()
                  + ", "
                  + w.to()
                  + ") with both images that was requested; nothing was written: run the"
                  + " rollback again"));
    }
    int partitions =
        RollbackPlanner.partitions(
            Math.max(m.itemCount(), run.itemsWritten()), settings.partitionItems());
    Path spill = dir.resolve("spill");
    return tables
        .keySchema(w.table())
        .flatMap(
            schema ->
                KeySpill.spillLines(
                        exporter
                            .reader()
                            .changes(m, null)
                            .map(
                                c ->
                                    line(
                                        KeySpill.keyText(schema, c.key()),
                                        c.oldImage() == null
                                            ? NO_IMAGE
                                            : ItemJson.write(c.oldImage()))),
                        spill.resolve("export"),
                        partitions)
                    .then(
                        KeySpill.spillLines(
                            env.journal(run)
                                .filter(e -> e.table().equals(w.table()))
                                .map(e -> line(KeySpill.keyText(schema, e.key()), e.imageHash())),
                            spill.resolve("journal"),
                            partitions))
                    .then(
                        new RollbackPlanner(tables, clock, settings.partitionItems())
                            .planJournaledImages(
                                w.table(),
                                run.restorePoint(),
                                "migration "
                                    + run.migration()
                                    + " run "
                                    + run.runId()
                                    + ", from export "
                                    + m.exportArn(),
                                Flux.range(0, partitions)
                                    .concatMap(
                                        p ->
                                            Mono.fromCallable(() -> candidates(spill, p, schema))
                                                .subscribeOn(Schedulers.boundedElastic())
                                                .flatMapMany(Flux::fromIterable),
                                        1),
                                overwrite,
                                dir)))
        .doFinally(s -> RollbackPlanner.delete(spill));
  }

  private static Map.Entry<String, String> line(String key, String value) {
    return new AbstractMap.SimpleImmutableEntry<>(key, value);
  }

  /**
   * The journaled keys of partition {@code p} that the export lists, each with its image at the
   * restore point; keys the export does not list have nothing of the run to undo.
   */
  private static List<RollbackPlanner.JournaledImage> candidates(
      Path spill, int p, KeySchema schema) throws java.io.IOException {
    Map<String, String> before = new HashMap<>();
    KeySpill.forEach(spill.resolve("export"), p, before::put);
    List<RollbackPlanner.JournaledImage> out = new ArrayList<>();
    KeySpill.forEach(
        spill.resolve("journal"),
        p,
        (key, hash) -> {
          String image = before.get(key);
          if (image != null) {
            out.add(
                new RollbackPlanner.JournaledImage(
                    schema.keyOf(ItemJson.read(key)),
                    NO_IMAGE.equals(image) ? null : ItemJson.read(image),
                    hash));
          }
        });
    return Collections.unmodifiableList(out);
  }
}
