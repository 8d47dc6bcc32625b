package pitr.iam;

import static pitr.iam.Scope.ACCOUNT;
import static pitr.iam.Scope.BATCH_DESCRIBE;
import static pitr.iam.Scope.BATCH_JOBS;
import static pitr.iam.Scope.CHECKPOINTS;
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
        Grant.dynamodb(CHECKPOINTS, "CreateTable", "DescribeTable", "PutItem", "Query"));
    put(
        "drop",
        Grant.dynamodb(TABLES, "DescribeTable", "ListTagsOfResource"),
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
        Grant.dynamodb(ACCOUNT, "ListTables"));
    put("runs list", Grant.dynamodb(CHECKPOINTS, "DescribeTable", "Query", "Scan"));
    put(
        "migrate dev",
        Grant.dynamodb(TABLES, MIGRATION_DATA),
        Grant.dynamodb(
            LEDGER,
            "ConditionCheckItem",
            "CreateTable",
            "DescribeTable",
            "PutItem",
            "Query",
            "UpdateItem"),
        Grant.dynamodb(JOURNAL, "BatchWriteItem", "CreateTable", "DescribeTable", "UpdateItem"));
    put(
        "migrate prod",
        Grant.dynamodb(TABLES, with(MIGRATION_DATA, "DescribeContinuousBackups")),
        Grant.dynamodb(
            LEDGER,
            "ConditionCheckItem",
            "CreateTable",
            "DescribeTable",
            "PutItem",
            "Query",
            "UpdateItem"),
        Grant.dynamodb(JOURNAL, "BatchWriteItem", "CreateTable", "DescribeTable", "UpdateItem"));
    put("migrate list", Grant.dynamodb(LEDGER, "DescribeTable", "Query"));
    put(
        "migrate rollback",
        Grant.dynamodb(
            TABLES,
            "BatchGetItem",
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
        Grant.dynamodb(LEDGER, "ConditionCheckItem", "DescribeTable", "Query", "UpdateItem"),
        Grant.dynamodb(JOURNAL, "Query"),
        Grant.dynamodb(ACCOUNT, "ListTables"));
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
    put("logs", new Grant(JOB_LOGS, List.of("logs:GetLogEvents")));
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

  /** The commands a job on AWS Batch runs, whose union is the job role. */
  static final List<String> JOB_COMMANDS = List.of("migrate prod", "copy-back", "rollback");

  /** The name that prints the AWS Batch job role. */
  public static final String JOB_ROLE = "job-role";

  private static void put(String command, Grant... grants) {
    CATALOGUE.put(command, List.of(grants));
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
              + "': it calls nothing on AWS or is not a pitr command; give one of: "
              + String.join(", ", commands()));
    }
    return grants;
  }
}
