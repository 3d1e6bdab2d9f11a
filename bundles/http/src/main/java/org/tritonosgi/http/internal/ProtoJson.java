package org.tritonosgi.http.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MapEntry;
import com.google.protobuf.Message;
import java.io.IOException;
import java.util.Base64;
import java.util.List;

/**
 * Writes a protobuf message as Triton's HTTP frontend does for the model configuration: original field names,
 * every field without presence printed even at its default, enums by name, 64-bit integers as JSON numbers (which
 * protobuf's own JsonFormat writes as strings), maps as objects.
 */
final class ProtoJson {

    private ProtoJson() {
    }

    static void write(JsonGenerator out, Message message) throws IOException {
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
                    out.writeNumber(new java.math.BigInteger(Long.toUnsignedString(number)));
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
