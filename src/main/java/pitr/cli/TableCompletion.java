package pitr.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Table names in shell completion: an option or positional parameter labelled as a table ({@link
 * #TABLE_LABELS}) completes with the names {@code pitr completion tables} prints, the target
 * options already typed ({@code --local}, {@code --endpoint-url}, {@code --region}, {@code
 * --profile}) passed along. A target that does not answer completes nothing.
 */
final class TableCompletion {
  /** The parameter labels that name an existing table. */
  static final Set<String> TABLE_LABELS = Set.of("TABLE", "RECOVERY", "A", "B");

  private TableCompletion() {}

  static boolean isTable(ArgSpec arg) {
    return TABLE_LABELS.contains(arg.paramLabel().replaceAll("[\\[\\]]", ""));
  }

  /** The options of {@code command} whose values are tables. */
  static List<String> tableOptions(CommandSpec command) {
    List<String> names = new ArrayList<>();
    for (OptionSpec option : command.options()) {
      if (isTable(option)) {
        names.addAll(List.of(option.names()));
      }
    }
    return names;
  }

  static boolean takesTablePositional(CommandSpec command) {
    return command.positionalParameters().stream().anyMatch(TableCompletion::isTable);
  }

  /**
   * The bash (and zsh, through bashcompinit) functions that run after picocli's and add table names
   * where a table is expected; registered in place of picocli's {@code complete} line.
   */
  static String bash(CommandSpec root) {
    StringBuilder cases = new StringBuilder();
    collect(root, "", cases);
    return """

        # Table names, from ListTables on the target typed so far (pitr completion tables).
        function _pitr_tables() {
          local args=() i
          for ((i = 1; i < ${#COMP_WORDS[@]}; i++)); do
            case "${COMP_WORDS[i]}" in
              --local) args+=(--local) ;;
              --endpoint-url|--region|--profile) args+=("${COMP_WORDS[i]}" "${COMP_WORDS[i+1]}") ;;
              --endpoint-url=*|--region=*|--profile=*) args+=("${COMP_WORDS[i]}") ;;
            esac
          done
          pitr completion tables "${args[@]}" 2>/dev/null
        }

        function _pitr_complete() {
          _complete_pitr "$@"
          local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} path="" i
          [[ "${cur}" == -* ]] && return 0
          for ((i = 1; i < COMP_CWORD; i++)); do
            case "${COMP_WORDS[i]}" in
              --endpoint-url|--region|--profile|--output) ((i++)) ;;
              -*) ;;
              *) path="${path:+${path} }${COMP_WORDS[i]}" ;;
            esac
          done
          local table_options="" table_positional=""
          case "${path}" in
        %s  esac
          if [[ " ${table_options} " == *" ${prev} "* ]] \\
              || { [[ -n "${table_positional}" && "${prev}" != -* ]]; }; then
            local IFS=$'\\n'
            COMPREPLY+=( $(compgen -W "$(_pitr_tables)" -- "${cur}") )
          fi
          return 0
        }
        complete -F _pitr_complete -o default pitr
        """
        .formatted(cases);
  }

  /**
   * One case per command that takes a table, matched on the words typed so far: the command path
   * and, for positionals, whatever words follow it (so a second table after the first completes
   * too).
   */
  private static void collect(CommandSpec command, String path, StringBuilder cases) {
    List<String> options = tableOptions(command);
    boolean positional = takesTablePositional(command);
    if (!path.isEmpty() && (!options.isEmpty() || positional)) {
      cases
          .append("    \"")
          .append(path)
          .append("\"|\"")
          .append(path)
          .append(" \"*) table_options=\"")
          .append(String.join(" ", options))
          .append("\"; table_positional=\"")
          .append(positional ? "yes" : "")
          .append("\" ;;\n");
    }
    command
        .subcommands()
        .forEach(
            (name, sub) -> {
              if (sub.getCommandSpec().name().equals(name)) {
                collect(sub.getCommandSpec(), path.isEmpty() ? name : path + " " + name, cases);
              }
            });
  }
}
