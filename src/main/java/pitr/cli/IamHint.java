package pitr.cli;

import picocli.CommandLine;
import pitr.iam.CommandPermissions;

/**
 * Names the failed command in an access-denied message's hint, so {@code pitr iam-policy COMMAND}
 * reads {@code pitr iam-policy copy-back}, when the catalogue has a policy for that command.
 */
final class IamHint {
  static final String HINT = "pitr iam-policy COMMAND";

  private IamHint() {}

  private static final java.util.regex.Pattern DENIED =
      java.util.regex.Pattern.compile(
          "(?:not authorized to perform:|may not call) (\\S+) on (?:resource: )?([^\\s;\"]+)");

  /**
   * Why writes in {@code failureFile} failed, when IAM denied them: " (access denied: ...; 'pitr
   * iam-policy COMMAND --table TABLE' prints the policy it needs)", else "".
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
        + "; 'pitr iam-policy "
        + command
        + " --table TABLE' prints the policy "
        + command
        + " needs)";
  }

  static String named(String message, CommandLine failed) {
    if (message == null || !message.contains(HINT)) {
      return message;
    }
    String name = failed.getCommandSpec().qualifiedName(" ");
    String root = failed.getCommandSpec().root().name() + " ";
    if (name.startsWith(root)) {
      name = name.substring(root.length());
    }
    return CommandPermissions.commands().contains(name)
        ? message.replace(HINT, "pitr iam-policy " + name)
        : message;
  }
}
