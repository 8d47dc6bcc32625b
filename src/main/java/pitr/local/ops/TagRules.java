package pitr.local.ops;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import pitr.local.Errors;
import software.amazon.awssdk.services.dynamodb.model.Tag;

/**
 * DynamoDB's tagging restrictions, checked before a tag is stored: at most {@value #MAX_TAGS} tags
 * on a table, no key beginning with {@code aws:}, keys of letters, numbers, spaces and {@code _ . :
 * / = + - @}, one value per key in a request; and a resource ARN that is an ARN.
 */
final class TagRules {
  /** Tags a table may carry. */
  static final int MAX_TAGS = 50;

  private static final Pattern KEY = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");

  private TagRules() {}

  /** Refuses {@code tags} added to a table that carries {@code existing}, as DynamoDB does. */
  static void check(Map<String, String> existing, List<Tag> tags) {
    Set<String> seen = new HashSet<>();
    for (Tag tag : tags) {
      String key = tag.key();
      if (key == null) {
        continue;
      }
      if (key.startsWith("aws:")) {
        throw Errors.validation("Tag Key cannot be prefixed with aws:, Key: " + key);
      }
      if (!KEY.matcher(key).matches()) {
        throw Errors.validation("The Tag Key provided is invalid, Key: " + key);
      }
      if (!seen.add(key)) {
        throw Errors.validation(
            "Duplicate Tag Keys provided as input: Duplicate Tag Key found " + key);
      }
    }
    Set<String> after = new HashSet<>(existing.keySet());
    after.addAll(seen);
    if (after.size() > MAX_TAGS) {
      throw Errors.validation(
          "Number of Tags exceed the current limit for the provided ResourceArn");
    }
  }

  /** Refuses a resource ARN that does not begin {@code arn:}. */
  static void checkArn(String arn) {
    if (arn != null && !arn.startsWith("arn:")) {
      throw Errors.validation(
          "One or more parameter values were invalid: ARNs must start with 'arn:': " + arn);
    }
  }
}
