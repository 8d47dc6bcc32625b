package pitr.local.http;

import java.lang.invoke.CallSite;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;

/**
 * For server tests: the dispatch table of a stub by reflection, once: every public method {@code
 * <op>(<Op>Request)} returning an SDK response serves the operation {@code <Op>}.
 */
final class StubOperations {
  private StubOperations() {}

  /** The operations {@code target} serves, by wire name, in name order. */
  static Map<String, Operation> of(Object target) {
    MethodHandles.Lookup lookup = MethodHandles.lookup();
    Map<String, Operation> operations = new TreeMap<>();
    for (Method method : target.getClass().getMethods()) {
      if (!isOperation(method)) {
        continue;
      }
      Class<?> requestType = method.getParameterTypes()[0];
      String name = requestType.getSimpleName().replaceFirst("Request$", "");
      try {
        operations.put(
            name,
            new Operation(name, builderOf(lookup, requestType), handlerOf(lookup, target, method)));
      } catch (Throwable e) {
        throw new IllegalStateException(
            "Cannot bind operation " + name + " to " + method + ": " + e.getMessage(), e);
      }
    }
    return Map.copyOf(operations);
  }

  private static boolean isOperation(Method method) {
    if (Modifier.isStatic(method.getModifiers()) || method.getParameterCount() != 1) {
      return false;
    }
    Class<?> requestType = method.getParameterTypes()[0];
    String requestName = requestType.getSimpleName();
    if (!SdkRequest.class.isAssignableFrom(requestType)
        || !SdkResponse.class.isAssignableFrom(method.getReturnType())
        || !requestName.endsWith("Request")) {
      return false;
    }
    String op = requestName.substring(0, requestName.length() - "Request".length());
    return method.getName().equals(Character.toLowerCase(op.charAt(0)) + op.substring(1));
  }

  @SuppressWarnings("unchecked")
  private static Supplier<SdkPojo> builderOf(MethodHandles.Lookup lookup, Class<?> requestType)
      throws Throwable {
    Method builder = requestType.getMethod("builder");
    MethodHandle factory = lookup.unreflect(builder);
    CallSite site =
        LambdaMetafactory.metafactory(
            lookup,
            "get",
            MethodType.methodType(Supplier.class),
            MethodType.methodType(Object.class),
            factory,
            MethodType.methodType(builder.getReturnType()));
    return (Supplier<SdkPojo>) site.getTarget().invoke();
  }

  private static OperationHandler handlerOf(
      MethodHandles.Lookup lookup, Object target, Method method) throws Throwable {
    MethodHandle call = lookup.unreflect(method);
    CallSite site =
        LambdaMetafactory.metafactory(
            lookup,
            "handle",
            MethodType.methodType(OperationHandler.class, method.getDeclaringClass()),
            MethodType.methodType(SdkResponse.class, SdkRequest.class),
            call,
            MethodType.methodType(method.getReturnType(), method.getParameterTypes()[0]));
    return (OperationHandler) site.getTarget().invoke(target);
  }
}
