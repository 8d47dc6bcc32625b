package pitr.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.files.AtomicFiles;
import pitr.local.iam.IamPolicies;
import pitr.local.iam.PolicyDocument;

/**
 * The {@code --iam-policy ACCESS_KEY=FILE} values of {@code pitr local serve}: each file read and
 * parsed before the server starts, a bad one refused naming the option, the file and the problem.
 */
final class IamPolicyFiles {
  private IamPolicyFiles() {}

  /**
   * The policies of the given values, or null when none is given (no IAM checks).
   *
   * @throws PitrException with {@link ErrorCode#USAGE} for a value not KEY=FILE, a file that cannot
   *     be read or is not a policy document
   */
  static IamPolicies read(List<String> values, String accountId) {
    if (values == null || values.isEmpty()) {
      return null;
    }
    Map<String, List<PolicyDocument>> byKey = new LinkedHashMap<>();
    for (String value : values) {
      int eq = value.indexOf('=');
      if (eq <= 0 || eq == value.length() - 1) {
        throw new PitrException(
            ErrorCode.USAGE,
            "--iam-policy "
                + value
                + ": expected ACCESS_KEY=FILE, e.g. --iam-policy AKIDRESTORE=restore-policy.json"
                + " (pitr iam-policy COMMAND prints one)");
      }
      String key = value.substring(0, eq);
      Path file = Path.of(value.substring(eq + 1));
      String json;
      try {
        json = Files.readString(file);
      } catch (IOException e) {
        throw new PitrException(
            ErrorCode.USAGE,
            "--iam-policy "
                + value
                + ": cannot read "
                + file
                + " ("
                + AtomicFiles.describe(e)
                + ")",
            e);
      }
      try {
        byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(PolicyDocument.parse(json));
      } catch (IllegalArgumentException e) {
        throw new PitrException(
            ErrorCode.USAGE,
            "--iam-policy "
                + value
                + ": "
                + file
                + " is not an IAM policy document: "
                + e.getMessage()
                + "; give one like 'pitr iam-policy restore --table orders' prints",
            e);
      }
    }
    return IamPolicies.of(byKey, accountId);
  }
}
