package pitr.local.contract;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;
import org.junit.platform.commons.support.AnnotationSupport;

/** Expands a {@link BackendTest} into one invocation per selected backend. */
final class BackendInvocations implements TestTemplateInvocationContextProvider {

  @Override
  public boolean supportsTestTemplate(ExtensionContext context) {
    return AnnotationSupport.isAnnotated(context.getTestMethod(), BackendTest.class);
  }

  @Override
  public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(
      ExtensionContext context) {
    Backends backends = Backends.in(context);
    return backends.selected().stream().map(kind -> new Invocation(kind, backends));
  }

  private record Invocation(BackendKind kind, Backends backends)
      implements TestTemplateInvocationContext {

    @Override
    public String getDisplayName(int invocationIndex) {
      return "[" + kind.displayName() + "]";
    }

    @Override
    public List<Extension> getAdditionalExtensions() {
      return List.of(new Presence(kind, backends), new Resolver(kind, backends));
    }
  }

  /**
   * Skips the invocation when its backend is absent or the test is for the reference only; {@code
   * -Dpitr.contract.referenceOnlyEverywhere=true} runs reference-only tests on every backend, to
   * check whether an emulator still deviates.
   */
  private record Presence(BackendKind kind, Backends backends) implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      Optional<ReferenceOnly> referenceOnly =
          AnnotationSupport.findAnnotation(context.getTestMethod(), ReferenceOnly.class);
      if (referenceOnly.isPresent()
          && !kind.isReference()
          && !Boolean.getBoolean("pitr.contract.referenceOnlyEverywhere")) {
        return ConditionEvaluationResult.disabled(
            "reference backend only: " + referenceOnly.get().value());
      }
      return backends
          .absence(kind)
          .map(ConditionEvaluationResult::disabled)
          .orElseGet(() -> ConditionEvaluationResult.enabled(kind.displayName() + " is present"));
    }
  }

  /** Supplies {@link Backend} and the class's {@link Tables} on that backend. */
  private record Resolver(BackendKind kind, Backends backends) implements ParameterResolver {
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      Class<?> type = parameter.getParameter().getType();
      return type == Backend.class || type == Tables.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      Backend backend = backends.start(kind);
      if (parameter.getParameter().getType() == Backend.class) {
        return backend;
      }
      return Tables.of(classContext(context), backend);
    }

    private static ExtensionContext classContext(ExtensionContext context) {
      ExtensionContext current = context;
      while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
        current = current.getParent().get();
      }
      return current;
    }
  }
}
