package org.tritonosgi.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.config.ModelConfig;

/**
 * Reads Triton's model configuration JSON (protobuf's JSON mapping, field names as in the proto or in lowerCamel,
 * 64-bit integers as numbers or strings) into {@link ModelConfig}, driven by the message descriptors. Unknown
 * members are ignored, as a newer Triton may add fields.
 */
final class ProtoJson {

    private ProtoJson() {
    }

    static ModelConfig modelConfig(JsonNode json) {
        ModelConfig.Builder builder = ModelConfig.newBuilder();
        try {
            merge(json, builder);
        } catch (RuntimeException e) {
            throw new TritonException(TritonException.Code.INTERNAL, "cannot read the model configuration of '"
                    + json.path("name").asText() + "': " + e.getMessage(), e);
        }
        return builder.build();
    }

    static void merge(JsonNode json, Message.Builder builder) {
        Descriptor descriptor = builder.getDescriptorForType();
        for (Iterator<Map.Entry<String, JsonNode>> members = json.fields(); members.hasNext();) {
            Map.Entry<String, JsonNode> member = members.next();
            FieldDescriptor field = field(descriptor, member.getKey());
            JsonNode value = member.getValue();
            if (field == null || value.isNull()) {
                continue;
            }
            if (field.isMapField()) {
                FieldDescriptor key = field.getMessageType().findFieldByName("key");
                FieldDescriptor val = field.getMessageType().findFieldByName("value");
                for (Iterator<Map.Entry<String, JsonNode>> entries = value.fields(); entries.hasNext();) {
                    Map.Entry<String, JsonNode> entry = entries.next();
                    Message.Builder entryBuilder = builder.newBuilderForField(field);
                    entryBuilder.setField(key, scalar(key, new TextNode(entry.getKey()), entryBuilder));
                    Object converted = scalar(val, entry.getValue(), entryBuilder);
                    if (converted != null) {
                        entryBuilder.setField(val, converted);
                        builder.addRepeatedField(field, entryBuilder.build());
                    }
                }
            } else if (field.isRepeated()) {
                for (JsonNode element : value) {
                    Object converted = scalar(field, element, builder);
                    if (converted != null) {
                        builder.addRepeatedField(field, converted);
                    }
                }
            } else {
                Object converted = scalar(field, value, builder);
                if (converted != null) {
                    builder.setField(field, converted);
                }
            }
        }
    }

    private static FieldDescriptor field(Descriptor descriptor, String name) {
        FieldDescriptor field = descriptor.findFieldByName(name);
        if (field == null) {
            for (FieldDescriptor candidate : descriptor.getFields()) {
                if (candidate.getJsonName().equals(name)) {
                    return candidate;
                }
            }
        }
        return field;
    }

    private static Object scalar(FieldDescriptor field, JsonNode value, Message.Builder parent) {
        boolean unsigned = field.getType() == FieldDescriptor.Type.UINT32 || field.getType() == FieldDescriptor.Type.FIXED32
                || field.getType() == FieldDescriptor.Type.UINT64 || field.getType() == FieldDescriptor.Type.FIXED64;
        return switch (field.getJavaType()) {
            case MESSAGE -> {
                Message.Builder child = parent.newBuilderForField(field);
                merge(value, child);
                yield child.build();
            }
            case ENUM -> enumValue(field, value);
            case INT -> unsigned ? Integer.parseUnsignedInt(integer(value)) : Integer.parseInt(integer(value));
            case LONG -> unsigned ? Long.parseUnsignedLong(integer(value)) : Long.parseLong(integer(value));
            case FLOAT -> (float) value.asDouble();
            case DOUBLE -> value.asDouble();
            case BOOLEAN -> value.isBoolean() ? value.booleanValue() : Boolean.parseBoolean(value.asText());
            case STRING -> value.asText();
            case BYTE_STRING -> ByteString.copyFrom(Base64.getDecoder().decode(value.asText()));
        };
    }

    private static String integer(JsonNode value) {
        return value.isNumber() ? value.bigIntegerValue().toString() : value.asText().trim();
    }

    /** The enum value, or null for a name this proto does not know yet (skipped, like an unknown field). */
    private static EnumValueDescriptor enumValue(FieldDescriptor field, JsonNode value) {
        return value.isNumber() ? field.getEnumType().findValueByNumber(value.asInt())
                : field.getEnumType().findValueByName(value.asText());
    }
}
