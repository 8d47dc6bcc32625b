package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.temporal.TemporalAmount;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Walks every command of {@link Main#commandLine()} so that no numeric or duration option, today's
 * or a future one, can go without a range: each needs a {@link RangeConverter} (from {@link
 * Ranges}), a description stating the same range, and a default inside it.
 */
class NumericOptionsTest {
  /** Labels that say a value is a number or a duration even when the field is a String. */
  private static final Set<String> NUMERIC_LABELS =
      Set.of("N", "DURATION", "UNITS", "WCU", "RCU", "PORT", "SECONDS", "F");

  @Test
  void everyNumericOptionOfEveryCommand_hasARangeConverter_statesTheRange_andDefaultsInsideIt() {
    List<String> problems = new ArrayList<>();
    List<String> checked = new ArrayList<>();
    walk(Main.commandLine().getCommandSpec(), problems, checked);

    assertThat(problems).isEmpty();
    assertThat(checked)
        .contains(
            "pitr copy-back --max-wcu",
            "pitr copy-back --max-rcu",
            "pitr copy-back --segments",
            "pitr copy-back --concurrency",
            "pitr copy-back --progress-interval",
            "pitr rollback --max-wcu",
            "pitr rollback --restore-timeout",
            "pitr migrate dev --max-wcu",
            "pitr migrate prod --max-wcu",
            "pitr migrate prod --max-restore-lag",
            "pitr migrate resume --max-wcu",
            "pitr migrate rollback --max-wcu",
            "pitr migrate stale --older-than",
            "pitr restore --wait-timeout",
            "pitr drill --scale",
            "pitr local serve --port",
            "pitr local serve --restore-duration",
            "pitr local serve --restore-lag",
            "pitr local serve --create-duration",
            "pitr local serve --update-duration",
            "pitr local serve --delete-duration",
            "pitr local serve --ttl-sweep-interval",
            "pitr local serve --burst-seconds",
            "pitr local serve --on-demand-max-wcu",
            "pitr local serve --on-demand-max-rcu",
            "pitr local serve --export-min-window",
            "pitr local serve --export-duration");
  }

  @Test
  void everyCommandThatCapsWrites_takesMaxWcuFromTheOneMixin() {
    List<String> commands = new ArrayList<>();
    forEachCommand(
        Main.commandLine().getCommandSpec(),
        spec -> {
          if (spec.findOption("--max-wcu") != null) {
            assertThat(spec.findOption("--max-wcu").converters())
                .as(spec.qualifiedName())
                .hasOnlyElementsOfType(Ranges.WriteUnits.class);
            commands.add(spec.qualifiedName());
          }
        });

    assertThat(commands)
        .containsExactlyInAnyOrder(
            "pitr copy-back",
            "pitr rollback",
            "pitr migrate dev",
            "pitr migrate prod",
            "pitr migrate submit",
            "pitr migrate resume",
            "pitr migrate rollback");
  }

  @Test
  void maxWcuDefaults_areOneCapOf1000_forCopyBackRollbacksAndMigrations() {
    CommandSpec root = Main.commandLine().getCommandSpec();

    for (String command : List.of("copy-back", "rollback", "migrate dev", "migrate rollback")) {
      CommandSpec spec = root;
      for (String name : command.split(" ")) {
        spec = spec.subcommands().get(name).getCommandSpec();
      }
      assertThat(spec.findOption("--max-wcu").defaultValueString()).as(command).isEqualTo("1,000");
    }
  }

  private static void walk(CommandSpec spec, List<String> problems, List<String> checked) {
    forEachCommand(
        spec,
        command -> {
          for (ArgSpec arg : command.args()) {
            String name = command.qualifiedName() + " " + UsageErrorHandler.name(arg);
            check(arg, name, problems, checked);
          }
        });
  }

  private static void check(ArgSpec arg, String name, List<String> problems, List<String> checked) {
    RangeConverter<?> range =
        Arrays.stream(arg.converters())
            .filter(RangeConverter.class::isInstance)
            .map(c -> (RangeConverter<?>) c)
            .findFirst()
            .orElse(null);
    if (range == null) {
      if (numeric(arg)) {
        problems.add(
            name
                + " ("
                + arg.type().getSimpleName()
                + ") has no range; give it converter = Ranges.<its range>.class");
      }
      return;
    }
    checked.add(name);
    String description = String.join(" ", arg.description());
    if (!description.contains(range.range())) {
      problems.add(name + " does not state its range " + range.range() + ": " + description);
    }
    if (arg.defaultValue() != null) {
      try {
        ((ITypeConverter<?>) range).convert(arg.defaultValue());
      } catch (Exception e) {
        problems.add(name + " defaults to a value outside its range: " + e.getMessage());
      }
    }
  }

  private static boolean numeric(ArgSpec arg) {
    Class<?> type = arg.type();
    boolean primitive = type.isPrimitive() && type != boolean.class && type != char.class;
    return primitive
        || Number.class.isAssignableFrom(type)
        || TemporalAmount.class.isAssignableFrom(type)
        || type == Duration.class
        || NUMERIC_LABELS.contains(arg.paramLabel());
  }

  private static void forEachCommand(CommandSpec spec, java.util.function.Consumer<CommandSpec> f) {
    f.accept(spec);
    spec.subcommands().values().forEach(sub -> forEachCommand(sub.getCommandSpec(), f));
  }
}
