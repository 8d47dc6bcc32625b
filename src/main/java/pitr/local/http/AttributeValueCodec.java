package pitr.local.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The wire codec of {@code AttributeValue}, the bulk of every item request and answer: strings and
 * numbers, nearly all of an item's values, are read and written directly, without the generic
 * codec's per-member lookups and getters; every other member goes through the generic structure
 * codec, so values, errors and output are exactly those of the generic path.
 */
final class AttributeValueCodec implements WireCodec.ValueCodec {
  /** The model name of the structure this codec serves. */
  static final String SHAPE = "AttributeValue";

  private static final SerializedString S = new SerializedString("S");
  private static final SerializedString N = new SerializedString("N");

  private final WireCodec.StructCodec generic;

  AttributeValueCodec(WireCodec.StructCodec generic) {
    this.generic = generic;
  }

  @Override
  public Object read(JsonParser parser) throws IOException {
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      throw SerializationErrors.structure(parser, SHAPE);
    }
    AttributeValue.Builder builder = AttributeValue.builder();
    String name;
    while ((name = parser.nextFieldName()) != null) {
      JsonToken token = parser.nextToken();
      if (token == JsonToken.VALUE_STRING && name.equals("S")) {
        builder.s(parser.getText());
      } else if (token == JsonToken.VALUE_STRING && name.equals("N")) {
        builder.n(parser.getText());
      } else {
        generic.readMember(parser, builder, name);
      }
    }
    return builder.build();
  }

  @Override
  public void write(JsonGenerator gen, Object value) throws IOException {
    AttributeValue av = (AttributeValue) value;
    AttributeValue.Type type = av.type();
    if (type == AttributeValue.Type.S) {
      gen.writeStartObject();
      gen.writeFieldName(S);
      gen.writeString(av.s());
      gen.writeEndObject();
    } else if (type == AttributeValue.Type.N) {
      gen.writeStartObject();
      gen.writeFieldName(N);
      gen.writeString(av.n());
      gen.writeEndObject();
    } else {
      generic.write(gen, av);
    }
  }
}
