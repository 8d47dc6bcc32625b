package pitr.migrate;

import java.time.Instant;
import java.util.Objects;

/**
 * A migration handed to AWS Batch by {@code pitr migrate submit}: a job submitted now, or an
 * EventBridge Scheduler schedule that submits it later. Recorded in the ledger beside the runs; the
 * run itself is recorded by {@code migrate prod} inside the job, as any run.
 *
 * @param migration the migration's name
 * @param submittedAt when it was submitted
 * @param submitter who submitted it (user and host)
 * @param jobQueue the Batch job queue
 * @param jobName the Batch job name
 * @param jobId the Batch job id, or null for a schedule (its job does not exist yet)
 * @param scheduleName the EventBridge Scheduler schedule's name, or null for a job submitted now
 * @param scheduleExpression the schedule's {@code at(...)} or {@code cron(...)}, or null
 */
public record JobSubmission(
    String migration,
    Instant submittedAt,
    String submitter,
    String jobQueue,
    String jobName,
    String jobId,
    String scheduleName,
    String scheduleExpression) {

  public JobSubmission {
    Objects.requireNonNull(migration, "migration");
    Objects.requireNonNull(submittedAt, "submittedAt");
    Objects.requireNonNull(submitter, "submitter");
    Objects.requireNonNull(jobQueue, "jobQueue");
    Objects.requireNonNull(jobName, "jobName");
    if ((jobId == null) == (scheduleName == null)) {
      throw new IllegalArgumentException("a submission has a job id or a schedule name");
    }
  }

  /** A job submitted now. */
  public static JobSubmission job(
      String migration,
      Instant at,
      String submitter,
      String jobQueue,
      String jobName,
      String jobId) {
    return new JobSubmission(migration, at, submitter, jobQueue, jobName, jobId, null, null);
  }

  /** A schedule that submits the job later. */
  public static JobSubmission schedule(
      String migration,
      Instant at,
      String submitter,
      String jobQueue,
      String jobName,
      String scheduleName,
      String expression) {
    return new JobSubmission(
        migration, at, submitter, jobQueue, jobName, null, scheduleName, expression);
  }
}
