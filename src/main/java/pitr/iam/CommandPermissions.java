package pitr.iam;

import static pitr.iam.Scope.ACCOUNT;
import static pitr.iam.Scope.BATCH_DESCRIBE;
import static pitr.iam.Scope.BATCH_JOBS;
import static pitr.iam.Scope.CHECKPOINTS;
import static pitr.iam.Scope.EXPORTS;
import static pitr.iam.Scope.EXPORT_BUCKET;
import static pitr.iam.Scope.EXPORT_OBJECTS;
import static pitr.iam.Scope.JOB_LOGS;
import static pitr.iam.Scope.JOB_ROLES;
import static pitr.iam.Scope.JOURNAL;
import static pitr.iam.Scope.LEDGER;
import static pitr.iam.Scope.METRICS;
import static pitr.iam.Scope.RECOVERY_TABLES;
import static pitr.iam.Scope.SCHEDULER_ROLE;
import static pitr.iam.Scope.SCHEDULES;
import static pitr.iam.Scope.STAGED_FILES;
import static pitr.iam.Scope.TABLES;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import pitr.ErrorCode;
import pitr.NearestNames;
import pitr.PitrException;

/**
 * What each pitr command calls on AWS, as IAM actions by {@link Scope}: the catalogue {@code pitr
 * iam-policy} prints policies from, and the AWS Batch job role is derived from.
 *
 * <p>Each DynamoDB action listed is one the command really needs: a test runs the command against
 * the embedded engine under the policy without that action and sees it fail naming it. A restore
 * needs, besides RestoreTableToPointInTime on the source, reads and writes on the new table
 * (DynamoDB's rule), which is why a restoring command lists them on the recovery tables. A
 * migration's own reads and writes ({@link #MIGRATION_DATA}) are what the migration API may call;
 * which ones a given migration uses depends on its code.
 */
public final class CommandPermissions {
  private CommandPermissions() {}

  /** What DynamoDB asks of a caller on the table a restore creates. */
  static final String[] RESTORE_TARGET = {
    "BatchWriteItem", "DeleteItem", "GetItem", "PutItem", "Query", "Scan", "UpdateItem"
  };

  /** What the migration API may call on a migration's tables. */
  static final String[] MIGRATION_DATA = {
    "DeleteItem", "DescribeTable", "PutItem", "Query", "Scan", "UpdateItem"
  };

  /** What the migration ledger needs of a run that writes (migrate dev, prod and resume). */
  private static final String[] LEDGER_RUN = {
    "ConditionCheckItem", "CreateTable", "DescribeTable", "PutItem", "Query", "UpdateItem"
  };

  /** What the ledger needs of a resume: a run's, but the ledger exists (it holds the run). */
  private static final String[] LEDGER_RESUME = {
    "ConditionCheckItem", "DescribeTable", "PutItem", "Query", "UpdateItem"
  };

  /** What the journal needs of a resume: a run's, but the journal exists, and it is read. */
  private static final String[] JOURNAL_RESUME = {
    "BatchWriteItem", "DescribeTable", "Query", "UpdateItem"
  };

  /** What the write-ahead journal needs of a run that writes. */
  private static final String[] JOURNAL_RUN = {
    "BatchWriteItem", "CreateTable", "DescribeTable", "UpdateItem"
  };

  /**
   * What a run checkpointed in a DynamoDB table ({@code --checkpoint-table}) does there: creates it
   * on first use, records the run and its progress, reads them back. Copy-back and the apply of a
   * rollback keep their runs alike; without the option they are files and need nothing.
   */
  private static final String[] CHECKPOINT_RUN = {
    "CreateTable", "DescribeTable", "PutItem", "Query"
  };

  /**
   * What a rollback planned from an export does on the live table: reads the changed keys' current
   * images (BatchGetItem) and writes the plan back item by item, conditionally.
   */
  private static final String[] EXPORT_PLAN = {
    "BatchGetItem", "DeleteItem", "DescribeTable", "PutItem"
  };

  /**
   * What migrate rollback does in the ledger: reads the run, marks it rolled back under the lock.
   */
  private static final String[] MIGRATION_ROLLBACK_LEDGER = {
    "ConditionCheckItem", "DescribeTable", "Query", "UpdateItem"
  };

  /**
   * What DynamoDB does in the bucket as the caller when it exports (the developer guide's
   * "Requesting a table export"): it writes the export's objects there.
   */
  private static final List<String> EXPORT_WRITES =
      List.of("s3:AbortMultipartUpload", "s3:PutObject", "s3:PutObjectAcl");

  /** The S3 calls of reading an export: GetObject on its manifests and data files. */
  private static final List<String> EXPORT_READS = List.of("s3:GetObject");

  /** HeadBucket, to refuse a bucket that does not exist before an export is requested. */
  private static final Grant BUCKET_CHECK = new Grant(EXPORT_BUCKET, List.of("s3:ListBucket"));

  private static final Map<String, List<Grant>> CATALOGUE = new LinkedHashMap<>();

  static {
    put(
        "status",
        Grant.dynamodb(TABLES, "DescribeContinuousBackups", "DescribeTable", "DescribeTimeToLive"),
        Grant.dynamodb(RECOVERY_TABLES, "DescribeTable", "ListTagsOfResource"),
        Grant.dynamodb(ACCOUNT, "ListBackups", "ListTables"));
    put(
        "restore",
        Grant.dynamodb(
            TABLES,
            "DescribeContinuousBackups",
            "DescribeTable",
            "DescribeTimeToLive",
            "ListTagsOfResource",
            "RestoreTableToPointInTime"),
        Grant.dynamodb(RECOVERY_TABLES, with(RESTORE_TARGET, "DescribeTable", "TagResource")));
    put(
        "diff",
        Grant.dynamodb(TABLES, "DescribeTable", "Scan"),
        Grant.dynamodb(RECOVERY_TABLES, "DescribeTable", "Scan"));
    put(
        "copy-back",
        Grant.dynamodb(TABLES, "BatchWriteItem", "DescribeTable", "ListTagsOfResource", "Scan"),
        Grant.dynamodb(
            RECOVERY_TABLES, "BatchGetItem", "DescribeTable", "ListTagsOfResource", "Scan"),
        Grant.dynamodb(CHECKPOINTS, CHECKPOINT_RUN));
    // Drop reads the recovery tables of the one it drops, not the live table (see StatusReader).
    put(
        "drop",
        Grant.dynamodb(RECOVERY_TABLES, "DeleteTable", "DescribeTable", "ListTagsOfResource"),
        Grant.dynamodb(ACCOUNT, "ListTables"));
    put(
        "rollback",
        Grant.dynamodb(
            TABLES,
            "BatchGetItem",
            "DeleteItem",
            "DescribeContinuousBackups",
            "DescribeTable",
            "DescribeTimeToLive",
            "ListTagsOfResource",
            "PutItem",
            "RestoreTableToPointInTime",
            "Scan"),
        Grant.dynamodb(
            RECOVERY_TABLES,
            with(
                RESTORE_TARGET,
                "BatchGetItem",
                "DeleteTable",
                "DescribeTable",
                "ListTagsOfResource",
                "TagResource")),
        Grant.dynamodb(CHECKPOINTS, CHECKPOINT_RUN),
        Grant.dynamodb(ACCOUNT, "ListTables"));
    put("runs list", Grant.dynamodb(CHECKPOINTS, "DescribeTable", "Query", "Scan"));
    put(
        "runs show",
        Grant.dynamodb(CHECKPOINTS, "DescribeTable", "Query"),
        new Grant(BATCH_DESCRIBE, List.of("batch:DescribeJobs")));
    put("runs abandon", Grant.dynamodb(CHECKPOINTS, "DescribeTable", "PutItem", "Query"));
    // With --ledger-table, runs list and show also read the migration runs of the ledger.
    put(
        "runs list --ledger-table",
        plus("runs list", Grant.dynamodb(LEDGER, "DescribeTable", "Query")));
    put(
        "runs show --ledger-table",
        plus("runs show", Grant.dynamodb(LEDGER, "DescribeTable", "Query")));
    put(
        "export",
        Grant.dynamodb(
            TABLES, "DescribeContinuousBackups", "DescribeTable", "ExportTableToPointInTime"),
        BUCKET_CHECK,
        new Grant(EXPORT_OBJECTS, EXPORT_WRITES));
    put(
        "export --wait",
        Grant.dynamodb(
            TABLES, "DescribeContinuousBackups", "DescribeTable", "ExportTableToPointInTime"),
        Grant.dynamodb(EXPORTS, "DescribeExport"),
        BUCKET_CHECK,
        new Grant(EXPORT_OBJECTS, EXPORT_WRITES));
    put(
        "changes",
        Grant.dynamodb(
            TABLES, "DescribeContinuousBackups", "DescribeTable", "ExportTableToPointInTime"),
        Grant.dynamodb(EXPORTS, "DescribeExport"),
        BUCKET_CHECK,
        new Grant(EXPORT_OBJECTS, union(EXPORT_WRITES, EXPORT_READS)));
    put(
        "changes --export",
        Grant.dynamodb(TABLES, "DescribeTable"),
        Grant.dynamodb(EXPORTS, "DescribeExport"),
        new Grant(EXPORT_OBJECTS, EXPORT_READS));
    put(
        "rollback --source export",
        Grant.dynamodb(
            TABLES, with(EXPORT_PLAN, "DescribeContinuousBackups", "ExportTableToPointInTime")),
        Grant.dynamodb(EXPORTS, "DescribeExport"),
        BUCKET_CHECK,
        new Grant(EXPORT_OBJECTS, union(EXPORT_WRITES, EXPORT_READS)),
        Grant.dynamodb(CHECKPOINTS, CHECKPOINT_RUN));
    put(
        "rollback --source export --export",
        Grant.dynamodb(TABLES, EXPORT_PLAN),
        Grant.dynamodb(EXPORTS, "DescribeExport"),
        new Grant(EXPORT_OBJECTS, EXPORT_READS),
        Grant.dynamodb(CHECKPOINTS, CHECKPOINT_RUN));
    put("completion", Grant.dynamodb(ACCOUNT, "ListTables"));
    put(
        "migrate dev",
        Grant.dynamodb(TABLES, MIGRATION_DATA),
        Grant.dynamodb(LEDGER, LEDGER_RUN),
        Grant.dynamodb(JOURNAL, JOURNAL_RUN));
    put(
        "migrate prod",
        Grant.dynamodb(TABLES, with(MIGRATION_DATA, "DescribeContinuousBackups")),
        Grant.dynamodb(LEDGER, LEDGER_RUN),
        Grant.dynamodb(JOURNAL, JOURNAL_RUN));
    put(
        "migrate resume",
        Grant.dynamodb(TABLES, MIGRATION_DATA),
        Grant.dynamodb(LEDGER, LEDGER_RESUME),
        Grant.dynamodb(JOURNAL, JOURNAL_RESUME));
    put(
        "migrate resume --prod",
        Grant.dynamodb(TABLES, with(MIGRATION_DATA, "DescribeContinuousBackups")),
        Grant.dynamodb(LEDGER, LEDGER_RESUME),
        Grant.dynamodb(JOURNAL, JOURNAL_RESUME));
    put("migrate list", Grant.dynamodb(LEDGER, "DescribeTable", "Query"));
    put("migrate stale", Grant.dynamodb(LEDGER, "DescribeTable", "Query"));
    put("migrate stamp", Grant.dynamodb(LEDGER, "DescribeTable", "Query"));
    put("migrate unlock", Grant.dynamodb(LEDGER, "DescribeTable", "GetItem", "UpdateItem"));
    put(
        "migrate rollback",
        Grant.dynamodb(
            TABLES,
            "BatchGetItem",
            "DeleteItem",
            "DescribeContinuousBackups",
            "DescribeTable",
            "DescribeTimeToLive",
            "ListTagsOfResource",
            "PutItem",
            "RestoreTableToPointInTime"),
        Grant.dynamodb(
            RECOVERY_TABLES,
            with(
                RESTORE_TARGET,
                "BatchGetItem",
                "DeleteTable",
                "DescribeTable",
                "ListTagsOfResource",
                "TagResource")),
        Grant.dynamodb(LEDGER, MIGRATION_ROLLBACK_LEDGER),
        Grant.dynamodb(JOURNAL, "Query"),
        Grant.dynamodb(CHECKPOINTS, CHECKPOINT_RUN),
        Grant.dynamodb(ACCOUNT, "ListTables"));
    put(
        "migrate rollback --source export",
        plus(
            "rollback --source export",
            Grant.dynamodb(LEDGER, MIGRATION_ROLLBACK_LEDGER),
            Grant.dynamodb(JOURNAL, "Query")));
    // No "migrate rollback --source export --export": the command refuses --export (one export is
    // of one table, and a run may have written several), and so does pitr iam-policy.
    put(
        "batch setup",
        new Grant(
            BATCH_DESCRIBE, List.of("batch:DescribeJobDefinitions", "batch:DescribeJobQueues")),
        new Grant(BATCH_JOBS, List.of("batch:RegisterJobDefinition")));
    put(
        "migrate submit",
        Grant.dynamodb(TABLES, "DescribeContinuousBackups", "DescribeTable"),
        Grant.dynamodb(LEDGER, "CreateTable", "DescribeTable", "PutItem", "Query"),
        new Grant(BATCH_DESCRIBE, List.of("batch:DescribeJobDefinitions", "batch:DescribeJobs")),
        new Grant(BATCH_JOBS, List.of("batch:SubmitJob")),
        new Grant(JOB_ROLES, List.of("iam:PassRole")),
        new Grant(SCHEDULES, List.of("scheduler:CreateSchedule")),
        new Grant(SCHEDULER_ROLE, List.of("iam:PassRole")));
    // logs describes the job (and an array job's children) and reads their streams; it finds the
    // job of a migration NAME in the ledger, and that of a run id in --checkpoint-table (then, when
    // none is recorded there, in the ledger).
    put(
        "logs",
        Grant.dynamodb(LEDGER, "DescribeTable", "Query"),
        Grant.dynamodb(CHECKPOINTS, "DescribeTable", "Query"),
        new Grant(BATCH_DESCRIBE, List.of("batch:DescribeJobs")),
        new Grant(JOB_LOGS, List.of("logs:GetLogEvents")));
    // A drill keeps its runs in its work folder: it has no --checkpoint-table.
    CATALOGUE.put(
        "drill",
        union(
                List.of("restore", "rollback", "diff", "migrate dev", "migrate rollback"),
                Grant.dynamodb(
                    TABLES,
                    "BatchWriteItem",
                    "CreateTable",
                    "DeleteTable",
                    "GetItem",
                    "UpdateContinuousBackups",
                    "UpdateTimeToLive"))
            .stream()
            .filter(g -> g.scope() != CHECKPOINTS)
            .toList());
  }

  /** The grants of {@code command} with {@code more}, merged by scope. */
  private static Grant[] plus(String command, Grant... more) {
    return union(List.of(command), more).toArray(Grant[]::new);
  }

  /** The grants of {@code commands} and {@code more}, merged by scope. */
  private static List<Grant> union(List<String> commands, Grant... more) {
    Map<Scope, Set<String>> all = new LinkedHashMap<>();
    List<Grant> grants = new ArrayList<>();
    commands.forEach(c -> grants.addAll(CATALOGUE.get(c)));
    grants.addAll(List.of(more));
    for (Grant g : grants) {
      all.computeIfAbsent(g.scope(), s -> new TreeSet<>()).addAll(g.actions());
    }
    List<Grant> merged = new ArrayList<>();
    all.forEach((scope, actions) -> merged.add(new Grant(scope, List.copyOf(actions))));
    return merged;
  }

  private static final String TTL_UNKNOWN =
      "without it the table's TTL setting is reported as unknown";
  private static final String RECOVERY_KEPT =
      "without them the recovery tables are kept at the end, for 'pitr drop' to remove";

  /**
   * Actions a command works without, in a lesser way, by command and {@code "SCOPE action"}: why
   * the policy has them anyway.
   */
  private static final Map<String, Map<String, String>> OPTIONAL =
      Map.of(
          "status", Map.of("TABLES dynamodb:DescribeTimeToLive", TTL_UNKNOWN),
          "restore", Map.of("TABLES dynamodb:DescribeTimeToLive", TTL_UNKNOWN),
          "rollback", recoveryCleanUp(),
          "migrate rollback", recoveryCleanUp());

  private static Map<String, String> recoveryCleanUp() {
    return Map.of(
        "TABLES dynamodb:DescribeTimeToLive", TTL_UNKNOWN,
        "RECOVERY_TABLES dynamodb:DeleteTable", RECOVERY_KEPT,
        "RECOVERY_TABLES dynamodb:ListTagsOfResource", RECOVERY_KEPT,
        "ACCOUNT dynamodb:ListTables", RECOVERY_KEPT);
  }

  /**
   * The actions of {@code command}'s policy it can run without, as {@code "SCOPE action"} (e.g.
   * {@code "TABLES dynamodb:DescribeTimeToLive"}), each with what is lost without it.
   */
  public static Map<String, String> optional(String command) {
    return OPTIONAL.getOrDefault(command, Map.of());
  }

  /**
   * Whether {@code command}'s policy grants on the tables named with {@code --table} (their
   * recovery tables or exports): whether {@code pitr iam-policy} needs {@code --table} for it.
   */
  public static boolean worksOnTables(String command) {
    return of(command).stream()
        .anyMatch(g -> g.scope() == TABLES || g.scope() == RECOVERY_TABLES || g.scope() == EXPORTS);
  }

  /** The commands a job on AWS Batch runs, whose union is the job role. */
  static final List<String> JOB_COMMANDS = List.of("migrate prod", "copy-back", "rollback");

  /** The name that prints the AWS Batch job role. */
  public static final String JOB_ROLE = "job-role";

  private static void put(String command, Grant... grants) {
    CATALOGUE.put(command, List.of(grants));
  }

  private static List<String> union(List<String> a, List<String> b) {
    Set<String> all = new TreeSet<>(a);
    all.addAll(b);
    return List.copyOf(all);
  }

  private static String[] with(String[] base, String... more) {
    Set<String> all = new TreeSet<>(List.of(base));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  /** The commands with a policy, and {@value #JOB_ROLE}. */
  public static List<String> commands() {
    List<String> all = new ArrayList<>(CATALOGUE.keySet());
    all.add(JOB_ROLE);
    return all;
  }

  /**
   * What {@code command} (e.g. {@code copy-back}, {@code migrate prod}) needs; {@value #JOB_ROLE}
   * is the union of what a Batch job may run, with CloudWatch metrics and the files staged for its
   * workers.
   *
   * @throws PitrException with {@link ErrorCode#USAGE} for a command not in the catalogue
   */
  public static List<Grant> of(String command) {
    if (command.equals(JOB_ROLE)) {
      Map<Scope, Set<String>> union = new LinkedHashMap<>();
      for (String c : JOB_COMMANDS) {
        for (Grant g : CATALOGUE.get(c)) {
          union.computeIfAbsent(g.scope(), s -> new TreeSet<>()).addAll(g.actions());
        }
      }
      List<Grant> grants = new ArrayList<>();
      union.forEach((scope, actions) -> grants.add(new Grant(scope, List.copyOf(actions))));
      grants.add(new Grant(METRICS, List.of("cloudwatch:PutMetricData")));
      // A worker given --apply s3://... or --keys s3://... (as --submit batch --stage passes them)
      // fetches the file.
      grants.add(new Grant(STAGED_FILES, List.of("s3:GetObject")));
      return grants;
    }
    List<Grant> grants = CATALOGUE.get(command);
    if (grants == null) {
      throw new PitrException(
          ErrorCode.USAGE,
          "No IAM policy for '"
              + command
              + "': it calls nothing on AWS or is not a pitr command"
              + NearestNames.aside(command, commands())
              + "; give one of: "
              + String.join(", ", commands()));
    }
    return grants;
  }
}
