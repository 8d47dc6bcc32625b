package pitr.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A fish completion script made from the command tree (picocli generates bash and zsh only): one
 * {@code complete} line per subcommand and per option, with its description, the values of options
 * that have a fixed set, and table names from {@code pitr completion tables} where a table is
 * expected ({@link TableCompletion}).
 */
final class FishCompletion {
  private FishCompletion() {}

  static String script(CommandSpec root) {
    StringBuilder b = new StringBuilder();
    b.append(
        "# pitr completion for fish: pitr completion fish > ~/.config/fish/completions/pitr.fish\n");
    b.append(
        """
        function __pitr_path --description 'The pitr subcommand words typed so far'
            set -l words (commandline -opc)
            set -l path
            set -l skip 0
            for w in $words[2..-1]
                if test $skip = 1
                    set skip 0
                    continue
                end
                switch $w
                    case --endpoint-url --region --profile --output
                        set skip 1
                    case '-*'
                    case '*'
                        set path $path $w
                end
            end
            echo (string join ' ' $path)
        end
        function __pitr_at --description 'True when the typed subcommand path is exactly $argv'
            test (__pitr_path) = "$argv"
        end
        function __pitr_in --description 'True when the typed subcommand path starts with $argv'
            string match -q -- "$argv*" (__pitr_path)
        end
        function __pitr_tables --description 'Table names of the target typed so far'
            set -l args
            set -l words (commandline -opc)
            for i in (seq 2 (count $words))
                switch $words[$i]
                    case --local
                        set args $args --local
                    case --endpoint-url --region --profile
                        set args $args $words[$i] $words[(math $i + 1)]
                end
            end
            pitr completion tables $args 2>/dev/null
        end
        complete -c pitr -f
        """);
    walk(root, "", b);
    return b.toString();
  }

  private static void walk(CommandSpec command, String path, StringBuilder b) {
    String condition = path.isEmpty() ? "__pitr_at ''" : "__pitr_at '" + path + "'";
    String inside = path.isEmpty() ? "true" : "__pitr_in '" + path + "'";
    command
        .subcommands()
        .forEach(
            (name, sub) -> {
              if (!sub.getCommandSpec().name().equals(name)) {
                return;
              }
              b.append("complete -c pitr -n \"")
                  .append(condition)
                  .append("\" -a ")
                  .append(quote(name))
                  .append(" -d ")
                  .append(quote(first(sub.getCommandSpec().usageMessage().description())))
                  .append('\n');
            });
    for (OptionSpec option : command.options()) {
      if (option.inherited()) {
        continue;
      }
      b.append("complete -c pitr -n \"").append(path.isEmpty() ? "true" : condition).append('"');
      for (String name : option.names()) {
        if (name.startsWith("--")) {
          b.append(" -l ").append(name.substring(2));
        } else {
          b.append(" -s ").append(name.substring(1));
        }
      }
      if (!option.typeInfo().isBoolean()) {
        b.append(" -r");
        List<String> values = new ArrayList<>();
        if (option.completionCandidates() != null) {
          option.completionCandidates().forEach(values::add);
        }
        if (TableCompletion.isTable(option)) {
          b.append(" -a '(__pitr_tables)'");
        } else if (!values.isEmpty()) {
          b.append(" -a ")
              .append(quote(String.join(" ", values).toLowerCase(java.util.Locale.ROOT)));
        }
      }
      b.append(" -d ").append(quote(first(option.description()))).append('\n');
    }
    if (TableCompletion.takesTablePositional(command)) {
      b.append("complete -c pitr -n \"").append(inside).append("\" -a '(__pitr_tables)'\n");
    }
    command
        .subcommands()
        .forEach(
            (name, sub) -> {
              if (sub.getCommandSpec().name().equals(name)) {
                walk(sub.getCommandSpec(), path.isEmpty() ? name : path + " " + name, b);
              }
            });
  }

  private static String first(String[] description) {
    if (description.length == 0) {
      return "";
    }
    String text = description[0].replace("${DEFAULT-VALUE}", "").strip();
    int end = text.indexOf(". ");
    return end < 0 ? text : text.substring(0, end + 1);
  }

  private static String quote(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
