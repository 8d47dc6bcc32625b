package pitr.cli;

import java.util.List;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The exact command that resumes a run: {@code pitr}, the options of this command line that chose
 * where the run's tables and state are (endpoint, region, profile, state folder, checkpoint table,
 * migrations folder, ledger and journal tables), then the command's own resume arguments. Printed
 * before a resumable command's first write and again when it stops, so that the operator can paste
 * it.
 */
final class ResumeCommands {
  private static final Set<String> WHERE =
      Set.of(
          "--endpoint-url",
          "--region",
          "--profile",
          "--state-dir",
          "--checkpoint-table",
          "--migrations-dir",
          "--ledger-table",
          "--journal-table");

  private static final Set<String> TARGET = Set.of("--endpoint-url", "--region", "--profile");

  private ResumeCommands() {}

  /**
   * {@code pitr [target options] rest}: for a command shown by another one (pitr runs show), whose
   * other options are not the resumed command's.
   */
  static String targetOnly(CommandSpec spec, String rest) {
    ParseResult root = spec.root().commandLine().getParseResult();
    StringBuilder out = new StringBuilder("pitr");
    where(root, out, TARGET);
    out.append(' ').append(rest);
    for (ParseResult pr = root.subcommand(); pr != null; pr = pr.subcommand()) {
      where(pr, out, TARGET);
    }
    return out.toString();
  }

  /**
   * {@code pitr [where options] rest}, e.g. {@code rest = "copy-back --resume 1a2b3c4d"}; {@code
   * rest} must not repeat a where option.
   */
  static String of(CommandSpec spec, String rest) {
    return of(spec, rest, WHERE);
  }

  /**
   * As {@link #of(CommandSpec, String)}, leaving {@code option} out: for a command that works only
   * without the value given, such as an apply whose {@code --checkpoint-table} cannot keep its run.
   */
  static String without(CommandSpec spec, String option, String rest) {
    Set<String> names = new java.util.HashSet<>(WHERE);
    names.remove(option);
    return of(spec, rest, names);
  }

  private static String of(CommandSpec spec, String rest, Set<String> names) {
    ParseResult root = spec.root().commandLine().getParseResult();
    StringBuilder out = new StringBuilder("pitr");
    // Options given before the subcommand stay there; those given after it follow it.
    where(root, out, names);
    out.append(' ').append(rest);
    for (ParseResult pr = root.subcommand(); pr != null; pr = pr.subcommand()) {
      where(pr, out, names);
    }
    return out.toString();
  }

  /** The command line as it was given: {@code pitr} and its arguments, each a shell word. */
  static String given(CommandSpec spec) {
    StringBuilder out = new StringBuilder("pitr");
    for (String arg : spec.root().commandLine().getParseResult().originalArgs()) {
      out.append(' ').append(quote(arg));
    }
    return out.toString();
  }

  private static void where(ParseResult pr, StringBuilder out, Set<String> names) {
    for (OptionSpec o : pr.matchedOptions()) {
      if (names.contains(o.longestName())) {
        List<String> given = o.originalStringValues();
        String value = given.isEmpty() ? String.valueOf((Object) o.getValue()) : given.get(0);
        out.append(' ').append(o.longestName()).append(' ').append(quote(value));
      }
    }
  }

  /** A shell word: as it is when it is safe to paste, else in single quotes. */
  static String quote(String word) {
    if (!word.isEmpty() && word.matches("[A-Za-z0-9_./:@%+=,-]+")) {
      return word;
    }
    return "'" + word.replace("'", "'\\''") + "'";
  }
}
