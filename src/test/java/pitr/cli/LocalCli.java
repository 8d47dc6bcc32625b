package pitr.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import pitr.dynamo.LocalTarget;
import pitr.local.AdjustableClock;
import pitr.local.EngineConfig;

/**
 * An engine over loopback HTTP and a way to run pitr commands against it in-process. The engine and
 * the commands that read the time share one {@link #clock}, which runs with the system clock; a
 * test that needs time to pass (a restore window to open) moves it on instead of sleeping.
 */
final class LocalCli implements AutoCloseable {
  final AdjustableClock clock = AdjustableClock.following(Clock.systemUTC());
  final LocalTarget local;
  CliRun last;

  LocalCli(EngineConfig config) {
    local = new LocalTarget(config.withClock(clock));
  }

  LocalCli() {
    this(EngineConfig.defaults());
  }

  /** Runs {@code pitr --endpoint-url <engine> args...}; the run stays in {@link #last}. */
  CliRun run(String... args) {
    exit(args);
    return last;
  }

  int exit(String... args) {
    return exit(null, args);
  }

  /** As {@link #exit(String...)}, with {@code env} as the environment (null: the process's). */
  int exit(java.util.Map<String, String> env, String... args) {
    CliRun r = onClock(new CliRun(), clock);
    if (env != null) {
      r.root().target().env = env;
    }
    List<String> all = new ArrayList<>(List.of("--endpoint-url", local.endpoint()));
    all.addAll(List.of(args));
    last = r;
    return r.execute(all.toArray(String[]::new));
  }

  /** Runs {@code pitr --endpoint-url <engine> args... --state-dir state}: the exit code. */
  int exitWithState(Path state, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--state-dir", state.toString()));
    return exit(all.toArray(String[]::new));
  }

  /** Gives the commands of {@code run} that read the time {@code clock}, an engine's. */
  static CliRun onClock(CliRun run, Clock clock) {
    var commands = run.commandLine.getSubcommands();
    ((RestoreCommand) commands.get("restore").getCommand()).clock = clock;
    ((RollbackCommand) commands.get("rollback").getCommand()).clock = clock;
    ((CopyBackCommand) commands.get("copy-back").getCommand()).clock = clock;
    ((DropCommand) commands.get("drop").getCommand()).clock = clock;
    ((ExportCommand) commands.get("export").getCommand()).clock = clock;
    ((ChangesCommand) commands.get("changes").getCommand()).clock = clock;
    ((MigrateCommand) commands.get("migrate").getCommand()).clock = clock;
    return run;
  }

  @Override
  public void close() {
    local.close();
  }
}
