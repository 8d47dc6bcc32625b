package pitr.cli;

import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;

/**
 * An S3 bucket name as {@code --bucket} takes it, held to the constraint DynamoDB puts on an
 * export's bucket (letters, digits, '.', '-' and '_', starting and ending with a letter or digit,
 * at most 255 characters), so a name DynamoDB would refuse is refused when the command line is
 * parsed, with exit 2, rather than by the export request midway. An {@code s3://} address is
 * refused naming the bucket in it.
 */
final class BucketNameConverter implements ITypeConverter<String> {
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9A-Z]+[.\\-\\w]*[a-z0-9A-Z]+");

  @Override
  public String convert(String text) {
    if (text.regionMatches(true, 0, "s3://", 0, 5)) {
      String rest = text.substring(5);
      int slash = rest.indexOf('/');
      String bucket = slash < 0 ? rest : rest.substring(0, slash);
      throw new InvalidOptionValue(
          text
              + " is an S3 address; pass the bucket's name alone ("
              + bucket
              + ")"
              + (slash < 0 || slash == rest.length() - 1
                  ? ""
                  : ", and the key prefix with --prefix " + rest.substring(slash + 1)));
    }
    if (text.length() > 255 || !BUCKET.matcher(text).matches()) {
      throw new InvalidOptionValue(
          text
              + " is not a bucket name DynamoDB exports to: use 2-255 letters, digits, '.', '-'"
              + " and '_', starting and ending with a letter or digit (S3 names new buckets with"
              + " 3-63 lowercase letters, digits, '.' and '-'), e.g. my-exports");
    }
    return text;
  }
}
