package pitr.iam;

import java.util.List;

/**
 * The resources a printed policy names.
 *
 * @param tables the tables the command works on ({@code --table}); recovery tables are {@code
 *     T-recovery-*} of each
 * @param ledger the migration ledger table
 * @param journal the write-ahead journal table
 * @param checkpoints the copy-back checkpoint table
 * @param region the region of the ARNs, or {@code *}
 * @param account the account of the ARNs, or {@code *}
 * @param jobQueue the AWS Batch job queue, or {@code *}
 * @param jobDefinition pitr's AWS Batch job definition
 * @param staging the bucket and prefix, {@code BUCKET/PREFIX}, that {@code --submit batch --stage}
 *     uploads the workers' files to, or {@code *}
 */
public record PolicyTargets(
    List<String> tables,
    String ledger,
    String journal,
    String checkpoints,
    String region,
    String account,
    String jobQueue,
    String jobDefinition,
    String staging) {

  /** The ARNs {@code scope} stands for. */
  List<String> resources(Scope scope) {
    String dynamo = "arn:aws:dynamodb:" + region + ":" + account + ":table/";
    String batch = "arn:aws:batch:" + region + ":" + account + ":";
    return switch (scope) {
      case TABLES -> tables.stream().map(t -> dynamo + t).toList();
      case RECOVERY_TABLES -> tables.stream().map(t -> dynamo + t + "-recovery-*").toList();
      case LEDGER -> List.of(dynamo + ledger);
      case JOURNAL -> List.of(dynamo + journal);
      case CHECKPOINTS -> List.of(dynamo + checkpoints);
      case ACCOUNT, BATCH_DESCRIBE, METRICS -> List.of("*");
      case BATCH_JOBS ->
          List.of(
              batch + "job-queue/" + jobQueue,
              batch + "job-definition/" + jobDefinition,
              batch + "job-definition/" + jobDefinition + ":*");
      case JOB_ROLES ->
          List.of(
              "arn:aws:iam::" + account + ":role/pitr-job",
              "arn:aws:iam::" + account + ":role/pitr-execution");
      case JOB_LOGS ->
          List.of(
              "arn:aws:logs:" + region + ":" + account + ":log-group:/aws/batch/job:log-stream:*");
      case SCHEDULES ->
          List.of("arn:aws:scheduler:" + region + ":" + account + ":schedule/default/pitr-*");
      case SCHEDULER_ROLE -> List.of("arn:aws:iam::" + account + ":role/pitr-scheduler");
      case STAGED_FILES -> List.of("arn:aws:s3:::" + staging + "/*");
    };
  }
}
