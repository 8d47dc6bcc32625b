package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The conventions every command of the tree keeps, checked by walking {@link Main#commandLine()}: a
 * command or option added tomorrow that breaks one fails here. The numeric and duration ranges have
 * their own walk in {@link NumericOptionsTest}; {@code --output json} on every command is {@link
 * JsonOutputTest}.
 */
class ConventionsTest {
  /** The end of a sentence: a description (or a line of one) never stops mid-sentence. */
  private static final Pattern SENTENCE_END = Pattern.compile("(?s).*[.!?][)'\"]?$");

  /** What a command uses of the global target options; every leaf command is listed. */
  private static final Map<String, String> TARGETS = new TreeMap<>();

  static {
    for (String dynamo :
        List.of(
            "status",
            "restore",
            "copy-back",
            "diff",
            "drop",
            "rollback",
            "drill",
            "logs",
            "runs list",
            "runs show",
            "runs abandon",
            "migrate list",
            "migrate stale",
            "migrate stamp",
            "migrate dev",
            "migrate prod",
            "migrate submit",
            "migrate resume",
            "migrate unlock",
            "migrate rollback",
            "export",
            "changes",
            "completion")) {
      TARGETS.put("pitr " + dynamo, "all");
    }
    for (String none :
        List.of(
            "local serve",
            "local demo",
            "bench engine",
            "bench restore",
            "bench copy-back",
            "bench workers",
            "bench engine-scale",
            "bench rollback",
            "migrate new",
            "migrate lint",
            "migrate bench")) {
      TARGETS.put("pitr " + none, "none");
    }
    TARGETS.put("pitr batch setup", "--region --profile");
    TARGETS.put("pitr iam-policy", "--region");
  }

  /** What a command needs besides the target options to get past parsing. */
  private static final Map<String, List<String>> REQUIRED =
      Map.of(
          "pitr migrate new",
          List.of("cars_get_a_price"),
          "pitr batch setup",
          List.of("--job-queue", "q", "--image", "i", "--job-role", "arn:aws:iam::1:role/r"),
          "pitr iam-policy",
          List.of("copy-back"));

  @Test
  void everyOptionAndPositional_hasADescription_thatEndsItsSentences() {
    List<String> problems = new ArrayList<>();
    forEachArg(
        (command, arg) -> {
          String name = command.qualifiedName() + " " + UsageErrorHandler.name(arg);
          if (arg.description().length == 0 || String.join("", arg.description()).isBlank()) {
            problems.add(name + " has no description");
            return;
          }
          for (String line : arg.description()) {
            if (!SENTENCE_END.matcher(line.strip()).matches()) {
              problems.add(name + " has a line cut mid-sentence: " + line);
            }
          }
        });

    assertThat(problems).isEmpty();
  }

  @Test
  void everyCommand_hasADescription_whoseFirstLineIsAWholeSentence_andNoLineCutMidSentence() {
    List<String> problems = new ArrayList<>();
    forEachCommand(
        command -> {
          String[] description = command.usageMessage().description();
          if (description.length == 0) {
            problems.add(command.qualifiedName() + " has no description");
          }
          for (String line : description) {
            if (!SENTENCE_END.matcher(line.strip()).matches()) {
              problems.add(command.qualifiedName() + " has a line cut mid-sentence: " + line);
            }
          }
        });

    assertThat(problems).isEmpty();
  }

  @Test
  void everyParameterLabel_isAWordInCapitals_orTheChoices_neverAFieldName() {
    List<String> problems = new ArrayList<>();
    forEachArg(
        (command, arg) -> {
          if (arg.typeInfo().isBoolean()) {
            return;
          }
          String label = arg.paramLabel();
          if (!label.matches("[A-Z0-9_]+([|/,=][A-Z0-9_]+)*|[a-z0-9-]+(\\|[a-z0-9-]+)*")) {
            problems.add(
                command.qualifiedName()
                    + " "
                    + UsageErrorHandler.name(arg)
                    + " is labelled "
                    + label);
          }
        });

    assertThat(problems).isEmpty();
  }

  @Test
  void helpAt80Columns_neverBreaksAUrlOrAPath() {
    List<String> problems = new ArrayList<>();
    forEachCommand(
        command -> {
          command.usageMessage().autoWidth(false).width(80);
          String help = command.commandLine().getUsageMessage(CommandLine.Help.Ansi.OFF);
          List<String> texts = new ArrayList<>(Arrays.asList(command.usageMessage().description()));
          command.args().forEach(a -> texts.addAll(Arrays.asList(a.description())));
          for (String text : texts) {
            for (String token : text.split("\\s+")) {
              String t = token.replaceAll("^[('\"]+|[).,;:'\"]+$", "");
              boolean pathLike =
                  t.contains("://") || t.startsWith("~/") || t.matches(".*\\w/\\w.*");
              if (pathLike && !t.contains("$") && !help.contains(t)) {
                problems.add(command.qualifiedName() + " breaks " + t + " across lines");
              }
            }
          }
        });

    assertThat(problems).isEmpty();
  }

  @Test
  void everyCommandThatCapsWrites_hasTheSameMaxWcuDefault_aCap() {
    Map<String, String> defaults = new LinkedHashMap<>();
    forEachCommand(
        command -> {
          OptionSpec maxWcu = command.findOption("--max-wcu");
          if (maxWcu != null) {
            defaults.put(command.qualifiedName(), maxWcu.defaultValueString());
          }
        });

    assertThat(defaults).isNotEmpty();
    assertThat(defaults.values()).containsOnly("1,000");
    assertThat(WriteRateOptions.DEFAULT_WCU).isEqualTo(1000);
  }

  @Test
  void everyDurationOption_readsTheOneDurationSyntax() {
    List<String> problems = new ArrayList<>();
    List<String> checked = new ArrayList<>();
    forEachArg(
        (command, arg) -> {
          if (arg.type() != Duration.class && !"DURATION".equals(arg.paramLabel())) {
            return;
          }
          String name = command.qualifiedName() + " " + UsageErrorHandler.name(arg);
          checked.add(name);
          if (Arrays.stream(arg.converters()).noneMatch(RangeConverter.Spans.class::isInstance)) {
            problems.add(name + " does not read durations with a RangeConverter.Spans");
          }
          try {
            for (String text : List.of("90s", "15m", "2h", "1d", "PT2H")) {
              ((RangeConverter.Spans) arg.converters()[0]).convert(text);
            }
          } catch (Exception e) {
            // Out of range for this option is fine; the syntax was read.
            if (!e.getMessage().contains("out of range")) {
              problems.add(name + ": " + e.getMessage());
            }
          }
        });

    assertThat(problems).isEmpty();
    assertThat(checked)
        .contains("pitr copy-back --progress-interval", "pitr migrate stale --older-than");
  }

  @Test
  void everyLeafCommand_saysWhichTargetOptionsItUses() {
    Map<String, String> actual = new TreeMap<>();
    forEachCommand(
        command -> {
          if (!command.subcommands().isEmpty() || command.parent() == null) {
            return;
          }
          TargetUse use = command.userObject().getClass().getAnnotation(TargetUse.class);
          actual.put(
              command.qualifiedName(),
              use == null ? "all" : use.uses().length == 0 ? "none" : String.join(" ", use.uses()));
        });

    assertThat(actual).isEqualTo(TARGETS);
  }

  @Test
  void everyCommandThatUsesNoTarget_refusesTheTargetOptions_withExitCode2() {
    List<String> problems = new ArrayList<>();
    TARGETS.forEach(
        (command, uses) -> {
          if (uses.equals("all")) {
            return;
          }
          for (String[] option :
              List.of(
                  new String[] {"--endpoint-url", "http://127.0.0.1:1"},
                  new String[] {"--local"},
                  new String[] {"--region", "eu-west-1"})) {
            if (uses.contains(option[0])) {
              continue;
            }
            CliRun run = new CliRun();
            List<String> args = new ArrayList<>(List.of(option));
            args.addAll(List.of(command.substring("pitr ".length()).split(" ")));
            args.addAll(REQUIRED.getOrDefault(command, List.of()));
            int code = run.execute(args.toArray(String[]::new));
            String expected = "error: " + command + " does not use " + option[0] + ": it ";
            if (code != 2 || !run.err().startsWith(expected)) {
              problems.add(command + " " + option[0] + " exited " + code + ": " + run.err());
            }
          }
        });

    assertThat(problems).isEmpty();
  }

  @Test
  void localDemo_givenEndpointUrl_refusesIt_namingWhatItUsesInstead() {
    CliRun run = new CliRun();

    int code = run.execute("local", "demo", "--endpoint-url", "http://127.0.0.1:8000");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: pitr local demo does not use --endpoint-url: it runs on the embedded engine"
                + " in-process; leave the option out\n"
                + "Try 'pitr local demo --help' for more information.\n");
  }

  /** Each command that can stop mid-write and be continued, and the resume command it names. */
  private static final Map<String, String> RESUMABLE =
      Map.of(
          "pitr copy-back", "pitr copy-back --resume RUN_ID",
          "pitr rollback", "pitr rollback --apply FILE --resume RUN_ID",
          "pitr migrate prod", "pitr migrate resume NAME --prod",
          "pitr migrate resume", "pitr migrate resume NAME");

  @Test
  void everyResumableCommand_saysInItsHelp_thatItPrintsItsResumeCommandBeforeItsFirstWrite() {
    Map<String, String> found = new TreeMap<>();
    forEachCommand(
        spec -> {
          String name = spec.qualifiedName();
          if (RESUMABLE.containsKey(name)) {
            String help = String.join(" ", spec.usageMessage().description());
            assertThat(help)
                .as(name)
                .contains("prints the command that continues it if it is interrupted")
                .contains(RESUMABLE.get(name));
            found.put(name, RESUMABLE.get(name));
          }
        });
    assertThat(found).isEqualTo(new TreeMap<>(RESUMABLE));
  }

  private static void forEachCommand(Consumer<CommandSpec> f) {
    walk(Main.commandLine().getCommandSpec(), f);
  }

  private static void walk(CommandSpec spec, Consumer<CommandSpec> f) {
    f.accept(spec);
    spec.subcommands().values().forEach(sub -> walk(sub.getCommandSpec(), f));
  }

  private static void forEachArg(java.util.function.BiConsumer<CommandSpec, ArgSpec> f) {
    forEachCommand(command -> command.args().forEach(arg -> f.accept(command, arg)));
  }
}
