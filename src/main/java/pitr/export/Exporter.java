package pitr.export;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.Durations;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.ExportCalls;
import pitr.restore.PointInTimeRestorer;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.ExportDescription;
import software.amazon.awssdk.services.dynamodb.model.ExportStatus;
import software.amazon.awssdk.services.dynamodb.model.ExportTableToPointInTimeRequest;
import software.amazon.awssdk.services.dynamodb.model.ExportType;
import software.amazon.awssdk.services.dynamodb.model.ExportViewType;

/**
 * Requests point-in-time exports of a table to S3 and waits for them: {@link #start} checks the
 * request first — the window's order and its 24-hour maximum, the bucket, the table, PITR and both
 * instants against the recovery period, as {@code pitr restore} checks them — and only then calls
 * ExportTableToPointInTime (with a ClientToken, so a retried call cannot start a second export).
 * What the service still refuses (on AWS, an incremental window under 15 minutes; on the embedded
 * engine, under its {@code --export-min-window}) comes back as {@link ErrorCode#REFUSED} with the
 * service's message and the caller's fix. An export costs no read capacity of the table.
 */
public final class Exporter {
  /** DynamoDB's longest incremental export window. */
  public static final Duration MAX_WINDOW = Duration.ofHours(24);

  /** DynamoDB's shortest incremental export window (the embedded engine's may be shorter). */
  public static final Duration MIN_WINDOW = Duration.ofMinutes(15);

  private static final Duration POLL = Duration.ofSeconds(10);

  private final DynamoDbGateway gateway;
  private final ExportCalls calls;
  private final ExportStore store;
  private final PointInTimeRestorer windows;
  private final Duration poll;

  private Exporter(
      DynamoDbGateway gateway, ExportStore store, PointInTimeRestorer windows, Duration poll) {
    this.gateway = gateway;
    this.calls = gateway.exports();
    this.store = store;
    this.windows = windows;
    this.poll = poll;
  }

  /** Exports of tables behind {@code gateway}, read back from {@code store}. */
  public static Exporter create(DynamoDbGateway gateway, ExportStore store, Clock clock) {
    return new Exporter(gateway, store, PointInTimeRestorer.create(gateway, clock, "pitr"), POLL);
  }

  /** The same exporter polling an export's status every {@code every}. */
  public Exporter polling(Duration every) {
    return new Exporter(gateway, store, windows, every);
  }

  /** The reader of this exporter's store. */
  public ExportReader reader() {
    return new ExportReader(store);
  }

  /** The store exports are read from. */
  public ExportStore store() {
    return store;
  }

  /**
   * An export to request.
   *
   * @param table the table
   * @param from ExportFromTime of an incremental export (inclusive), or null for a full export
   * @param to ExportToTime (exclusive) of an incremental export, or a full export's instant
   * @param bucket the S3 bucket
   * @param prefix the key prefix in it, or null
   */
  public record ExportRequest(
      String table, Instant from, Instant to, String bucket, String prefix) {
    /**
     * The instants are taken to the millisecond: DynamoDB takes export instants to the millisecond
     * (the SDK sends them so), so the window is checked (order, length, restore window) as it is
     * exported, and a write in {@code to}'s millisecond is outside an incremental export on every
     * path, as it is for a rollback's T1.
     */
    public ExportRequest {
      from = from == null ? null : from.truncatedTo(ChronoUnit.MILLIS);
      to = to == null ? null : to.truncatedTo(ChronoUnit.MILLIS);
    }

    /** Whether this is an incremental export. */
    public boolean incremental() {
      return from != null;
    }
  }

  /**
   * The refusal of an incremental window {@code [from, to)} that is not in order or longer than
   * DynamoDB exports, or null when it may be asked for; {@code fix} says what to do instead.
   */
  public static PitrException windowProblem(
      Instant from, Instant to, String fromOption, String toOption, String fix) {
    if (!from.isBefore(to)) {
      return new PitrException(
          ErrorCode.USAGE,
          toOption
              + " "
              + to
              + " is not after "
              + fromOption
              + " "
              + from
              + "; an incremental export covers [FROM, TO), so pass the earlier instant as "
              + fromOption
              + ". Nothing was changed.");
    }
    Duration length = Duration.between(from, to);
    if (length.compareTo(MAX_WINDOW) > 0) {
      return new PitrException(
          ErrorCode.REFUSED,
          "The window "
              + fromOption
              + " "
              + from
              + " to "
              + toOption
              + " "
              + to
              + " is "
              + Durations.format(length)
              + ", and an incremental export covers at most 24h; "
              + fix
              + ". Nothing was changed.");
    }
    return null;
  }

  /**
   * Checks {@code request} and requests the export; emits its description (usually IN_PROGRESS).
   *
   * @param fix what to do instead when the window is refused, e.g. the restore command
   * @throws PitrException {@link ErrorCode#USAGE} for a window out of order, a bucket that does not
   *     exist, a table that does not exist; {@link ErrorCode#REFUSED} for a window DynamoDB does
   *     not export, PITR off, an instant outside the recovery period
   */
  public Mono<ExportDescription> start(ExportRequest request, String fix) {
    return start(request, "--from", "--to", fix);
  }

  /** As {@link #start(ExportRequest, String)}, naming the instants as these options. */
  public Mono<ExportDescription> start(
      ExportRequest request, String fromOption, String toOption, String fix) {
    return Mono.fromRunnable(
            () -> {
              if (request.incremental()) {
                PitrException p =
                    windowProblem(request.from(), request.to(), fromOption, toOption, fix);
                if (p != null) {
                  throw p;
                }
              }
            })
        .then(checkBucket(request.bucket()))
        .then(gateway.describeTable(request.table()))
        .flatMap(
            table ->
                (request.incremental()
                        ? windows.checkRestorable(request.table(), request.from(), fromOption)
                        : Mono.<Instant>empty())
                    .then(windows.checkRestorable(request.table(), request.to(), toOption))
                    .then(calls.export(build(request, table.tableArn()), fix)));
  }

  /** Refuses a bucket that does not exist, before anything is requested. */
  public Mono<Void> checkBucket(String bucket) {
    return store
        .bucketExists(bucket)
        .flatMap(
            exists ->
                exists
                    ? Mono.<Void>empty()
                    : Mono.error(
                        new PitrException(
                            ErrorCode.USAGE,
                            "Bucket "
                                + bucket
                                + " does not exist ("
                                + store.describe(bucket, "")
                                + "); create it first or pass another --bucket. Nothing was"
                                + " exported.")));
  }

  static ExportTableToPointInTimeRequest build(ExportRequest r, String tableArn) {
    ExportTableToPointInTimeRequest.Builder b =
        ExportTableToPointInTimeRequest.builder()
            .tableArn(tableArn)
            .s3Bucket(r.bucket())
            .s3Prefix(r.prefix())
            .clientToken(UUID.randomUUID().toString());
    if (r.incremental()) {
      b.exportType(ExportType.INCREMENTAL_EXPORT)
          .incrementalExportSpecification(
              s ->
                  s.exportFromTime(r.from())
                      .exportToTime(r.to())
                      .exportViewType(ExportViewType.NEW_AND_OLD_IMAGES));
    } else {
      b.exportType(ExportType.FULL_EXPORT).exportTime(r.to());
    }
    return b.build();
  }

  /** The export's description now. */
  public Mono<ExportDescription> describe(String exportArn) {
    return calls.describe(exportArn);
  }

  /**
   * Polls the export until it is COMPLETED, telling {@code progress} each status seen.
   *
   * @throws PitrException {@link ErrorCode#USAGE} when it FAILED because the bucket does not exist,
   *     {@link ErrorCode#FAILED} when it FAILED otherwise or is still IN_PROGRESS after {@code
   *     timeout} (it goes on in DynamoDB; the message says how to pick it up)
   */
  public Mono<ExportDescription> await(
      String exportArn, Duration timeout, Consumer<ExportDescription> progress) {
    return calls
        .describe(exportArn)
        .expand(
            d ->
                d.exportStatus() == ExportStatus.IN_PROGRESS
                    ? Mono.delay(poll, gateway.scheduler()).then(calls.describe(exportArn))
                    : Mono.empty())
        .doOnNext(progress)
        .filter(d -> d.exportStatus() != ExportStatus.IN_PROGRESS)
        .next()
        .timeout(timeout, gateway.scheduler())
        .onErrorMap(
            TimeoutException.class,
            e ->
                new PitrException(
                    ErrorCode.FAILED,
                    "Export "
                        + exportArn
                        + " is still IN_PROGRESS after "
                        + Durations.format(timeout)
                        + "; it goes on in DynamoDB: pass --export "
                        + exportArn
                        + " to use it once it is COMPLETED, or wait longer with a larger"
                        + " timeout"))
        .map(Exporter::completed);
  }

  private static ExportDescription completed(ExportDescription d) {
    if (d.exportStatus() == ExportStatus.COMPLETED) {
      return d;
    }
    if ("S3NoSuchBucket".equals(d.failureCode())) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Export "
              + d.exportArn()
              + " FAILED: bucket "
              + d.s3Bucket()
              + " does not exist; create it or pass another --bucket");
    }
    throw new PitrException(
        ErrorCode.FAILED,
        "Export "
            + d.exportArn()
            + " FAILED ("
            + d.failureCode()
            + ": "
            + d.failureMessage()
            + "); fix the cause and export again");
  }

  /** The manifest of a COMPLETED export, read and checked ({@link ExportReader#manifest}). */
  public Mono<ExportManifest> manifest(ExportDescription d) {
    if (d.exportManifest() == null) {
      return Mono.error(
          new PitrException(
              ErrorCode.USAGE,
              "Export "
                  + d.exportArn()
                  + " is "
                  + d.exportStatusAsString()
                  + " and has no manifest yet; wait until it is COMPLETED"));
    }
    return reader().manifest(d.s3Bucket(), d.exportManifest());
  }
}
