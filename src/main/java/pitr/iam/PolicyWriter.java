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
    List<Grant> grants = CommandPermissions.of(command);
    boolean needsTables =
        grants.stream()
            .anyMatch(g -> g.scope() == Scope.TABLES || g.scope() == Scope.RECOVERY_TABLES);
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
    try {
      return JSON.writer(PRETTY).writeValueAsString(policy(command, targets));
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
