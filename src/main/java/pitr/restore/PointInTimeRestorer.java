package pitr.restore;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.Durations;
import pitr.dynamo.DynamoDbGateway;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ContinuousBackupsDescription;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryDescription;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryStatus;
import software.amazon.awssdk.services.dynamodb.model.RestoreTableToPointInTimeRequest;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * Restores a table to a point in time into a new recovery table, after checking that the instant
 * lies inside the table's restore window, then tags the new table, optionally waits for it to be
 * ACTIVE, and lists what the restore did not carry over.
 *
 * <p>Nothing is created when a check refuses. A restore that was started is not undone when the
 * wait times out: the table keeps restoring and {@code pitr status} lists it.
 */
public final class PointInTimeRestorer {
  private static final Logger log = LoggerFactory.getLogger(PointInTimeRestorer.class);
  private static final Duration POLL = Duration.ofSeconds(10);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final DynamoDbGateway gateway;
  private final Clock clock;
  private final Supplier<String> ids;
  private final String createdBy;
  private final Duration poll;

  private PointInTimeRestorer(
      DynamoDbGateway gateway, Clock clock, Supplier<String> ids, String createdBy, Duration poll) {
    this.gateway = gateway;
    this.clock = clock;
    this.ids = ids;
    this.createdBy = createdBy;
    this.poll = poll;
  }

  /** A restorer using {@code clock} for "now" and random six-hex-digit table ids. */
  public static PointInTimeRestorer create(DynamoDbGateway gateway, Clock clock, String createdBy) {
    return new PointInTimeRestorer(
        gateway,
        clock,
        () -> {
          byte[] b = new byte[3];
          RANDOM.nextBytes(b);
          return HexFormat.of().formatHex(b);
        },
        createdBy,
        POLL);
  }

  /** The same restorer polling table status every {@code interval}. */
  public PointInTimeRestorer polling(Duration interval) {
    return new PointInTimeRestorer(gateway, clock, ids, createdBy, interval);
  }

  /**
   * Runs the restore; {@code progress} sees each status poll while waiting.
   *
   * @return the result; fails with {@link ErrorCode#REFUSED} when PITR is off or the instant is
   *     outside the window, {@link ErrorCode#USAGE} for a future instant or an unknown table
   */
  public Mono<RestoreResult> restore(RestoreRequest request, Consumer<TableDescription> progress) {
    Instant started = clock.instant();
    String target =
        request.targetName() != null
            ? request.targetName()
            : RecoveryNames.of(request.source(), ids.get());
    if (target.equals(request.source())) {
      return Mono.error(
          new PitrException(
              ErrorCode.USAGE,
              "--as "
                  + target
                  + " names the source table itself; a restore always creates a new"
                  + " table, so pass another name"));
    }
    return gateway
        .describeTable(request.source())
        .zipWith(gateway.describeContinuousBackups(request.source()))
        .flatMap(
            t -> {
              TableDescription source = t.getT1();
              Instant point = check(request, t.getT2());
              RestoreTableToPointInTimeRequest call = restoreCall(request, target, source);
              return gateway
                  .restoreToPointInTime(call)
                  .doOnNext(
                      created ->
                          log.info(
                              "event=restore_start source={} target={} restore_point={}",
                              request.source(),
                              target,
                              point))
                  .flatMap(
                      created -> afterStart(request, source, created, point, started, progress));
            });
  }

  /**
   * As {@link #restore} into the request's named target, for a restore that a process stopped
   * (killed, say) may have started already: when the target exists as a recovery table of the same
   * source at the same restore point (its tags say so), that table is waited for and used instead
   * of restoring again. A table of that name that is not one is refused ({@link
   * ErrorCode#REFUSED}), changing nothing.
   */
  public Mono<RestoreResult> restoreOrAdopt(
      RestoreRequest request, Consumer<TableDescription> progress) {
    String target = request.targetName();
    if (target == null || request.point().isLatest()) {
      return Mono.error(
          new IllegalArgumentException("restoreOrAdopt needs a target name and an instant"));
    }
    return gateway
        .findTable(target)
        .flatMap(found -> adopt(request, found, progress))
        .switchIfEmpty(Mono.defer(() -> restore(request, progress)));
  }

  private Mono<RestoreResult> adopt(
      RestoreRequest request, TableDescription found, Consumer<TableDescription> progress) {
    Instant started = clock.instant();
    Instant point = request.point().instant();
    String target = found.tableName();
    return gateway
        .tags(found.tableArn())
        .flatMap(
            tags -> {
              if (!request.source().equals(tags.get(RecoveryTags.RECOVERY_OF))
                  || !point.toString().equals(tags.get(RecoveryTags.RESTORE_POINT))) {
                return Mono.error(
                    new PitrException(
                        ErrorCode.REFUSED,
                        "Table "
                            + target
                            + " exists, but its tags do not say it is a recovery table of "
                            + request.source()
                            + " at "
                            + point
                            + " ("
                            + RecoveryTags.RECOVERY_OF
                            + "="
                            + tags.get(RecoveryTags.RECOVERY_OF)
                            + ", "
                            + RecoveryTags.RESTORE_POINT
                            + "="
                            + tags.get(RecoveryTags.RESTORE_POINT)
                            + "), so pitr will not use it in its place. If it is left over from an"
                            + " interrupted restore, drop it (pitr drop "
                            + target
                            + ") and run again. Nothing was changed."));
              }
              log.info(
                  "event=restore_adopt source={} target={} restore_point={} status={}",
                  request.source(),
                  target,
                  point,
                  found.tableStatusAsString());
              return ready(request, found, progress)
                  .map(done -> result(request, done, point, started, tags, List.of()));
            });
  }

  static RestoreTableToPointInTimeRequest restoreCall(
      RestoreRequest request, String target, TableDescription source) {
    RestoreTableToPointInTimeRequest.Builder b =
        RestoreTableToPointInTimeRequest.builder()
            .sourceTableName(request.source())
            .targetTableName(target);
    if (request.point().isLatest()) {
      b.useLatestRestorableTime(true);
    } else {
      b.restoreDateTime(request.point().instant());
    }
    if (!request.indexes()) {
      if (source.hasGlobalSecondaryIndexes()) {
        b.globalSecondaryIndexOverride(List.of());
      }
      if (source.hasLocalSecondaryIndexes()) {
        b.localSecondaryIndexOverride(List.of());
      }
    }
    return b.build();
  }

  /**
   * Checks, creating nothing, that {@code source} can be restored to {@code at} now: the table
   * exists, point-in-time recovery is on, and {@code at} is inside the restore window. Fails as
   * {@link #restore} would before starting, with {@code option} and its value named in the message
   * of an instant outside the window. Commands that restore several instants check them all first.
   */
  public Mono<Instant> checkRestorable(String source, Instant at, String option) {
    RestoreRequest request = RestoreRequest.of(source, RestorePoint.at(at));
    return gateway
        .describeTable(source)
        .then(gateway.describeContinuousBackups(source))
        .map(backups -> check(request, backups, option));
  }

  /** The instant to restore; refuses what the window cannot serve. */
  Instant check(RestoreRequest request, ContinuousBackupsDescription backups) {
    return check(request, backups, null);
  }

  private Instant check(
      RestoreRequest request, ContinuousBackupsDescription backups, String option) {
    PointInTimeRecoveryDescription p = backups.pointInTimeRecoveryDescription();
    String table = request.source();
    if (p == null || p.pointInTimeRecoveryStatus() != PointInTimeRecoveryStatus.ENABLED) {
      throw new PitrException(
          ErrorCode.REFUSED,
          "Point-in-time recovery is off for table "
              + table
              + ", so it cannot be restored to a point in time; turn it on with 'aws dynamodb"
              + " update-continuous-backups --table-name "
              + table
              + " --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true'"
              + " (only changes made after that can be restored)");
    }
    Instant earliest = p.earliestRestorableDateTime();
    Instant latest = p.latestRestorableDateTime();
    if (request.point().isLatest()) {
      return latest;
    }
    Instant at = request.point().instant();
    Instant now = clock.instant();
    if (option != null && at.isAfter(now)) {
      throw new PitrException(
          ErrorCode.USAGE,
          option
              + " "
              + at
              + " is in the future (now is "
              + now
              + "); pass a past instant, or a relative time like -15m. Nothing was changed.");
    }
    if (at.isAfter(now)) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Restore point "
              + at
              + " is in the future (now is "
              + now
              + "); pass a past instant, a relative time like -15m, or latest");
    }
    if (option != null && (at.isBefore(earliest) || at.isAfter(latest))) {
      throw new PitrException(
          ErrorCode.REFUSED,
          option
              + " "
              + at
              + " is outside the restore window of table "
              + table
              + " ("
              + earliest
              + " through "
              + latest
              + "): it is "
              + (at.isBefore(earliest)
                  ? "before the earliest restorable time; pick an instant inside the window"
                  : "after the latest restorable time, which trails now by a few minutes on AWS;"
                      + " wait and rerun, or pick an instant inside the window")
              + ". Nothing was changed.");
    }
    if (at.isBefore(earliest) || at.isAfter(latest)) {
      throw new PitrException(
          ErrorCode.REFUSED,
          "Table "
              + table
              + " can be restored to "
              + earliest
              + " through "
              + latest
              + " only, and "
              + at
              + " is "
              + (at.isBefore(earliest) ? "before" : "after")
              + " that window; pick an instant inside it"
              + (at.isAfter(latest) ? " or pass --to latest" : ""));
    }
    return at;
  }

  private Mono<RestoreResult> afterStart(
      RestoreRequest request,
      TableDescription source,
      TableDescription created,
      Instant point,
      Instant started,
      Consumer<TableDescription> progress) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(RecoveryTags.RECOVERY_OF, request.source());
    tags.put(RecoveryTags.RESTORE_POINT, point.toString());
    tags.put(RecoveryTags.CREATED_BY, createdBy);
    // Tag at once, so a table whose wait is interrupted is still known as a recovery table.
    return gateway
        .tag(created.tableArn(), tags)
        .then(ready(request, created, progress))
        .flatMap(
            done ->
                notCarriedOver(request, source, done)
                    .map(missing -> result(request, done, point, started, tags, missing)))
        .doOnNext(
            r ->
                log.info(
                    "event=restore_done source={} target={} status={} elapsed={}",
                    r.source(),
                    r.target(),
                    r.status(),
                    Durations.format(r.elapsed())));
  }

  /** {@code created} once ACTIVE where the request waits, else as it is. */
  private Mono<TableDescription> ready(
      RestoreRequest request, TableDescription created, Consumer<TableDescription> progress) {
    return request.waits()
        ? gateway
            .awaitActive(created.tableName(), request.waitTimeout(), poll)
            .doOnNext(progress)
            .last(created)
        : Mono.just(created);
  }

  private RestoreResult result(
      RestoreRequest request,
      TableDescription done,
      Instant point,
      Instant started,
      Map<String, String> tags,
      List<String> missing) {
    return new RestoreResult(
        request.source(),
        done.tableName(),
        done.tableArn(),
        point,
        done.tableStatusAsString(),
        Duration.between(started, clock.instant()),
        tags,
        missing);
  }

  /** Settings of the source that the restored table lacks, one line each. */
  Mono<List<String>> notCarriedOver(
      RestoreRequest request, TableDescription source, TableDescription restored) {
    return Mono.zip(
            gateway.describeTimeToLive(source.tableName()).map(List::of).defaultIfEmpty(List.of()),
            gateway.tags(source.tableArn()),
            gateway.describeContinuousBackups(source.tableName()))
        .map(
            t -> {
              List<String> lines = new ArrayList<>();
              TimeToLiveDescription ttl = t.getT1().isEmpty() ? null : t.getT1().get(0);
              if (ttl != null && ttl.timeToLiveStatus() == TimeToLiveStatus.ENABLED) {
                lines.add(
                    "TTL on attribute "
                        + ttl.attributeName()
                        + " (expired items are not deleted in "
                        + restored.tableName()
                        + ")");
              }
              if (source.streamSpecification() != null
                  && Boolean.TRUE.equals(source.streamSpecification().streamEnabled())) {
                lines.add("stream (" + source.streamSpecification().streamViewTypeAsString() + ")");
              }
              List<String> tagKeys =
                  t.getT2().keySet().stream()
                      .filter(k -> !RecoveryTags.isPitrTag(k))
                      .sorted()
                      .toList();
              if (!tagKeys.isEmpty()) {
                lines.add("tags " + String.join(", ", tagKeys));
              }
              boolean provisioned =
                  source.billingModeSummary() == null
                      || source.billingModeSummary().billingMode() == BillingMode.PROVISIONED;
              if (provisioned) {
                lines.add(
                    "auto scaling (any Application Auto Scaling policies of "
                        + source.tableName()
                        + " apply to it only)");
              }
              PointInTimeRecoveryDescription p = t.getT3().pointInTimeRecoveryDescription();
              if (p != null && p.pointInTimeRecoveryStatus() == PointInTimeRecoveryStatus.ENABLED) {
                lines.add("point-in-time recovery (off on " + restored.tableName() + ")");
              }
              if (!request.indexes() && source.hasGlobalSecondaryIndexes()) {
                lines.add("global secondary indexes (left out with --no-indexes)");
              }
              lines.add("IAM policies and CloudWatch alarms (never restored)");
              return lines;
            });
  }
}
