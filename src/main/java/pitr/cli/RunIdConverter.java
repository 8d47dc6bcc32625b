package pitr.cli;

import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;

/**
 * A run id as {@code --run-id}, {@code --resume} and {@code pitr runs} take it: letters, digits,
 * dots, dashes and underscores, starting with a letter or digit, at most 64 characters. Run ids
 * name folders in the state directory and items of a checkpoint table, so anything else (a path,
 * {@code ..}, a space) is refused when the command line is parsed, before any work.
 */
final class RunIdConverter implements ITypeConverter<String> {
  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  @Override
  public String convert(String text) {
    if (!RUN_ID.matcher(text).matches()) {
      throw new InvalidOptionValue(
          "'"
              + text
              + "' is not a run id; use letters, digits, '.', '-' and '_' (at most 64, starting"
              + " with a letter or digit), e.g. fix-1042");
    }
    return text;
  }
}
