package pitr.iam;

/** Which resources a grant covers, filled in from the options of {@code pitr iam-policy}. */
public enum Scope {
  /** The tables named with {@code --table}: {@code table/T}. */
  TABLES,
  /** The recovery tables pitr makes from them: {@code table/T-recovery-*}. */
  RECOVERY_TABLES,
  /** The migration ledger, {@code --ledger-table} (default pitr-ledger). */
  LEDGER,
  /** The write-ahead journal, {@code --journal-table} (default pitr-journal). */
  JOURNAL,
  /** The copy-back checkpoint table, {@code --checkpoint-table} (default pitr-checkpoints). */
  CHECKPOINTS,
  /** The exports of the tables named with {@code --table}: {@code table/T/export/*}. */
  EXPORTS,
  /** The S3 bucket exports go to or are read from ({@code --bucket}): {@code arn:aws:s3:::B}. */
  EXPORT_BUCKET,
  /** The export objects under {@code --prefix} in that bucket: {@code arn:aws:s3:::B/PREFIX*}. */
  EXPORT_OBJECTS,
  /** Calls that name no resource (ListTables, ListBackups): {@code *}. */
  ACCOUNT,
  /** The AWS Batch job queue and pitr's job definition. */
  BATCH_JOBS,
  /** Batch calls without resource-level permissions (the Describe calls): {@code *}. */
  BATCH_DESCRIBE,
  /** The roles pitr hands to AWS Batch: the job role and the execution role. */
  JOB_ROLES,
  /** The log streams of pitr's jobs in {@code /aws/batch/job}. */
  JOB_LOGS,
  /** EventBridge Scheduler schedules named {@code pitr-*} in the default group. */
  SCHEDULES,
  /** The role EventBridge Scheduler assumes to submit a scheduled job. */
  SCHEDULER_ROLE,
  /** CloudWatch metric data, with {@code --metrics cloudwatch}. */
  METRICS,
  /**
   * The S3 prefix {@code --submit batch --stage} uploads the workers' files to, {@code
   * BUCKET/PREFIX/*}.
   */
  STAGED_FILES
}
