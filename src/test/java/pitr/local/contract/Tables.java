package pitr.local.contract;

import static pitr.local.contract.Ddb.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * Uniquely named tables of one test class on one backend, deleted when the class finishes.
 *
 * <p>{@link #shared} tables are created once per class and reused by tests that do not interfere;
 * {@link #create} makes a fresh table for a test that needs one to itself.
 */
final class Tables implements AutoCloseable {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(Tables.class);
  private static final Duration ACTIVE_TIMEOUT = Duration.ofSeconds(30);

  private final Backend backend;
  private final String prefix;
  private final Map<String, String> shared = new HashMap<>();
  private final List<String> created = new ArrayList<>();

  private Tables(Backend backend, String prefix) {
    this.backend = backend;
    this.prefix = prefix;
  }

  /** The tables of the class {@code classContext} runs, on {@code backend}. */
  static Tables of(ExtensionContext classContext, Backend backend) {
    String prefix =
        "contract-"
            + classContext.getRequiredTestClass().getSimpleName().replace("ContractTest", "");
    return classContext
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(backend.name(), k -> new Tables(backend, prefix), Tables.class);
  }

  /** A new unique table name, registered for deletion at the end of the class. */
  synchronized String uniqueName() {
    return register(prefix + "-" + UUID.randomUUID().toString().substring(0, 8));
  }

  /** Registers a table the test creates itself for deletion at the end of the class. */
  synchronized String register(String name) {
    created.add(name);
    return name;
  }

  /**
   * Creates a fresh table from {@code spec} (its name is set here) and waits until it is ACTIVE.
   */
  String create(Consumer<CreateTableRequest.Builder> spec) {
    String name = uniqueName();
    CreateTableRequest.Builder builder = CreateTableRequest.builder();
    spec.accept(builder);
    await(client().createTable(builder.tableName(name).build()));
    awaitActive(name);
    return name;
  }

  /** The class's table called {@code key}, created from {@code spec} on first use. */
  String shared(String key, Consumer<CreateTableRequest.Builder> spec) {
    return shared(key, spec, name -> {});
  }

  /**
   * The class's table called {@code key}, created from {@code spec} and filled by {@code seed} on
   * first use.
   */
  synchronized String shared(
      String key, Consumer<CreateTableRequest.Builder> spec, Consumer<String> seed) {
    String name = shared.get(key);
    if (name == null) {
      name = create(spec);
      seed.accept(name);
      shared.put(key, name);
    }
    return name;
  }

  /**
   * Polls DescribeTable until the table is ACTIVE; the SDK waiter's 20 s delay is too slow here.
   */
  TableDescription awaitActive(String name) {
    long deadline = System.nanoTime() + ACTIVE_TIMEOUT.toNanos();
    while (true) {
      TableDescription table = await(client().describeTable(b -> b.tableName(name))).table();
      if (table.tableStatus() == TableStatus.ACTIVE) {
        return table;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "Table " + name + " is " + table.tableStatus() + " after " + ACTIVE_TIMEOUT);
      }
      sleep(50);
    }
  }

  private DynamoDbAsyncClient client() {
    return backend.client();
  }

  @Override
  public synchronized void close() {
    for (String name : created) {
      try {
        await(client().deleteTable(b -> b.tableName(name)));
      } catch (ResourceNotFoundException alreadyGone) {
        // deleted by the test itself
      } catch (RuntimeException e) {
        // best effort: a backend that cannot delete must not hide the tests' own results
      }
    }
    created.clear();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
