package pitr.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import pitr.ErrorCode;
import pitr.PitrException;
import software.amazon.awssdk.services.scheduler.model.ActionAfterCompletion;
import software.amazon.awssdk.services.scheduler.model.CreateScheduleRequest;
import software.amazon.awssdk.services.scheduler.model.FlexibleTimeWindow;
import software.amazon.awssdk.services.scheduler.model.FlexibleTimeWindowMode;
import software.amazon.awssdk.services.scheduler.model.Target;

/**
 * An EventBridge Scheduler schedule that submits a {@link JobSpec} later: once ({@code
 * at(yyyy-mm-ddThh:mm:ss)}, UTC) or repeatedly ({@code cron(...)}), with the universal target
 * {@code batch:submitJob} and a role allowed {@code batch:SubmitJob}.
 *
 * @param name the schedule's name
 * @param expression {@code at(...)} or {@code cron(...)}
 * @param roleArn the role the scheduler submits the job with
 */
public record ScheduleSpec(String name, String expression, String roleArn) {
  /** The universal target that calls Batch's SubmitJob. */
  public static final String SUBMIT_JOB_TARGET = "arn:aws:scheduler:::aws-sdk:batch:submitJob";

  private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

  /**
   * {@code at(...)} for {@code when}: an ISO-8601 instant ({@code 2026-12-05T02:00:00Z}), a time
   * with an offset, or a local date-time taken as UTC.
   *
   * @throws PitrException {@link ErrorCode#USAGE} when it is not a time, or not after now
   */
  public static String at(String when, Clock clock) {
    Instant instant;
    try {
      instant = OffsetDateTime.parse(when.trim()).toInstant();
    } catch (DateTimeParseException e) {
      try {
        instant = LocalDateTime.parse(when.trim()).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e2) {
        throw new PitrException(
            ErrorCode.USAGE,
            "--at "
                + when
                + " is not a time; pass an ISO-8601 time in UTC, e.g. --at 2026-12-05T02:00:00Z");
      }
    }
    Instant now = clock.instant();
    if (!instant.isAfter(now)) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--at "
              + when
              + " is in the past (now "
              + now.truncatedTo(ChronoUnit.SECONDS)
              + "); pass a later time, or leave --at out to submit the job now. Nothing was"
              + " scheduled");
    }
    return "at(" + AT.format(instant.atOffset(ZoneOffset.UTC)) + ")";
  }

  /**
   * {@code cron(EXPR)}: EventBridge's six fields, minutes hours day-of-month month day-of-week
   * year, e.g. {@code 0 2 ? * SUN *}, in UTC.
   *
   * @throws PitrException {@link ErrorCode#USAGE} when it does not have six fields
   */
  public static String cron(String expression) {
    String e = expression.trim();
    if (e.startsWith("cron(") && e.endsWith(")")) {
      e = e.substring(5, e.length() - 1).trim();
    }
    if (e.split("\\s+").length != 6) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--cron "
              + expression
              + " is not an EventBridge cron expression; pass its six fields: minutes hours"
              + " day-of-month month day-of-week year, e.g. --cron '0 2 ? * SUN *' (UTC)");
    }
    return "cron(" + e + ")";
  }

  /** The CreateSchedule request that submits {@code job}. */
  public CreateScheduleRequest request(JobSpec job) {
    String input;
    try {
      input = new ObjectMapper().writeValueAsString(job.schedulerInput());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    CreateScheduleRequest.Builder b =
        CreateScheduleRequest.builder()
            .name(name)
            .scheduleExpression(expression)
            .scheduleExpressionTimezone("UTC")
            .flexibleTimeWindow(
                FlexibleTimeWindow.builder().mode(FlexibleTimeWindowMode.OFF).build())
            .description("pitr: " + String.join(" ", job.command()))
            .target(Target.builder().arn(SUBMIT_JOB_TARGET).roleArn(roleArn).input(input).build());
    if (expression.startsWith("at(")) {
      // A one-time schedule has nothing left to do once it fired.
      b.actionAfterCompletion(ActionAfterCompletion.DELETE);
    }
    return b.build();
  }

  /** A schedule name from {@code text}: characters Scheduler refuses become '-', cut to 64. */
  public static String name(String text) {
    String n = text.replaceAll("[^0-9A-Za-z_.-]", "-");
    return n.length() <= 64 ? n : n.substring(0, 64);
  }
}
