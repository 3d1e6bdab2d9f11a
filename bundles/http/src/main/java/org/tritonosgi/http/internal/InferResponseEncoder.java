package org.tritonosgi.http.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tritonosgi.api.DataType;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.shm.TensorRegion;

/**
 * Encodes an infer response: the JSON object, followed by the binary outputs' raw bytes when the client asked for
 * binary data. Binary outputs are wrapped, not copied, so the response must stay open until the bytes are written;
 * outputs the client placed in shared memory are copied into their regions and carry neither data nor blobs.
 */
final class InferResponseEncoder {

    /**
     * The JSON part and the binary blobs that follow it. The blobs are written as separate messages rather than as
     * one composite buffer: copying a composite to the socket's direct buffer would first merge it on the heap.
     */
    record Encoded(ByteBuf json, List<ByteBuf> blobs) {

        boolean hasBinary() {
            return !blobs.isEmpty();
        }

        long length() {
            return json.readableBytes() + blobs.stream().mapToLong(ByteBuf::readableBytes).sum();
        }
    }

    private InferResponseEncoder() {
    }

    static Encoded encode(ByteBufAllocator alloc, InferenceResponse response, InferRequestDecoder.Decoded request) {
        List<Tensor> blobs = new ArrayList<>();
        ByteBuf json = Json.write(alloc, out -> {
            out.writeStartObject();
            out.writeStringField("model_name", response.modelName());
            out.writeStringField("model_version", Long.toString(response.modelVersion()));
            if (!response.id().isEmpty()) {
                out.writeStringField("id", response.id());
            }
            if (!response.parameters().isEmpty()) {
                out.writeFieldName("parameters");
                writeParameters(out, response.parameters());
            }
            out.writeArrayFieldStart("outputs");
            for (Tensor output : response.outputs()) {
                out.writeStartObject();
                out.writeStringField("name", output.name());
                out.writeStringField("datatype", output.dataType().name());
                Json.writeShape(out, output.shape());
                TensorRegion place = request.sharedOutputs().get(output.name());
                if (place != null) {
                    request.regions().write(place.region(), place.offset(), place.byteSize(), output);
                    out.writeObjectFieldStart("parameters");
                    out.writeStringField("shared_memory_region", place.region());
                    if (place.offset() != 0) {
                        out.writeNumberField("shared_memory_offset", place.offset());
                    }
                    out.writeNumberField("shared_memory_byte_size", output.byteSize());
                    out.writeEndObject();
                } else if (request.binary(output.name())) {
                    out.writeObjectFieldStart("parameters");
                    out.writeNumberField("binary_data_size", output.byteSize());
                    out.writeEndObject();
                    if (output.byteSize() > 0) {
                        blobs.add(output);
                    }
                } else {
                    out.writeArrayFieldStart("data");
                    writeData(out, output);
                    out.writeEndArray();
                }
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeEndObject();
        });
        List<ByteBuf> wrapped = new ArrayList<>(blobs.size());
        for (Tensor blob : blobs) {
            wrapped.add(Unpooled.wrappedBuffer(blob.data()));
        }
        return new Encoded(json, wrapped);
    }

    private static void writeParameters(JsonGenerator out, Map<String, Object> parameters) throws IOException {
        out.writeStartObject();
        for (Map.Entry<String, Object> parameter : parameters.entrySet()) {
            out.writeFieldName(parameter.getKey());
            Object value = parameter.getValue();
            if (value instanceof String text) {
                out.writeString(text);
            } else if (value instanceof Boolean flag) {
                out.writeBoolean(flag);
            } else if (value instanceof Long number) {
                out.writeNumber(number);
            } else {
                out.writeNumber((Double) value);
            }
        }
        out.writeEndObject();
    }

    /** Writes the tensor's elements as a flat JSON array body, row-major. */
    static void writeData(JsonGenerator out, Tensor tensor) throws IOException {
        ByteBuffer data = tensor.data();
        DataType type = tensor.dataType();
        long count = tensor.elementCount();
        for (long i = 0; i < count; i++) {
            switch (type) {
                case BOOL -> out.writeBoolean(data.get() != 0);
                case UINT8 -> out.writeNumber(data.get() & 0xFF);
                case UINT16 -> out.writeNumber(data.getShort() & 0xFFFF);
                case UINT32 -> out.writeNumber(Integer.toUnsignedLong(data.getInt()));
                case UINT64 -> {
                    long value = data.getLong();
                    if (value >= 0) {
                        out.writeNumber(value);
                    } else {
                        out.writeNumber(new BigInteger(Long.toUnsignedString(value)));
                    }
                }
                case INT8 -> out.writeNumber(data.get());
                case INT16 -> out.writeNumber(data.getShort());
                case INT32 -> out.writeNumber(data.getInt());
                case INT64 -> out.writeNumber(data.getLong());
                case FP32 -> out.writeNumber(data.getFloat());
                case FP64 -> out.writeNumber(data.getDouble());
                case BYTES -> {
                    byte[] element = new byte[data.getInt()];
                    data.get(element);
                    out.writeString(new String(element, StandardCharsets.UTF_8));
                }
                default -> throw TritonException.invalidArg("output '" + tensor.name() + "' has datatype " + type
                        + ", which JSON cannot carry; request it with binary_data");
            }
        }
    }
}
