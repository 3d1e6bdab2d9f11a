package org.tritonosgi.api.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MapEntry;
import com.google.protobuf.Message;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The model configuration as JSON, the way Triton exchanges it: field names as in the proto (lowerCamel accepted
 * when reading), enums by name, 64-bit integers as JSON numbers (strings accepted when reading), maps as objects,
 * every field without presence printed even at its default. One implementation for every engine and frontend;
 * protobuf's own JsonFormat writes 64-bit integers as strings and needs gson and jsr305 bundles.
 */
public final class ModelConfigJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ModelConfigJson() {
    }

    /**
     * Reads a configuration.
     *
     * @param strict true to refuse members and enum names the schema does not have (a user's configuration);
     *               false to skip them (a newer Triton's answer)
     * @throws IllegalArgumentException naming the member or value that is wrong
     */
    public static ModelConfig.Builder read(String json, boolean strict) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw new IllegalArgumentException("the model configuration must be a JSON object");
        }
        ModelConfig.Builder builder = ModelConfig.newBuilder();
        merge(tree, builder, strict, "");
        return builder;
    }

    /** The message as Triton's JSON text. */
    public static String write(Message message) {
        StringWriter text = new StringWriter();
        try (JsonGenerator out = MAPPER.getFactory().createGenerator(text)) {
            write(out, message);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    private static void merge(JsonNode json, Message.Builder builder, boolean strict, String path) {
        if (!json.isObject()) {
            throw new IllegalArgumentException("'" + path + "' must be an object");
        }
        Descriptor descriptor = builder.getDescriptorForType();
        for (Iterator<Map.Entry<String, JsonNode>> members = json.fields(); members.hasNext(); ) {
            Map.Entry<String, JsonNode> member = members.next();
            String at = path.isEmpty() ? member.getKey() : path + "." + member.getKey();
            FieldDescriptor field = field(descriptor, member.getKey());
            JsonNode value = member.getValue();
            if (field == null) {
                if (strict) {
                    throw new IllegalArgumentException("unknown member '" + at + "'");
                }
                continue;
            }
            if (value.isNull()) {
                continue;
            }
            if (field.isMapField()) {
                FieldDescriptor key = field.getMessageType().findFieldByName("key");
                FieldDescriptor val = field.getMessageType().findFieldByName("value");
                for (Iterator<Map.Entry<String, JsonNode>> entries = value.fields(); entries.hasNext(); ) {
                    Map.Entry<String, JsonNode> entry = entries.next();
                    Message.Builder entryBuilder = builder.newBuilderForField(field);
                    String entryPath = at + "." + entry.getKey();
                    entryBuilder.setField(key, scalar(key, new TextNode(entry.getKey()), entryBuilder, strict,
                            entryPath));
                    Object converted = scalar(val, entry.getValue(), entryBuilder, strict, entryPath);
                    if (converted != null) {
                        entryBuilder.setField(val, converted);
                        builder.addRepeatedField(field, entryBuilder.build());
                    }
                }
            } else if (field.isRepeated()) {
                if (!value.isArray()) {
                    throw new IllegalArgumentException("'" + at + "' must be an array");
                }
                for (JsonNode element : value) {
                    Object converted = scalar(field, element, builder, strict, at);
                    if (converted != null) {
                        builder.addRepeatedField(field, converted);
                    }
                }
            } else {
                Object converted = scalar(field, value, builder, strict, at);
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

    private static Object scalar(FieldDescriptor field, JsonNode value, Message.Builder parent, boolean strict,
            String path) {
        boolean unsigned = field.getType() == FieldDescriptor.Type.UINT32
                || field.getType() == FieldDescriptor.Type.FIXED32 || field.getType() == FieldDescriptor.Type.UINT64
                || field.getType() == FieldDescriptor.Type.FIXED64;
        try {
            return switch (field.getJavaType()) {
                case MESSAGE -> {
                    Message.Builder child = parent.newBuilderForField(field);
                    merge(value, child, strict, path);
                    yield child.build();
                }
                case ENUM -> enumValue(field, value, strict, path);
                case INT -> unsigned ? Integer.parseUnsignedInt(integer(value)) : Integer.parseInt(integer(value));
                case LONG -> unsigned ? Long.parseUnsignedLong(integer(value)) : Long.parseLong(integer(value));
                case FLOAT -> (float) number(value);
                case DOUBLE -> number(value);
                case BOOLEAN -> value.isBoolean() ? value.booleanValue() : Boolean.parseBoolean(value.asText());
                case STRING -> value.asText();
                case BYTE_STRING -> ByteString.copyFrom(Base64.getDecoder().decode(value.asText()));
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + path + "' must be " + (unsigned ? "an unsigned " : "an ")
                    + field.getJavaType().name().toLowerCase(java.util.Locale.ROOT) + ", got " + value);
        }
    }

    private static String integer(JsonNode value) {
        return value.isNumber() ? value.bigIntegerValue().toString() : value.asText().trim();
    }

    private static double number(JsonNode value) {
        return value.isNumber() ? value.asDouble() : Double.parseDouble(value.asText().trim());
    }

    /** The enum value; an unknown name is skipped (null) unless strict. */
    private static EnumValueDescriptor enumValue(FieldDescriptor field, JsonNode value, boolean strict, String path) {
        EnumValueDescriptor found = value.isNumber() ? field.getEnumType().findValueByNumber(value.asInt())
                : field.getEnumType().findValueByName(value.asText());
        if (found == null && strict) {
            throw new IllegalArgumentException("'" + path + "' has no value " + value + " (" + field.getEnumType()
                    .getName() + ")");
        }
        return found;
    }

    /** Writes the message with Triton's conventions (see the class comment). */
    private static void write(JsonGenerator out, Message message) throws IOException {
        out.writeStartObject();
        for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
            if (field.isRepeated()) {
                out.writeFieldName(field.getName());
                if (field.isMapField()) {
                    writeMap(out, field, message);
                } else {
                    out.writeStartArray();
                    for (Object element : (List<?>) message.getField(field)) {
                        writeValue(out, field, element);
                    }
                    out.writeEndArray();
                }
            } else if (!field.hasPresence() || message.hasField(field)) {
                out.writeFieldName(field.getName());
                writeValue(out, field, message.getField(field));
            }
        }
        out.writeEndObject();
    }

    private static void writeMap(JsonGenerator out, FieldDescriptor field, Message message) throws IOException {
        out.writeStartObject();
        FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
        for (Object element : (List<?>) message.getField(field)) {
            MapEntry<?, ?> entry = (MapEntry<?, ?>) element;
            out.writeFieldName(String.valueOf(entry.getKey()));
            writeValue(out, valueField, entry.getValue());
        }
        out.writeEndObject();
    }

    private static void writeValue(JsonGenerator out, FieldDescriptor field, Object value) throws IOException {
        switch (field.getJavaType()) {
            case MESSAGE -> write(out, (Message) value);
            case ENUM -> out.writeString(((EnumValueDescriptor) value).getName());
            case STRING -> out.writeString((String) value);
            case BOOLEAN -> out.writeBoolean((Boolean) value);
            case INT -> {
                if (field.getType() == FieldDescriptor.Type.UINT32 || field.getType() == FieldDescriptor.Type.FIXED32) {
                    out.writeNumber(Integer.toUnsignedLong((Integer) value));
                } else {
                    out.writeNumber((Integer) value);
                }
            }
            case LONG -> {
                long number = (Long) value;
                boolean unsigned = field.getType() == FieldDescriptor.Type.UINT64
                        || field.getType() == FieldDescriptor.Type.FIXED64;
                if (unsigned && number < 0) {
                    out.writeNumber(new BigInteger(Long.toUnsignedString(number)));
                } else {
                    out.writeNumber(number);
                }
            }
            case FLOAT -> out.writeNumber((Float) value);
            case DOUBLE -> out.writeNumber((Double) value);
            case BYTE_STRING -> out.writeString(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
        }
    }
}
