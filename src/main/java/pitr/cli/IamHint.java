package pitr.cli;

import picocli.CommandLine;
import pitr.dynamo.DynamoErrors;
import pitr.iam.CommandPermissions;

/**
 * The {@code pitr iam-policy} command line an access-denied message names, composed in one place
 * from the command that failed: its name, the options that change its policy or name the resources
 * it grants on, and {@code --table TABLE} when the policy grants on the operator's tables. It takes
 * the place of the generic {@link DynamoErrors#POLICY_HINT} the gateway words.
 */
final class IamHint {
  private IamHint() {}

  private static final java.util.regex.Pattern DENIED =
      java.util.regex.Pattern.compile(
          "(?:not authorized to perform:|may not call) (\\S+) on (?:resource: )?([^\\s;\"]+)");

  /**
   * Why writes in {@code failureFile} failed, when IAM denied them: " (access denied: ...; 'pitr
   * iam-policy copy-back --table TABLE' prints the policy copy-back needs)", else "".
   */
  static String deniedWrites(java.nio.file.Path failureFile, String command) {
    if (failureFile == null) {
      return "";
    }
    String text;
    try (java.io.Reader in = java.nio.file.Files.newBufferedReader(failureFile)) {
      char[] head = new char[65_536];
      int n = in.read(head);
      text = n <= 0 ? "" : new String(head, 0, n);
    } catch (java.io.IOException | RuntimeException e) {
      return "";
    }
    java.util.regex.Matcher m = DENIED.matcher(text);
    if (!m.find()) {
      return "";
    }
    return " (access denied: the credentials may not call "
        + m.group(1)
        + " on "
        + m.group(2)
        + "; '"
        + policyCommand(command)
        + "' prints the policy "
        + command
        + " needs)";
  }

  /**
   * {@code message} with the {@code pitr iam-policy} command line of {@code failed} in place of the
   * generic hint, when the catalogue has a policy for it; else {@code message} as it is.
   */
  static String named(String message, CommandLine failed) {
    if (message == null || !message.contains(DynamoErrors.POLICY_HINT)) {
      return message;
    }
    String name = failed.getCommandSpec().qualifiedName(" ");
    String root = failed.getCommandSpec().root().name() + " ";
    if (name.startsWith(root)) {
      name = name.substring(root.length());
    }
    if (!CommandPermissions.commands().contains(name)) {
      return message;
    }
    return message.replace(DynamoErrors.POLICY_HINT, policyCommand(name, variant(name, failed)));
  }

  /**
   * The {@code pitr iam-policy} command line that prints the policy of {@code command} (a name in
   * the catalogue, e.g. {@code drop}), with {@code --table TABLE} when that policy grants on the
   * operator's tables.
   */
  static String policyCommand(String command) {
    return policyCommand(command, command);
  }

  /**
   * {@link #policyCommand(String)} of {@code command} as {@code variant} names it, with options.
   */
  private static String policyCommand(String command, String variant) {
    // A command that works on no table of the operator's (logs, runs, migrate list) takes no
    // --table.
    return "pitr iam-policy "
        + variant
        + (CommandPermissions.worksOnTables(command) ? " --table TABLE" : "");
  }

  /** Options of a command that change what it calls, as {@code pitr iam-policy} takes them. */
  private static final java.util.List<String> VARIANT_FLAGS = java.util.List.of("--wait", "--prod");

  /**
   * Options naming resources the policy grants on; {@code --ledger-table} also makes {@code runs
   * list} and {@code runs show} read the ledger, so it comes first, next to the command's name.
   */
  private static final java.util.List<String> VARIANT_OPTIONS =
      java.util.List.of(
          "--ledger-table", "--journal-table", "--bucket", "--prefix", "--checkpoint-table");

  /**
   * {@code name} with the options of the failed command line that change its policy, in the
   * catalogue's order ("rollback --source export --export ARN"), then those that name resources ("
   * --bucket B").
   */
  static String variant(String name, CommandLine failed) {
    CommandLine.ParseResult parsed = failed.getParseResult();
    if (parsed == null) {
      return name;
    }
    StringBuilder out = new StringBuilder(name);
    String source = value(parsed, "--source");
    boolean exportGiven = value(parsed, "--bucket") != null || value(parsed, "--export") != null;
    // rollback plans from an export by default when given a bucket or an export.
    if ("export".equals(source)
        || (source == null
            && exportGiven
            && CommandPermissions.commands().contains(name + " --source export"))) {
      out.append(" --source export");
    }
    if (value(parsed, "--export") != null) {
      out.append(" --export ").append(value(parsed, "--export"));
    }
    for (String flag : VARIANT_FLAGS) {
      // Only where it changes the calls (export --wait, not restore --wait).
      if (parsed.hasMatchedOption(flag)
          && CommandPermissions.commands()
              .contains(out.toString().replaceAll(" --export \\S+", " --export") + " " + flag)) {
        out.append(' ').append(flag);
      }
    }
    for (String option : VARIANT_OPTIONS) {
      if (value(parsed, option) != null) {
        out.append(' ').append(option).append(' ').append(value(parsed, option));
      }
    }
    if ("cloudwatch".equals(value(parsed, "--metrics"))) {
      out.append(" --metrics cloudwatch");
    }
    return out.toString();
  }

  private static String value(CommandLine.ParseResult parsed, String option) {
    CommandLine.Model.OptionSpec o = parsed.matchedOption(option);
    Object v = o == null ? null : o.getValue();
    return v == null ? null : v.toString();
  }
}
