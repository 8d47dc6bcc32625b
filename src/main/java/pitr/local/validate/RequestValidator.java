package pitr.local.validate;

import java.util.function.Supplier;
import pitr.local.Errors;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;

/**
 * Checks an SDK request object against its operation's input shape in the service model: required
 * members, lengths, value ranges, patterns and enums, everywhere in the request. A request that
 * breaks any is refused with DynamoDB's ValidationException, "N validation errors detected: Value
 * 'x' at 'member.path' failed to satisfy constraint: ...", listing up to {@value #MAX_LISTED}
 * violations in the model's member order, as DynamoDB does.
 *
 * <p>It works on the SDK objects themselves (through their {@link SdkField} metadata), so requests
 * decoded from the wire and requests passed in-process by {@code LocalDynamoDbAsyncClient} get the
 * same answer. The check of each request type is compiled once; subtrees the model does not
 * constrain are never visited. A request decoded from a body of at most {@value #SHORT_BODY_BYTES}
 * bytes takes a second check tree without the constraints no such request can break (chiefly every
 * attribute name's length, at most 65,535), so its items are not walked at all. Instances are
 * thread-safe.
 */
public final class RequestValidator {
  /** DynamoDB lists at most this many violations in one message. */
  public static final int MAX_LISTED = 10;

  /**
   * The longest encoded body whose requests take the short check tree: no string, binary, list or
   * map decoded from it can be longer than the body, so a length limit at least this long holds.
   */
  public static final int SHORT_BODY_BYTES = 65_535;

  /**
   * The encoded length of the request the HTTP front end is serving on this thread, or -1. A slot
   * per thread, so that setting it allocates nothing.
   */
  private static final ThreadLocal<long[]> BODY_BYTES =
      ThreadLocal.withInitial(() -> new long[] {-1});

  private static final RequestValidator DYNAMO_DB = new RequestValidator(ShapeModel.dynamoDb());

  private final ShapeModel model;

  /** The check tree of each request type, compiled on first use; a ClassValue reads lock-free. */
  private final ClassValue<CheckNode> compiled = trees(Long.MAX_VALUE);

  /** The check trees for requests decoded from at most {@link #SHORT_BODY_BYTES} bytes. */
  private final ClassValue<CheckNode> shortBodies = trees(SHORT_BODY_BYTES);

  private ClassValue<CheckNode> trees(long bound) {
    return new ClassValue<>() {
      @Override
      protected CheckNode computeValue(Class<?> type) {
        return compile(type, bound);
      }
    };
  }

  RequestValidator(ShapeModel model) {
    this.model = model;
  }

  /** The validator for DynamoDB's model. */
  public static RequestValidator dynamoDb() {
    return DYNAMO_DB;
  }

  /**
   * Runs {@code call}, in which the first request checked on this thread is one the caller decoded
   * from {@code encodedBytes} bytes; a short body lets that check skip what it cannot break.
   */
  public static <R> R decodedFrom(int encodedBytes, Supplier<R> call) {
    long[] slot = BODY_BYTES.get();
    slot[0] = encodedBytes;
    try {
      return call.get();
    } finally {
      slot[0] = -1;
    }
  }

  /**
   * Refuses {@code request} with a ValidationException when it breaks its operation's constraints.
   * Request types the model does not describe pass unchecked. Inside {@link #decodedFrom} the first
   * check takes the body's length into account (any later one on the thread, of a request the
   * caller did not decode, does not).
   */
  public <T extends SdkPojo> T check(T request) {
    long[] slot = BODY_BYTES.get();
    long encodedBytes = slot[0];
    slot[0] = -1;
    return check(request, encodedBytes);
  }

  /**
   * As {@link #check(SdkPojo)}, for a request decoded from {@code encodedBytes} bytes (-1 when
   * unknown, as for a request built in-process).
   */
  public <T extends SdkPojo> T check(T request, long encodedBytes) {
    ClassValue<CheckNode> trees =
        encodedBytes >= 0 && encodedBytes <= SHORT_BODY_BYTES ? shortBodies : compiled;
    CheckNode node = trees.get(request.getClass());
    if (node.accepts(request)) {
      return request;
    }
    Violations found = new Violations();
    node.check(request, null, found);
    if (found.count > 0) {
      throw Errors.validation(found.message());
    }
    return request;
  }

  private CheckNode compile(Class<?> type, long bound) {
    String operation = type.getSimpleName().replaceFirst("Request$", "");
    Shape input = model.input(operation);
    if (input == null || !SdkPojo.class.isAssignableFrom(type)) {
      return CheckNode.NOTHING;
    }
    SdkPojo prototype;
    try {
      prototype = (SdkPojo) type.getMethod("builder").invoke(null);
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalStateException("Cannot read the SDK fields of " + type.getName(), e);
    }
    CheckNode node = new CheckTreeCompiler(bound).struct(input, prototype.sdkFields());
    return node == null ? CheckNode.NOTHING : node;
  }
}
