package pitr.cli;

import java.util.ArrayList;
import java.util.List;
import pitr.dynamo.LocalTarget;
import pitr.local.EngineConfig;

/** An engine over loopback HTTP and a way to run pitr commands against it in-process. */
final class LocalCli implements AutoCloseable {
  final LocalTarget local;
  CliRun last;

  LocalCli(EngineConfig config) {
    local = new LocalTarget(config);
  }

  LocalCli() {
    this(EngineConfig.defaults());
  }

  /** Runs {@code pitr --endpoint-url <engine> args...}; the run stays in {@link #last}. */
  CliRun run(String... args) {
    List<String> all = new ArrayList<>(List.of("--endpoint-url", local.endpoint()));
    all.addAll(List.of(args));
    last = new CliRun();
    last.execute(all.toArray(String[]::new));
    return last;
  }

  int exit(String... args) {
    CliRun r = new CliRun();
    List<String> all = new ArrayList<>(List.of("--endpoint-url", local.endpoint()));
    all.addAll(List.of(args));
    last = r;
    return r.execute(all.toArray(String[]::new));
  }

  @Override
  public void close() {
    local.close();
  }
}
