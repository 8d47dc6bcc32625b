package pitr.local.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkNumber;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.document.Document;
import software.amazon.awssdk.core.protocol.MarshallingType;
import software.amazon.awssdk.core.traits.ListTrait;
import software.amazon.awssdk.core.traits.MapTrait;
import software.amazon.awssdk.core.util.SdkAutoConstructList;
import software.amazon.awssdk.core.util.SdkAutoConstructMap;
import software.amazon.awssdk.utils.builder.Buildable;

/**
 * Converts between DynamoDB JSON 1.0 wire JSON and the SDK's model objects, driven only by the
 * SDK's own field metadata ({@link SdkPojo#sdkFields()}), so every request, response and structure
 * the SDK models is covered without per-type code.
 *
 * <p>The schema of each structure is compiled once into a tree of codecs and cached; reading and
 * writing then stream through Jackson without building a JSON tree. Absent and null members are
 * omitted on output; unknown members are ignored on input, as DynamoDB does for forward
 * compatibility. Instances are thread-safe.
 */
final class WireCodec {
  /**
   * DynamoDB's attribute names run to 65,535 bytes, past Jackson's default of 50,000 characters for
   * a JSON member name.
   */
  static final int MAX_NAME_LENGTH = 65_535;

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder().maxNameLength(MAX_NAME_LENGTH).build())
          .build();

  /** Compiled structures, keyed by the SDK's (shared, static) field list of each type. */
  private final Map<List<SdkField<?>>, StructCodec> structs = new ConcurrentHashMap<>();

  /**
   * Reads one JSON object into the structure whose builder {@code builderFactory} supplies, and
   * builds it.
   *
   * @throws WireFormatException when the bytes are not JSON or a member has the wrong JSON type
   */
  @SuppressWarnings("unchecked")
  <T> T read(byte[] json, Supplier<? extends SdkPojo> builderFactory) {
    SdkPojo builder = builderFactory.get();
    StructCodec struct = struct(builder.sdkFields());
    if (struct.shape.isEmpty()) {
      struct.shape = shapeName(builder).replaceFirst("Request$", "Input");
    }
    try (JsonParser parser = JSON.createParser(json)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return (T) ((Buildable) builder).build();
      }
      struct.readInto(parser, builder);
      if (parser.nextToken() != null) {
        throw new WireFormatException(null);
      }
      return (T) ((Buildable) builder).build();
    } catch (IOException e) {
      // Malformed JSON: DynamoDB answers a SerializationException without a message.
      throw new WireFormatException(null);
    }
  }

  /** Writes {@code pojo} as one JSON object. */
  void write(SdkPojo pojo, OutputStream out) throws IOException {
    try (JsonGenerator gen = JSON.createGenerator(out)) {
      struct(pojo.sdkFields()).write(gen, pojo);
    }
  }

  /** Writes {@code pojo} as one JSON object into a new array. */
  byte[] write(SdkPojo pojo) {
    var out = new java.io.ByteArrayOutputStream(256);
    try {
      write(pojo, out);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Writes the members described by {@code fields}, read from {@code source}, into the object
   * {@code gen} is currently writing. Used for the modelled members of service exceptions, whose
   * field getters take the exception itself.
   */
  void writeMembers(JsonGenerator gen, List<SdkField<?>> fields, Object source, String skip)
      throws IOException {
    struct(fields).writeMembers(gen, source, skip);
  }

  /** Compiles every structure reachable from {@code fields}; later calls hit the cache. */
  StructCodec struct(List<SdkField<?>> fields) {
    StructCodec cached = structs.get(fields);
    if (cached != null) {
      return cached;
    }
    synchronized (this) {
      // Compile the whole reachable graph privately, then publish it complete: recursive types
      // (AttributeValue holds lists and maps of AttributeValue) find their in-progress codec.
      Map<List<SdkField<?>>, StructCodec> building = new IdentityHashMap<>();
      StructCodec root = compile(fields, building);
      structs.putAll(building);
      return root;
    }
  }

  private StructCodec compile(
      List<SdkField<?>> fields, Map<List<SdkField<?>>, StructCodec> building) {
    StructCodec existing = structs.get(fields);
    if (existing == null) {
      existing = building.get(fields);
    }
    if (existing != null) {
      return existing;
    }
    StructCodec struct = new StructCodec();
    building.put(fields, struct);
    Member[] members = new Member[fields.size()];
    Map<String, Member> byName = new java.util.HashMap<>();
    for (int i = 0; i < members.length; i++) {
      SdkField<?> field = fields.get(i);
      Member member =
          new Member(
              field.locationName(),
              new SerializedString(field.locationName()),
              field,
              codec(field, building));
      members[i] = member;
      byName.put(field.locationName(), member);
    }
    struct.members = members;
    struct.byName = byName;
    return struct;
  }

  private ValueCodec codec(SdkField<?> field, Map<List<SdkField<?>>, StructCodec> building) {
    MarshallingType<?> type = field.marshallingType();
    if (type == MarshallingType.STRING) {
      return Scalars.STRING;
    } else if (type == MarshallingType.INTEGER) {
      return Scalars.INTEGER;
    } else if (type == MarshallingType.LONG) {
      return Scalars.LONG;
    } else if (type == MarshallingType.BOOLEAN) {
      return Scalars.BOOLEAN;
    } else if (type == MarshallingType.DOUBLE) {
      return Scalars.DOUBLE;
    } else if (type == MarshallingType.FLOAT) {
      return Scalars.FLOAT;
    } else if (type == MarshallingType.BIG_DECIMAL) {
      return Scalars.BIG_DECIMAL;
    } else if (type == MarshallingType.SHORT) {
      return Scalars.SHORT;
    } else if (type == MarshallingType.BYTE) {
      return Scalars.BYTE;
    } else if (type == MarshallingType.INSTANT) {
      return Scalars.INSTANT;
    } else if (type == MarshallingType.SDK_BYTES) {
      return Scalars.BYTES;
    } else if (type == MarshallingType.DOCUMENT) {
      return Scalars.DOCUMENT;
    } else if (type == MarshallingType.LIST) {
      SdkField<?> member = field.getRequiredTrait(ListTrait.class).memberFieldInfo();
      return new ListCodec(codec(member, building));
    } else if (type == MarshallingType.MAP) {
      SdkField<?> value = field.getRequiredTrait(MapTrait.class).valueFieldInfo();
      return new MapCodec(codec(value, building));
    } else if (type == MarshallingType.SDK_POJO) {
      Supplier<SdkPojo> constructor = field.constructor();
      StructCodec struct = compile(constructor.get().sdkFields(), building);
      struct.shape = shapeName(constructor.get());
      if (struct.shape.equals(AttributeValueCodec.SHAPE)) {
        return new AttributeValueCodec(struct);
      }
      return new PojoCodec(constructor, struct);
    }
    throw new IllegalStateException(
        "Field " + field.memberName() + " has marshalling type " + type + ", which is unsupported");
  }

  /** Reads and writes one JSON value of a modelled type. */
  interface ValueCodec {
    /** Reads the value at the parser's current token (already advanced to). */
    Object read(JsonParser parser) throws IOException;

    void write(JsonGenerator gen, Object value) throws IOException;
  }

  private record Member(String name, SerializedString key, SdkField<?> field, ValueCodec codec) {}

  /** The members of one structure type. Filled once during compilation, read-only after. */
  static final class StructCodec {
    private Member[] members;
    private Map<String, Member> byName;
    private String shape = "";

    void readInto(JsonParser parser, SdkPojo builder) throws IOException {
      if (parser.currentToken() != JsonToken.START_OBJECT) {
        throw SerializationErrors.structure(parser, shape);
      }
      String name;
      while ((name = parser.nextFieldName()) != null) {
        parser.nextToken();
        readMember(parser, builder, name);
      }
    }

    /**
     * Reads the value of member {@code name} (the parser at its first token) into {@code builder}.
     */
    void readMember(JsonParser parser, SdkPojo builder, String name) throws IOException {
      Member member = byName.get(name);
      if (member == null) {
        parser.skipChildren();
      } else if (parser.currentToken() != JsonToken.VALUE_NULL) {
        member.field.set(builder, member.codec.read(parser));
      }
    }

    void write(JsonGenerator gen, Object pojo) throws IOException {
      gen.writeStartObject();
      writeMembers(gen, pojo, null);
      gen.writeEndObject();
    }

    void writeMembers(JsonGenerator gen, Object pojo, String skip) throws IOException {
      for (Member member : members) {
        Object value = member.field.getValueOrDefault(pojo);
        if (value == null
            || value instanceof SdkAutoConstructList
            || value instanceof SdkAutoConstructMap
            || (skip != null && skip.equalsIgnoreCase(member.name))) {
          continue;
        }
        gen.writeFieldName(member.key);
        member.codec.write(gen, value);
      }
    }
  }

  private record PojoCodec(Supplier<SdkPojo> constructor, StructCodec struct)
      implements ValueCodec {
    @Override
    public Object read(JsonParser parser) throws IOException {
      SdkPojo builder = constructor.get();
      struct.readInto(parser, builder);
      return ((Buildable) builder).build();
    }

    @Override
    public void write(JsonGenerator gen, Object value) throws IOException {
      struct.write(gen, value);
    }
  }

  private record ListCodec(ValueCodec element) implements ValueCodec {
    @Override
    public Object read(JsonParser parser) throws IOException {
      if (parser.currentToken() != JsonToken.START_ARRAY) {
        throw SerializationErrors.list(parser);
      }
      List<Object> list = new ArrayList<>();
      JsonToken token;
      while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
        if (token == null) {
          throw new WireFormatException(null);
        }
        list.add(token == JsonToken.VALUE_NULL ? null : element.read(parser));
      }
      return list;
    }

    @Override
    public void write(JsonGenerator gen, Object value) throws IOException {
      List<?> list = (List<?>) value;
      gen.writeStartArray(list, list.size());
      for (Object item : list) {
        if (item == null) {
          gen.writeNull();
        } else {
          element.write(gen, item);
        }
      }
      gen.writeEndArray();
    }
  }

  private record MapCodec(ValueCodec valueCodec) implements ValueCodec {
    @Override
    public Object read(JsonParser parser) throws IOException {
      if (parser.currentToken() != JsonToken.START_OBJECT) {
        throw SerializationErrors.map(parser);
      }
      Map<String, Object> map = new LinkedHashMap<>();
      String key;
      while ((key = parser.nextFieldName()) != null) {
        JsonToken token = parser.nextToken();
        map.put(key, token == JsonToken.VALUE_NULL ? null : valueCodec.read(parser));
      }
      return map;
    }

    @Override
    public void write(JsonGenerator gen, Object value) throws IOException {
      gen.writeStartObject(value);
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
        gen.writeFieldName((String) entry.getKey());
        if (entry.getValue() == null) {
          gen.writeNull();
        } else {
          valueCodec.write(gen, entry.getValue());
        }
      }
      gen.writeEndObject();
    }
  }

  private enum Scalars implements ValueCodec {
    STRING {
      @Override
      public Object read(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.VALUE_STRING) {
          throw SerializationErrors.scalar(parser, "String", "java.lang.String");
        }
        return parser.getText();
      }

      @Override
      public void write(JsonGenerator gen, Object value) throws IOException {
        gen.writeString((String) value);
      }
    },
    INTEGER {
      @Override
      public Object read(JsonParser parser) throws IOException {
        expectNumber(parser, "Integer", "java.lang.Integer");
        return parser.getIntValue();
      }

      @Override
      public void write(JsonGenerator gen, Object value) throws IOException {
        gen.writeNumber((Integer) value);
      }
    },
    LONG {
      @Override
      public Object read(JsonParser parser) throws IOException {
        expectNumber(parser, "Long", "java.lang.Long");
        return parser.getLongValue();
      }

      @Override
      public void write(JsonGenerator gen, Object value) throws IOException {
        gen.writeNumber((Long) value);
      }
    },
    SHORT {
      @Override
      public Object read(JsonParser parser) throws IOException {
        expectNumber(parser, "Short", "java.lang.Short");
        return parser.getShortValue();
      }

      @Override
      public void write(JsonGenerator gen, Object value) throws IOException {
        gen.writeNumber((Short) value);
      }
    },
    BYTE {
      @Override
      public Object read(JsonParser parser) throws IOException {
        expectNumber(parser, "Byte", "java.lang.Byte");
        return parser.getByteValue();
      }

      @Override
      public void write(JsonGenerator gen, Object value) throws IOException {
        gen.writeNumber((Byte) value);
      }
    },
    DOUBLE {
      @Override
      public Object read(JsonParser parser) throws IOException {
        expectNumber(parser, "Double", "java.lang.Double");
        return parser.getDoubleValue();
      }

      @Override
      public void write(JsonGenerator gen, Object value) throws IOException {
        gen.writeNumber((Double) value);
      }
    },
    FLOAT {
      @Override
      public Object read(JsonParser parser) throws IOException {
        expectNumber(parser, "Float", "java.lang.Float");
        return parser.getFloatValue();
      }

      @Override
      public void write(JsonGenerator gen, Object value) throws IOException {
        gen.writeNumber((Float) value);
      }
    },
    BIG_DECIMAL {
      @Override
      public Object read(JsonParser parser) throws IOException {
        expectNumber(parser, "BigDecimal", "java.math.BigDecimal");
        return parser.getDecimalValue();
      }

      @Override
      public void write(JsonGenerator gen, Object value) throws IOException {
        gen.writeNumber((BigDecimal) value);
      }
    },
    BOOLEAN {
      @Override
      public Object read(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
          throw SerializationErrors.scalar(parser, "Boolean", "java.lang.Boolean");
        }
        return token == JsonToken.VALUE_TRUE;
      }

      @Override
      public void write(JsonGenerator gen, Object value) throws IOException {
        gen.writeBoolean((Boolean) value);
      }
    },
    /** Epoch seconds as a JSON number with a fraction, as the JSON 1.0 protocol sends them. */
    INSTANT {
      @Override
      public Object read(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NUMBER_INT) {
          return Instant.ofEpochSecond(parser.getLongValue());
        }
        if (token == JsonToken.VALUE_NUMBER_FLOAT) {
          return fromEpochSeconds(parser.getDecimalValue());
        }
        if (token == JsonToken.VALUE_STRING) {
          String text = parser.getText();
          try {
            return fromEpochSeconds(new BigDecimal(text));
          } catch (NumberFormatException notNumeric) {
            try {
              return Instant.parse(text);
            } catch (DateTimeParseException e) {
              throw SerializationErrors.scalar(parser, "Date", "java.util.Date");
            }
          }
        }
        throw SerializationErrors.scalar(parser, "Date", "java.util.Date");
      }

      @Override
      public void write(JsonGenerator gen, Object value) throws IOException {
        Instant instant = (Instant) value;
        if (instant.getNano() == 0) {
          gen.writeNumber(instant.getEpochSecond());
        } else {
          gen.writeNumber(
              BigDecimal.valueOf(instant.getEpochSecond())
                  .add(BigDecimal.valueOf(instant.getNano(), 9))
                  .stripTrailingZeros()
                  .toPlainString());
        }
      }
    },
    /** Binary as standard base64 with padding. */
    BYTES {
      @Override
      public Object read(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.VALUE_STRING) {
          throw SerializationErrors.scalar(parser, "ByteBuffer", "java.nio.ByteBuffer");
        }
        try {
          return SdkBytes.fromByteArrayUnsafe(
              java.util.Base64.getDecoder().decode(parser.getText()));
        } catch (IllegalArgumentException e) {
          throw SerializationErrors.base64(parser.getText());
        }
      }

      @Override
      public void write(JsonGenerator gen, Object value) throws IOException {
        byte[] bytes = ((SdkBytes) value).asByteArrayUnsafe();
        gen.writeBinary(bytes, 0, bytes.length);
      }
    },
    DOCUMENT {
      @Override
      public Object read(JsonParser parser) throws IOException {
        switch (parser.currentToken()) {
          case VALUE_NULL:
            return Document.fromNull();
          case VALUE_TRUE:
            return Document.fromBoolean(true);
          case VALUE_FALSE:
            return Document.fromBoolean(false);
          case VALUE_STRING:
            return Document.fromString(parser.getText());
          case VALUE_NUMBER_INT:
          case VALUE_NUMBER_FLOAT:
            return Document.fromNumber(SdkNumber.fromString(parser.getText()));
          case START_ARRAY:
            List<Document> list = new ArrayList<>();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
              list.add((Document) read(parser));
            }
            return Document.fromList(list);
          case START_OBJECT:
            Map<String, Document> map = new LinkedHashMap<>();
            String key;
            while ((key = parser.nextFieldName()) != null) {
              parser.nextToken();
              map.put(key, (Document) read(parser));
            }
            return Document.fromMap(map);
          default:
            throw new WireFormatException(null);
        }
      }

      @Override
      public void write(JsonGenerator gen, Object value) throws IOException {
        Document doc = (Document) value;
        if (doc.isNull()) {
          gen.writeNull();
        } else if (doc.isBoolean()) {
          gen.writeBoolean(doc.asBoolean());
        } else if (doc.isString()) {
          gen.writeString(doc.asString());
        } else if (doc.isNumber()) {
          gen.writeNumber(doc.asNumber().stringValue());
        } else if (doc.isList()) {
          gen.writeStartArray();
          for (Document item : doc.asList()) {
            write(gen, item);
          }
          gen.writeEndArray();
        } else {
          gen.writeStartObject();
          for (Map.Entry<String, Document> entry : doc.asMap().entrySet()) {
            gen.writeFieldName(entry.getKey());
            write(gen, entry.getValue());
          }
          gen.writeEndObject();
        }
      }
    };

    private static Instant fromEpochSeconds(BigDecimal seconds) {
      BigDecimal whole = seconds.setScale(0, java.math.RoundingMode.FLOOR);
      int nanos = seconds.subtract(whole).movePointRight(9).intValue();
      return Instant.ofEpochSecond(whole.longValueExact(), nanos);
    }
  }

  private static void expectNumber(JsonParser parser, String javaType, String javaClass)
      throws IOException {
    JsonToken token = parser.currentToken();
    if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
      throw SerializationErrors.scalar(parser, javaType, javaClass);
    }
  }

  /** The model name of the structure {@code builder} builds, e.g. {@code ProvisionedThroughput}. */
  private static String shapeName(Object builder) {
    Class<?> type = builder.getClass();
    Class<?> outer = type.getEnclosingClass();
    return (outer != null ? outer : type).getSimpleName();
  }
}
