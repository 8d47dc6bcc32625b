package pitr.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pitr completion bash|zsh|fish}: prints a shell completion script. Commands, options and
 * option values come from the command tree (picocli's {@link AutoComplete} for bash and zsh, {@link
 * FishCompletion} for fish); table names are asked for when completing, with {@code pitr completion
 * tables} and the target options already on the line ({@link TableCompletion}).
 */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = {
      "Print a shell completion script for pitr: commands, options, their values, and table names"
          + " (asked of the target with ListTables while you type).",
      "bash: source <(pitr completion bash), e.g. in ~/.bashrc. zsh: the same line in ~/.zshrc."
          + " fish: pitr completion fish > ~/.config/fish/completions/pitr.fish."
    })
final class CompletionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "SHELL",
      completionCandidates = Shells.class,
      converter = Shells.Converter.class,
      description =
          "bash, zsh or fish; or tables, which prints the target's table names one a line (what"
              + " the scripts call).")
  String shell;

  /** The values of the positional parameter. */
  static final class Shells implements Iterable<String> {
    static final List<String> ALL = List.of("bash", "zsh", "fish", "tables");

    @Override
    public java.util.Iterator<String> iterator() {
      return ALL.iterator();
    }

    /** Refuses anything but the listed shells, naming them. */
    static final class Converter implements picocli.CommandLine.ITypeConverter<String> {
      @Override
      public String convert(String value) {
        String shell = value.strip().toLowerCase(java.util.Locale.ROOT);
        if (!ALL.contains(shell)) {
          throw new InvalidOptionValue(
              value + " is not a shell pitr completes in; pass bash, zsh or fish");
        }
        return shell;
      }
    }
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    CommandSpec root = spec.root();
    if (Targets.json(spec)) {
      java.io.StringWriter text = new java.io.StringWriter();
      print(new PrintWriter(text), root);
      String script = text.toString();
      Json.print(
          out,
          shell.equals("tables")
              ? java.util.Map.of("tables", script.lines().toList())
              : java.util.Map.of("shell", shell, "script", script));
      return 0;
    }
    print(out, root);
    return 0;
  }

  private void print(PrintWriter out, CommandSpec root) {
    switch (shell) {
      case "tables" -> {
        try (Targets t = Targets.of(spec)) {
          t.gateway.listTables().toIterable().forEach(out::println);
        }
      }
      case "fish" -> out.print(FishCompletion.script(root));
      default -> {
        out.print(AutoComplete.bash("pitr", root.commandLine()));
        out.print(TableCompletion.bash(root));
      }
    }
    out.flush();
  }
}
