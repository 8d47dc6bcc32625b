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
 * @param bucket the S3 bucket of exports ({@code --bucket}), or null
 * @param prefix the key prefix of exports in the bucket ({@code --prefix}), or null for any key
 * @param exportArn the one export a command reads ({@code --export}), or null for the exports of
 *     the tables
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
    String staging,
    String bucket,
    String prefix,
    String exportArn) {

  /** Targets without exports. */
  public PolicyTargets(
      List<String> tables,
      String ledger,
      String journal,
      String checkpoints,
      String region,
      String account,
      String jobQueue,
      String jobDefinition,
      String staging) {
    this(
        tables,
        ledger,
        journal,
        checkpoints,
        region,
        account,
        jobQueue,
        jobDefinition,
        staging,
        null,
        null,
        null);
  }

  /** Targets without exports or staged files. */
  public PolicyTargets(
      List<String> tables,
      String ledger,
      String journal,
      String checkpoints,
      String region,
      String account,
      String jobQueue,
      String jobDefinition) {
    this(tables, ledger, journal, checkpoints, region, account, jobQueue, jobDefinition, "*");
  }

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
      case EXPORTS ->
          exportArn != null
              ? List.of(exportArn)
              : tables.stream().map(t -> dynamo + t + "/export/*").toList();
      case EXPORT_BUCKET -> List.of("arn:aws:s3:::" + bucket);
      case EXPORT_OBJECTS ->
          List.of("arn:aws:s3:::" + bucket + "/" + (prefix == null ? "" : prefix) + "*");
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
