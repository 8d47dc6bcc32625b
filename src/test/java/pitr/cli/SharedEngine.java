package pitr.cli;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import pitr.local.EngineConfig;
import pitr.local.Faults;

/**
 * One engine over loopback HTTP for the copy-back test classes of a run, handed to their
 * {@code @BeforeAll} methods as a {@link LocalCli} parameter, emptied before each class and closed
 * when the run ends. Starting and stopping an engine with its SDK clients per class costs seconds:
 * the SDK's shared event loops shut down gracefully when the last client closes. Tables have 1 s of
 * burst capacity, so throttling tests need not wait long.
 */
final class SharedEngine implements BeforeAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SharedEngine.class);

  /** Closed with the root store, when the run ends. */
  private record Held(LocalCli cli) implements AutoCloseable {
    @Override
    public void close() {
      cli.close();
    }
  }

  private static LocalCli cli(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            Held.class,
            k -> new Held(new LocalCli(EngineConfig.defaults().withBurstSeconds(1))),
            Held.class)
        .cli();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    LocalCli cli = cli(context);
    cli.local.engine.setFaults(Faults.NONE);
    cli.local.deleteAllTables();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == LocalCli.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return cli(context);
  }
}
