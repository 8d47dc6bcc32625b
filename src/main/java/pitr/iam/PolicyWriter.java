package pitr.iam;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import pitr.ErrorCode;
import pitr.PitrException;

/**
 * Writes the IAM policy document a command needs: one statement per {@link Scope} it uses, actions
 * sorted, resources the {@link PolicyTargets} name. Conditions are used only where AWS documents
 * one (CloudWatch's namespace, the scheduler role's PassedToService).
 */
public final class PolicyWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Two-space indents, one action or resource a line, {@code "Key": value} as IAM shows it. */
  private static final DefaultPrettyPrinter PRETTY =
      new DefaultPrettyPrinter()
          .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE)
          .withSeparators(
              Separators.createDefaultInstance()
                  .withObjectFieldValueSpacing(Separators.Spacing.AFTER));

  private PolicyWriter() {}

  /**
   * The policy document for {@code command}, as a JSON object.
   *
   * @throws PitrException with {@link ErrorCode#USAGE} for an unknown command, or when the command
   *     works on tables and none is given
   */
  public static Map<String, Object> policy(String command, PolicyTargets targets) {
    return policy(command, targets, false);
  }

  /**
   * The policy document for {@code command}, with {@code cloudwatch:PutMetricData} when {@code
   * cloudWatch} ({@code --metrics cloudwatch}). The checkpoint table's statement is left out when
   * no checkpoint table is named: without one the command keeps its checkpoints in files.
   *
   * @throws PitrException with {@link ErrorCode#USAGE} for an unknown command, a command that works
   *     on tables without one given, on exports in S3 without the bucket, or that calls AWS only
   *     with a checkpoint table without it
   */
  public static Map<String, Object> policy(
      String command, PolicyTargets targets, boolean cloudWatch) {
    List<Grant> grants = new ArrayList<>(CommandPermissions.of(command));
    if (targets.checkpoints() == null) {
      grants.removeIf(g -> g.scope() == Scope.CHECKPOINTS);
      if (grants.isEmpty()) {
        throw new PitrException(
            ErrorCode.USAGE,
            "'"
                + command
                + "' calls AWS only with --checkpoint-table (it reads its runs from --state-dir"
                + " otherwise): pass the --checkpoint-table it uses");
      }
    }
    boolean needsBucket =
        grants.stream()
            .anyMatch(g -> g.scope() == Scope.EXPORT_BUCKET || g.scope() == Scope.EXPORT_OBJECTS);
    if (needsBucket && targets.bucket() == null && targets.exportArn() != null) {
      // The ARN does not say where the export was written; DescribeExport does.
      throw new PitrException(
          ErrorCode.USAGE,
          "'"
              + command
              + " "
              + targets.exportArn()
              + "' reads that export's files in S3: name the bucket it was written to with --bucket"
              + " (and its key prefix with --prefix); 'aws dynamodb describe-export --export-arn "
              + targets.exportArn()
              + "' shows them as S3Bucket and S3Prefix");
    }
    if (needsBucket && targets.bucket() == null) {
      throw new PitrException(
          ErrorCode.USAGE,
          "'"
              + command
              + "' writes or reads exports in S3: name the bucket with --bucket (and the key"
              + " prefix with --prefix, as given to the command)");
    }
    if (cloudWatch && grants.stream().noneMatch(g -> g.scope() == Scope.METRICS)) {
      grants.add(new Grant(Scope.METRICS, List.of("cloudwatch:PutMetricData")));
    }
    boolean needsTables =
        grants.stream()
            .anyMatch(
                g ->
                    g.scope() == Scope.TABLES
                        || g.scope() == Scope.RECOVERY_TABLES
                        || (g.scope() == Scope.EXPORTS && targets.exportArn() == null));
    if (needsTables && targets.tables().isEmpty()) {
      throw new PitrException(
          ErrorCode.USAGE,
          "'"
              + command
              + "' works on tables: name each with --table (e.g. --table orders; its recovery"
              + " tables orders-recovery-* are included)");
    }
    List<Map<String, Object>> statements = new ArrayList<>();
    for (Grant g : grants) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("Sid", sid(g.scope()));
      s.put("Effect", "Allow");
      s.put("Action", List.copyOf(new TreeSet<>(g.actions())));
      List<String> resources = targets.resources(g.scope());
      s.put("Resource", resources.size() == 1 ? resources.get(0) : resources);
      if (g.scope() == Scope.METRICS) {
        s.put("Condition", Map.of("StringEquals", Map.of("cloudwatch:namespace", "pitr")));
      }
      if (g.scope() == Scope.SCHEDULER_ROLE) {
        s.put(
            "Condition",
            Map.of("StringEquals", Map.of("iam:PassedToService", "scheduler.amazonaws.com")));
      }
      statements.add(s);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("Version", "2012-10-17");
    doc.put("Statement", statements);
    return doc;
  }

  /** {@link #policy} as indented JSON. */
  public static String json(String command, PolicyTargets targets) {
    return json(command, targets, false);
  }

  /** {@link #policy(String, PolicyTargets, boolean)} as indented JSON. */
  public static String json(String command, PolicyTargets targets, boolean cloudWatch) {
    try {
      return JSON.writer(PRETTY).writeValueAsString(policy(command, targets, cloudWatch));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sid(Scope scope) {
    StringBuilder sid = new StringBuilder();
    for (String word : scope.name().split("_")) {
      sid.append(word.charAt(0)).append(word.substring(1).toLowerCase(java.util.Locale.ROOT));
    }
    return sid.toString();
  }
}
