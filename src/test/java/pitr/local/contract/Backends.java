package pitr.local.contract;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The backends of one test run, started lazily on first use and stopped when the run ends.
 *
 * <p>One instance lives in the root {@link ExtensionContext.Store}, so every test class shares one
 * moto process, one LocalStack container and one embedded server. {@code
 * -Dpitr.contract.backends=moto,embedded} limits the run to the named backends.
 */
final class Backends implements AutoCloseable {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(Backends.class);

  private final List<BackendKind> selected;
  private final Map<BackendKind, Optional<String>> absences = new EnumMap<>(BackendKind.class);
  private final Map<BackendKind, RunningBackend> running = new EnumMap<>(BackendKind.class);
  private final Map<BackendKind, RuntimeException> failures = new EnumMap<>(BackendKind.class);

  private Backends(List<BackendKind> selected) {
    this.selected = selected;
  }

  /** The run's backends, created on first call. */
  static Backends in(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(Backends.class, k -> new Backends(selectedKinds()), Backends.class);
  }

  /** Backends this run is asked to cover, present or not. */
  List<BackendKind> selected() {
    return selected;
  }

  /** Why {@code kind} cannot run here, or empty when it can; checked once per run. */
  synchronized Optional<String> absence(BackendKind kind) {
    return absences.computeIfAbsent(kind, BackendKind::absence);
  }

  /** The started backend; a failed start is remembered so later tests fail fast with its cause. */
  synchronized Backend start(BackendKind kind) {
    RunningBackend backend = running.get(kind);
    if (backend != null) {
      return backend;
    }
    RuntimeException failure = failures.get(kind);
    if (failure != null) {
      throw failure;
    }
    try {
      backend = kind.start();
      running.put(kind, backend);
      return backend;
    } catch (Exception e) {
      failure = new IllegalStateException("Backend " + kind.displayName() + " did not start", e);
      failures.put(kind, failure);
      throw failure;
    }
  }

  @Override
  public synchronized void close() throws Exception {
    List<Exception> errors = new ArrayList<>();
    for (RunningBackend backend : running.values()) {
      try {
        backend.close();
      } catch (Exception e) {
        errors.add(e);
      }
    }
    running.clear();
    if (!errors.isEmpty()) {
      Exception first = errors.get(0);
      errors.stream().skip(1).forEach(first::addSuppressed);
      throw first;
    }
  }

  private static List<BackendKind> selectedKinds() {
    String property = System.getProperty("pitr.contract.backends", "").trim();
    if (property.isEmpty()) {
      return List.of(BackendKind.values());
    }
    Set<String> names =
        Arrays.stream(property.split(","))
            .map(s -> s.trim().toLowerCase(Locale.ROOT))
            .collect(Collectors.toSet());
    return Arrays.stream(BackendKind.values())
        .filter(kind -> names.contains(kind.displayName()))
        .toList();
  }
}
