package pitr.local.validate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import pitr.local.Errors;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.protocol.MarshallingType;
import software.amazon.awssdk.core.traits.ListTrait;
import software.amazon.awssdk.core.traits.MapTrait;
import software.amazon.awssdk.core.util.DefaultSdkAutoConstructList;
import software.amazon.awssdk.core.util.DefaultSdkAutoConstructMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

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
  private final ClassValue<Node> compiled = trees(Long.MAX_VALUE);

  /** The check trees for requests decoded from at most {@link #SHORT_BODY_BYTES} bytes. */
  private final ClassValue<Node> shortBodies = trees(SHORT_BODY_BYTES);

  private ClassValue<Node> trees(long bound) {
    return new ClassValue<>() {
      @Override
      protected Node computeValue(Class<?> type) {
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
    ClassValue<Node> trees =
        encodedBytes >= 0 && encodedBytes <= SHORT_BODY_BYTES ? shortBodies : compiled;
    Node node = trees.get(request.getClass());
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

  private Node compile(Class<?> type, long bound) {
    String operation = type.getSimpleName().replaceFirst("Request$", "");
    Shape input = model.input(operation);
    if (input == null || !SdkPojo.class.isAssignableFrom(type)) {
      return NOTHING;
    }
    SdkPojo prototype;
    try {
      prototype = (SdkPojo) type.getMethod("builder").invoke(null);
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalStateException("Cannot read the SDK fields of " + type.getName(), e);
    }
    Node node = new Compiler(bound).struct(input, prototype.sdkFields());
    return node == null ? NOTHING : node;
  }

  private static final Node NOTHING =
      new Node() {
        @Override
        public boolean accepts(Object value) {
          return true;
        }

        @Override
        public void check(Object value, Path path, Violations found) {}
      };

  /**
   * The check of one value (never null). Two passes: {@link #accepts} decides, allocating nothing
   * and building no path, whether the value meets every constraint, which is the case of nearly
   * every request; only when it may not does {@link #check} walk again to name each violation.
   */
  private interface Node {
    /** Whether {@code value} surely meets every constraint; false sends it to {@link #check}. */
    boolean accepts(Object value);

    /** Reports every violation in {@code value}, found at {@code path}. */
    void check(Object value, Path path, Violations found);
  }

  /** A check of a scalar's own constraints. */
  private record ScalarNode(Shape shape) implements Node {
    @Override
    public boolean accepts(Object value) {
      return shape.accepts(value);
    }

    @Override
    public void check(Object value, Path path, Violations found) {
      checkOwn(shape, value, path, found);
    }
  }

  /** A member path, built as a chain and rendered only when a violation is reported. */
  private record Path(Path parent, Object segment, boolean member) {
    static Path of(Path parent, String segment) {
      return new Path(parent, segment, false);
    }

    /** A list element or map value: {@code parent.<index or key>.member}, as DynamoDB names it. */
    static Path member(Path parent, Object indexOrKey) {
      return new Path(parent, indexOrKey, true);
    }

    @Override
    public String toString() {
      String here = member ? segment + ".member" : String.valueOf(segment);
      return parent == null ? here : parent + "." + here;
    }
  }

  private static final class Violations {
    final List<String> listed = new ArrayList<>(2);
    int count;

    void add(Object value, Path path, String constraint) {
      count++;
      if (listed.size() < MAX_LISTED) {
        listed.add(
            "Value "
                + (value == null ? "null" : "'" + ConstraintText.render(value) + "'")
                + " at '"
                + path
                + "' failed to satisfy constraint: "
                + constraint);
      }
    }

    String message() {
      int n = listed.size();
      return n
          + " validation error"
          + (n == 1 ? "" : "s")
          + " detected: "
          + String.join("; ", listed);
    }
  }

  /** Every one of {@code shape}'s own constraints that {@code value} breaks, in order. */
  private static void checkOwn(Shape shape, Object value, Path path, Violations found) {
    if (shape.accepts(value)) {
      return;
    }
    for (String constraint : ConstraintText.breaches(shape, value)) {
      found.add(value, path, constraint);
    }
  }

  /**
   * The value, or null when the SDK left an absent list or map as its shared auto-construct
   * placeholder. Compared by identity: an {@code instanceof} against the placeholder interfaces is
   * far slower on this path, which runs for every attribute of every item.
   */
  private static Object present(Object value) {
    return value == DefaultSdkAutoConstructList.getInstance()
            || value == DefaultSdkAutoConstructMap.getInstance()
        ? null
        : value;
  }

  /**
   * Builds the check tree of one request type, pruning what the model leaves unconstrained and what
   * no value of at most {@code bound} characters, bytes, elements or entries can break.
   */
  private static final class Compiler {
    private final Map<String, Node> structs = new HashMap<>();
    private final long bound;

    Compiler(long bound) {
      this.bound = bound;
    }

    Node struct(Shape shape, List<SdkField<?>> fields) {
      Node existing = structs.get(shape.name);
      if (existing != null || structs.containsKey(shape.name)) {
        return existing;
      }
      if (!needsCheck(shape, bound, new HashSet<>())) {
        structs.put(shape.name, null);
        return null;
      }
      StructNode node = new StructNode();
      structs.put(shape.name, node);
      Map<String, SdkField<?>> byName = new HashMap<>();
      for (SdkField<?> f : fields) {
        byName.put(f.memberName(), f);
      }
      List<MemberCheck> members = new ArrayList<>();
      for (Shape.Member m : shape.members) {
        SdkField<?> field = byName.get(m.name());
        if (field == null) {
          continue;
        }
        Node child = value(m.shape(), field);
        if (child != null || m.required()) {
          members.add(new MemberCheck(lowerFirst(m.name()), field, m.required(), child));
        }
      }
      node.members = members.toArray(new MemberCheck[0]);
      // An item holds an AttributeValue per attribute; only its M and L can hold anything the model
      // constrains, so the others are skipped on their union type, without a getter call each.
      node.containersOnly =
          shape.name.equals("AttributeValue")
              && members.stream().allMatch(m -> m.path.equals("m") || m.path.equals("l"))
              && members.stream().noneMatch(MemberCheck::required);
      for (MemberCheck m : members) {
        if (m.path.equals("m")) {
          node.mapValue = m.child;
        } else if (m.path.equals("l")) {
          node.listValue = m.child;
        }
      }
      return node;
    }

    /** The check of a value of {@code shape}, described to the SDK by {@code field}, or null. */
    Node value(Shape shape, SdkField<?> field) {
      return value(shape, field, true);
    }

    /**
     * As {@link #value(Shape, SdkField)}; with {@code own} false the shape's own constraints are
     * left out, for map values, whose own constraints the map reports.
     */
    Node value(Shape shape, SdkField<?> field, boolean own) {
      if (!needsCheck(shape, bound, new HashSet<>())) {
        return null;
      }
      own = own && shape.constrainedWithin(bound);
      MarshallingType<?> type = field.marshallingType();
      if (type == MarshallingType.SDK_POJO) {
        return struct(shape, field.constructor().get().sdkFields());
      }
      if (type == MarshallingType.LIST) {
        SdkField<?> element = field.getRequiredTrait(ListTrait.class).memberFieldInfo();
        boolean scalar = !isContainer(shape.element);
        Node elementNode = scalar ? null : value(shape.element, element);
        List<String> elementRules = scalar ? ConstraintText.constraints(shape.element) : List.of();
        Shape scalarElement =
            scalar && shape.element.constrainedWithin(bound) ? shape.element : null;
        return new ListNode(shape, own, scalarElement, elementRules, elementNode);
      }
      if (type == MarshallingType.MAP) {
        SdkField<?> valueField = field.getRequiredTrait(MapTrait.class).valueFieldInfo();
        Node valueNode = value(shape.value, valueField, false);
        return new MapNode(
            shape,
            own,
            shape.key.constrainedWithin(bound) ? shape.key : null,
            ConstraintText.constraints(shape.key),
            shape.value.constrainedWithin(bound) ? shape.value : null,
            ConstraintText.constraints(shape.value),
            valueNode);
      }
      return own ? new ScalarNode(shape) : null;
    }

    private static boolean isContainer(Shape shape) {
      return shape.type.equals("structure")
          || shape.type.equals("list")
          || shape.type.equals("map");
    }

    private static boolean needsCheck(Shape shape, long bound, Set<String> visiting) {
      if (shape.constrainedWithin(bound) || !shape.required.isEmpty()) {
        return true;
      }
      if (!visiting.add(shape.name)) {
        return false;
      }
      for (Shape.Member m : shape.members) {
        if (needsCheck(m.shape(), bound, visiting)) {
          return true;
        }
      }
      for (Shape child : new Shape[] {shape.element, shape.key, shape.value}) {
        if (child != null && needsCheck(child, bound, visiting)) {
          return true;
        }
      }
      return false;
    }
  }

  static String lowerFirst(String name) {
    return Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }

  private record MemberCheck(String path, SdkField<?> field, boolean required, Node child) {}

  private static final class StructNode implements Node {
    MemberCheck[] members;
    boolean containersOnly;
    Node mapValue;
    Node listValue;

    /** The check of an AttributeValue when {@link #containersOnly}: only M and L are read. */
    boolean acceptsAttributeValue(AttributeValue av) {
      AttributeValue.Type type = av.type();
      if (type == AttributeValue.Type.M) {
        return mapValue == null || mapValue.accepts(av.m());
      }
      return type != AttributeValue.Type.L || listValue == null || listValue.accepts(av.l());
    }

    @Override
    public boolean accepts(Object pojo) {
      if (containersOnly && pojo instanceof AttributeValue av) {
        return acceptsAttributeValue(av);
      }
      for (MemberCheck m : members) {
        Object v = present(m.field.getValueOrDefault(pojo));
        if (v == null ? m.required : m.child != null && !m.child.accepts(v)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public void check(Object pojo, Path path, Violations found) {
      if (containersOnly && pojo instanceof AttributeValue av) {
        AttributeValue.Type type = av.type();
        if (type == AttributeValue.Type.M && mapValue != null) {
          mapValue.check(av.m(), Path.of(path, "m"), found);
        } else if (type == AttributeValue.Type.L && listValue != null) {
          listValue.check(av.l(), Path.of(path, "l"), found);
        }
        return;
      }
      for (MemberCheck m : members) {
        Object v = present(m.field.getValueOrDefault(pojo));
        if (v == null) {
          if (m.required) {
            found.add(null, Path.of(path, m.path), "Member must not be null");
          }
        } else if (m.child != null) {
          m.child.check(v, Path.of(path, m.path), found);
        }
      }
    }
  }

  private record ListNode(
      Shape shape, boolean own, Shape scalarElement, List<String> elementRules, Node element)
      implements Node {
    @Override
    public boolean accepts(Object value) {
      if (own && !shape.accepts(value)) {
        return false;
      }
      List<?> list = (List<?>) value;
      boolean scalars = scalarElement != null && scalarElement.constrained();
      if (!scalars && element == null) {
        return true;
      }
      int n = list.size();
      if (!scalars && element instanceof StructNode struct && struct.containersOnly) {
        for (int i = 0; i < n; i++) {
          if (list.get(i) instanceof AttributeValue av && !struct.acceptsAttributeValue(av)) {
            return false;
          }
        }
        return true;
      }
      for (int i = 0; i < n; i++) {
        Object e = list.get(i);
        if (e != null
            && (scalars ? !scalarElement.accepts(e) : element != null && !element.accepts(e))) {
          return false;
        }
      }
      return true;
    }

    @Override
    public void check(Object value, Path path, Violations found) {
      if (own) {
        checkOwn(shape, value, path, found);
      }
      List<?> list = (List<?>) value;
      if (scalarElement != null && scalarElement.constrained()) {
        for (Object e : list) {
          if (e != null && ConstraintText.broken(scalarElement, e)) {
            found.add(
                value,
                path,
                "Member must satisfy constraint: [" + String.join(", ", elementRules) + "]");
            break;
          }
        }
      }
      if (element != null) {
        for (int i = 0; i < list.size(); i++) {
          Object e = list.get(i);
          if (e != null) {
            element.check(e, Path.member(path, i + 1), found);
          }
        }
      }
    }
  }

  /**
   * One pass over a map's entries through {@link Map#forEach}, which reads the SDK's unmodifiable
   * maps without an iterator or entry wrapper; the JIT keeps the scan itself off the heap.
   */
  private static final class Scan implements java.util.function.BiConsumer<Object, Object> {
    private final MapNode node;
    boolean ok = true;

    Scan(MapNode node) {
      this.node = node;
    }

    @Override
    public void accept(Object k, Object e) {
      if (ok && !node.acceptsEntry(k, e)) {
        ok = false;
      }
    }
  }

  private record MapNode(
      Shape shape,
      boolean own,
      Shape key,
      List<String> keyRules,
      Shape constrainedValue,
      List<String> valueRules,
      Node value,
      long keyMaxLength)
      implements Node {
    MapNode(
        Shape shape,
        boolean own,
        Shape key,
        List<String> keyRules,
        Shape constrainedValue,
        List<String> valueRules,
        Node value) {
      this(
          shape,
          own,
          key,
          keyRules,
          constrainedValue,
          valueRules,
          value,
          constrainedValue != null
              ? -1
              : key == null ? Long.MAX_VALUE : key.maxLengthIfOnlyConstraint());
    }

    @Override
    public boolean accepts(Object v) {
      if (own && !shape.accepts(v)) {
        return false;
      }
      if (key == null && constrainedValue == null && value == null) {
        return true;
      }
      Scan scan = new Scan(this);
      ((Map<?, ?>) v).forEach(scan);
      return scan.ok;
    }

    boolean acceptsEntry(Object k, Object e) {
      // Item maps, the bulk of most requests, take the monomorphic path: names of at most the
      // model's length, and attribute values of which only M and L can hold anything constrained.
      if (k instanceof String name
          && name.length() <= keyMaxLength
          && e instanceof AttributeValue av
          && value instanceof StructNode struct
          && struct.containersOnly) {
        return struct.acceptsAttributeValue(av);
      }
      return (k == null || key == null || key.accepts(k))
          && (e == null
              || (constrainedValue == null || constrainedValue.accepts(e))
                  && (value == null || value.accepts(e)));
    }

    @Override
    public void check(Object v, Path path, Violations found) {
      if (own) {
        checkOwn(shape, v, path, found);
      }
      Map<?, ?> map = (Map<?, ?>) v;
      if (key != null) {
        for (Object k : map.keySet()) {
          if (k != null && ConstraintText.broken(key, k)) {
            found.add(
                v, path, "Map keys must satisfy constraint: [" + String.join(", ", keyRules) + "]");
            break;
          }
        }
      }
      if (constrainedValue != null) {
        for (Object e : map.values()) {
          if (e != null && ConstraintText.broken(constrainedValue, e)) {
            found.add(
                v,
                path,
                "Map value must satisfy constraint: [" + String.join(", ", valueRules) + "]");
            break;
          }
        }
      }
      if (value != null) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
          if (e.getValue() != null) {
            value.check(e.getValue(), Path.member(path, e.getKey()), found);
          }
        }
      }
    }
  }
}
