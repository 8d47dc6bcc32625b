package pitr.migrate;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The real client, with one fault at the {@code n}th single-item write to a data table: the write
 * is not sent, or it lands and its answer is lost. After a {@link #kill kill} every later call
 * fails too, as if the process had died there: nothing more reaches DynamoDB.
 */
final class FaultyClient {
  /** What happens to the faulty write. */
  enum Fault {
    /** Not sent: the process dies just before the write. */
    KILL_BEFORE_WRITE,
    /** Sent and landed; the process dies before hearing the answer. */
    KILL_AFTER_WRITE,
    /** Sent and landed; the answer is lost with an error that is not retried. */
    LOSE_ANSWER,
    /** Sent and landed; the connection drops before the answer, which the caller retries. */
    DROP_ANSWER,
    /** Sent and landed, and answered; then the client's {@code onStrike} runs (e.g. a Ctrl-C). */
    ANSWER_THEN_STRIKE
  }

  private final DynamoDbAsyncClient real;
  private final String table;
  private final int n;
  private final Fault fault;
  private final Runnable onStrike;
  private final AtomicInteger writes = new AtomicInteger();
  private final AtomicBoolean dead = new AtomicBoolean();

  FaultyClient(DynamoDbAsyncClient real, String table, int n, Fault fault) {
    this(real, table, n, fault, () -> {});
  }

  FaultyClient(DynamoDbAsyncClient real, String table, int n, Fault fault, Runnable onStrike) {
    this.real = real;
    this.table = table;
    this.n = n;
    this.fault = fault;
    this.onStrike = onStrike;
  }

  /** Whether the fault happened. */
  boolean struck() {
    return writes.get() >= n;
  }

  DynamoDbAsyncClient client() {
    InvocationHandler h =
        (proxy, method, args) -> {
          if (dead.get() && CompletableFuture.class.isAssignableFrom(method.getReturnType())) {
            return killed();
          }
          Object request = args != null && args.length == 1 ? args[0] : null;
          if (isDataWrite(request) && writes.incrementAndGet() == n) {
            if (fault == Fault.KILL_BEFORE_WRITE) {
              dead.set(true);
              return killed();
            }
            CompletableFuture<?> landed = (CompletableFuture<?>) invoke(method, args);
            return landed.thenCompose(
                answer -> {
                  switch (fault) {
                    case KILL_AFTER_WRITE -> {
                      dead.set(true);
                      return killed();
                    }
                    case ANSWER_THEN_STRIKE -> {
                      onStrike.run();
                      return CompletableFuture.completedFuture(answer);
                    }
                    case LOSE_ANSWER ->
                        throw SdkClientException.create("the answer to this write was lost");
                    default ->
                        throw SdkClientException.create(
                            "Unable to execute HTTP request: connection reset");
                  }
                });
          }
          return invoke(method, args);
        };
    return (DynamoDbAsyncClient)
        Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {DynamoDbAsyncClient.class}, h);
  }

  private boolean isDataWrite(Object request) {
    return (request instanceof UpdateItemRequest u && table.equals(u.tableName()))
        || (request instanceof PutItemRequest p && table.equals(p.tableName()))
        || (request instanceof DeleteItemRequest d && table.equals(d.tableName()));
  }

  private Object invoke(java.lang.reflect.Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(real, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static <T> CompletableFuture<T> killed() {
    return CompletableFuture.failedFuture(new IllegalStateException("the process was killed"));
  }
}
