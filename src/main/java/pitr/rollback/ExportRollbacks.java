package pitr.rollback;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Consumer;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.AdaptiveRateLimiter;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.TableCapacity;
import pitr.export.ExportManifest;
import pitr.export.ExportStore;
import pitr.export.Exporter;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.ExportDescription;
import software.amazon.awssdk.services.dynamodb.model.ExportType;
import software.amazon.awssdk.services.dynamodb.model.ExportViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * Plans a table's rollback from an incremental export of the incident's window [T0, T1) instead of
 * two restored tables: the export's OldImage of each changed key is its T0 image and its NewImage
 * its T1 image, so no recovery table is made and only the changed keys of the live table are read.
 * The plan is the same as {@link Rollbacks#planTable} makes for the same incident, is applied with
 * {@link Rollbacks#apply} like any plan, and its header's scope names the export ({@code export
 * ARN}).
 *
 * <p>Everything is checked before an export is requested or a plan written: the request ({@link
 * Rollbacks.TableRequest#check}), T1 given, the window no longer than an incremental export covers
 * (else {@link ErrorCode#REFUSED} naming the {@code --source restore} command to use instead), the
 * table, PITR and both instants, the bucket; an export given by ARN must be of this table, be
 * incremental with both images, and cover exactly [T0, T1); its manifests and each data file must
 * match their checksums. Nothing is written to the live table while planning.
 */
public final class ExportRollbacks {
  private final DynamoDbGateway gateway;
  private final Tables tables;
  private final Clock clock;
  private final Rollbacks.Settings settings;
  private final Exporter exporter;

  private ExportRollbacks(
      DynamoDbGateway gateway, Clock clock, Rollbacks.Settings settings, Exporter exporter) {
    this.gateway = gateway;
    this.tables = new Tables(gateway);
    this.clock = clock;
    this.settings = settings;
    this.exporter = exporter;
  }

  /** Rollbacks over {@code client} reading exports from {@code store}; the caller closes both. */
  public static ExportRollbacks create(
      DynamoDbAsyncClient client,
      Clock clock,
      Scheduler scheduler,
      Rollbacks.Settings settings,
      ExportStore store,
      Duration poll) {
    DynamoDbGateway gateway =
        DynamoDbGateway.create(client, settings.targetName()).withScheduler(scheduler);
    return new ExportRollbacks(
        gateway, clock, settings, Exporter.create(gateway, store, clock).polling(poll));
  }

  /**
   * Where the export comes from: one to request into {@code bucket} (under {@code prefix}), or the
   * existing export {@code exportArn}.
   *
   * @param bucket the bucket to export to, or null with {@code exportArn}
   * @param prefix the key prefix, or null
   * @param exportArn an export made before, or null
   * @param timeout how long to wait for the export to complete
   * @param maxRcu read capacity units per second at most for reading the changed keys of the live
   *     table (one unit a key, strongly consistent), or 0 for no cap
   */
  public record Source(
      String bucket, String prefix, String exportArn, Duration timeout, double maxRcu) {}

  /**
   * The command that rolls {@code r} back from restored tables, for refusals.
   *
   * @param r the request
   */
  public static String restoreCommand(Rollbacks.TableRequest r) {
    return "pitr rollback "
        + r.table()
        + " --to "
        + r.to()
        + (r.incidentEnd() == null ? "" : " --incident-end " + r.incidentEnd())
        + " --source restore";
  }

  /**
   * The pace of the live table's reads: {@code --max-rcu}, starting no higher than what the table's
   * description says it can take; none when neither sets a limit.
   */
  private AdaptiveRateLimiter readRate(double maxRcu, TableDescription table) {
    double tableUnits = TableCapacity.readUnits(table);
    return maxRcu > 0 || tableUnits > 0
        ? AdaptiveRateLimiter.create(maxRcu, tableUnits, gateway.scheduler())
        : null;
  }

  /**
   * Requests (or finds) the export, waits for it, reads it and plans. {@code progress} hears each
   * status of the export while waiting.
   */
  public Mono<Rollbacks.Prepared> planTable(
      Rollbacks.TableRequest request, Source source, Consumer<ExportDescription> progress) {
    return planTable(request, source, progress, ScanProgress.NONE);
  }

  /** As above; {@code scan} hears how many of the export's changes are read. */
  public Mono<Rollbacks.Prepared> planTable(
      Rollbacks.TableRequest request,
      Source source,
      Consumer<ExportDescription> progress,
      ScanProgress scan) {
    String id = Rollbacks.newId(3);
    Path dir = settings.workDir().resolve(id);
    String fix = "roll back from restored tables instead: '" + restoreCommand(request) + "'";
    return Mono.fromRunnable(() -> check(request, fix))
        .then(gateway.describeTable(request.table()))
        .flatMap(
            table ->
                export(request, source, table, fix, progress)
                    .flatMap(d -> checked(d, request, table))
                    .flatMap(exporter::manifest)
                    .map(m -> checked(m, request, table))
                    .doOnNext(m -> scan.expect(m.itemCount()))
                    .flatMap(
                        m ->
                            new RollbackPlanner(tables, clock, settings.partitionItems(), scan)
                                .planChanges(
                                    request.table(),
                                    request.to(),
                                    request.incidentEnd(),
                                    "export " + m.exportArn(),
                                    exporter.reader().changes(m, null),
                                    request.overwrite(),
                                    readRate(source.maxRcu(), table),
                                    dir)))
        .map(plan -> new Rollbacks.Prepared(plan, List.of()))
        .onErrorResume(
            e -> {
              RollbackPlanner.delete(dir);
              return Mono.error(e);
            });
  }

  private static void check(Rollbacks.TableRequest request, String fix) {
    request.check();
    if (request.incidentEnd() == null) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--source export needs --incident-end T1: the export of [T0, T1) says what the incident"
              + " changed; pass --incident-end, or roll back from a restore without it: 'pitr"
              + " rollback "
              + request.table()
              + " --to "
              + request.to()
              + " --source restore'");
    }
    PitrException p =
        Exporter.windowProblem(request.to(), request.incidentEnd(), "--to", "--incident-end", fix);
    if (p != null) {
      throw p;
    }
  }

  private Mono<ExportDescription> export(
      Rollbacks.TableRequest request,
      Source source,
      TableDescription table,
      String fix,
      Consumer<ExportDescription> progress) {
    if (source.exportArn() != null) {
      return exporter
          .describe(source.exportArn())
          .flatMap(d -> checked(d, request, table))
          .flatMap(d -> exporter.await(d.exportArn(), source.timeout(), progress));
    }
    Exporter.ExportRequest export =
        new Exporter.ExportRequest(
            request.table(), request.to(), request.incidentEnd(), source.bucket(), source.prefix());
    return exporter
        .start(export, "--to", "--incident-end", fix)
        .flatMap(d -> exporter.await(d.exportArn(), source.timeout(), progress));
  }

  private static Mono<ExportDescription> checked(
      ExportDescription d, Rollbacks.TableRequest r, TableDescription table) {
    String problem = null;
    if (!table.tableArn().equals(d.tableArn())) {
      problem = "it is an export of " + d.tableArn() + ", not of " + table.tableArn();
    } else if (d.exportType() != ExportType.INCREMENTAL_EXPORT) {
      problem = "it is a full export; a rollback needs an incremental export of [T0, T1)";
    } else if (d.incrementalExportSpecification().exportViewType() == ExportViewType.NEW_IMAGE) {
      problem =
          "it was made with ExportViewType NEW_IMAGE, so it lacks the T0 images; export with"
              + " NEW_AND_OLD_IMAGES";
    } else {
      problem =
          window(
              d.incrementalExportSpecification().exportFromTime(),
              d.incrementalExportSpecification().exportToTime(),
              r);
    }
    return problem == null ? Mono.just(d) : Mono.error(refused(d.exportArn(), problem, r));
  }

  private static ExportManifest checked(
      ExportManifest m, Rollbacks.TableRequest r, TableDescription table) {
    String problem = null;
    if (!table.tableArn().equals(m.tableArn())) {
      problem = "its manifest names table " + m.tableArn() + ", not " + table.tableArn();
    } else if (!m.incremental() || "NEW_IMAGE".equals(m.outputView())) {
      problem = "its manifest is not of an incremental export with both images";
    } else {
      problem = window(m.fromTime(), m.toTime(), r);
    }
    if (problem != null) {
      throw refused(m.exportArn(), problem, r);
    }
    return m;
  }

  private static String window(Instant from, Instant to, Rollbacks.TableRequest r) {
    if (sameMillis(from, r.to()) && sameMillis(to, r.incidentEnd())) {
      return null;
    }
    return "it covers ["
        + from
        + ", "
        + to
        + "), not ["
        + r.to()
        + ", "
        + r.incidentEnd()
        + "): its images are those of its own ends, so only an export of exactly the incident's"
        + " window plans it";
  }

  /** DynamoDB keeps an export's instants to the millisecond. */
  static boolean sameMillis(Instant a, Instant b) {
    return a.truncatedTo(ChronoUnit.MILLIS).equals(b.truncatedTo(ChronoUnit.MILLIS));
  }

  private static PitrException refused(String exportArn, String problem, Rollbacks.TableRequest r) {
    return new PitrException(
        ErrorCode.USAGE,
        "Export "
            + exportArn
            + " cannot plan the rollback of "
            + r.table()
            + ": "
            + problem
            + "; pass --bucket to export the window now, or roll back from restored tables: '"
            + restoreCommand(r)
            + "'. Nothing was changed.");
  }
}
