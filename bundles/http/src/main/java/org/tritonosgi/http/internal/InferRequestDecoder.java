package org.tritonosgi.http.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tritonosgi.api.DataType;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.RequestedOutput;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.shm.SystemSharedMemory;
import org.tritonosgi.api.shm.TensorRegion;
import java.util.function.Supplier;

/**
 * Decodes a KServe v2 infer request body: the JSON object, and with the binary tensor extension the raw tensor
 * blobs that follow it. Binary inputs are views of the request buffer, not copies, so the caller keeps the buffer
 * until the response is written.
 */
final class InferRequestDecoder {

    /**
     * The decoded request and how each output is to be returned.
     *
     * @param sharedOutputs outputs to write into shared memory, by name
     * @param regions       the registry those outputs' regions are in (null when no tensor uses shared memory)
     */
    record Decoded(InferenceRequest request, boolean binaryByDefault, Map<String, Boolean> binaryOutputs,
            Map<String, TensorRegion> sharedOutputs, SystemSharedMemory regions) {

        boolean binary(String output) {
            return binaryOutputs.getOrDefault(output, binaryByDefault);
        }
    }

    /** An input as the JSON describes it, before its data are attached. */
    private static final class PendingInput {
        String name;
        DataType dataType;
        long[] shape;
        JsonValues data;
        Long binarySize;
        String sharedMemoryRegion;
        Long sharedMemoryOffset;
        Long sharedMemoryByteSize;
    }

    private InferRequestDecoder() {
    }

    /**
     * @param body         the whole request body
     * @param headerLength the Inference-Header-Content-Length value, or null when the header is absent
     * @throws TritonException INVALID_ARG naming what is wrong (the JSON position, the input, the parameter)
     */
    static Decoded decode(ByteBuf body, String headerLength) {
        return decode(body, headerLength, Map.of(), SystemSharedMemory::unsupported);
    }

    /**
     * @param forwarded request headers to pass to the model as string parameters (header.forward.pattern)
     * @param regions   the server's shared-memory regions, asked for only when a tensor names one
     */
    static Decoded decode(ByteBuf body, String headerLength, Map<String, String> forwarded,
            Supplier<SystemSharedMemory> regions) {
        int total = body.readableBytes();
        int jsonLength = total;
        if (headerLength != null) {
            jsonLength = parseHeaderLength(headerLength, total);
        }
        byte[] json = ByteBufUtil.getBytes(body, body.readerIndex(), jsonLength, false);
        InferenceRequest.Builder builder = InferenceRequest.builder();
        List<PendingInput> inputs = new ArrayList<>();
        Map<String, Boolean> binaryOutputs = new HashMap<>();
        Map<String, TensorRegion> sharedOutputs = new HashMap<>();
        boolean binaryByDefault;
        try (JsonParser parser = Json.FACTORY.createParser(json, 0, jsonLength)) {
            binaryByDefault = readRequest(parser, builder, inputs, binaryOutputs, sharedOutputs);
        } catch (JsonProcessingException e) {
            throw Json.parseError(e);
        } catch (IOException e) {
            throw TritonException.invalidArg("failed to read the request JSON buffer: " + e.getMessage());
        }
        int offset = body.readerIndex() + jsonLength;
        int end = body.readerIndex() + total;
        if (body instanceof CompositeByteBuf composite && composite.numComponents() > 1
                && inputs.stream().anyMatch(input -> input.binarySize != null)) {
            // a binary input spread over socket reads would be merged into a new heap buffer by nioBuffer; one
            // copy into the composite's own (pooled, direct) memory instead, released with the request
            composite.consolidate();
        }
        SystemSharedMemory shared = null;
        if (!sharedOutputs.isEmpty() || inputs.stream().anyMatch(input -> input.sharedMemoryRegion != null)) {
            shared = regions.get();
        }
        for (PendingInput input : inputs) {
            ByteBuffer data;
            if (input.sharedMemoryRegion != null) {
                TensorRegion place = TensorRegion.of("input '" + input.name + "'", input.sharedMemoryRegion,
                        input.sharedMemoryOffset, input.sharedMemoryByteSize);
                data = shared.read(place.region(), place.offset(), place.byteSize(), "input '" + input.name + "'");
            } else if (input.binarySize != null) {
                if (input.binarySize > end - offset) {
                    throw TritonException.invalidArg("input '" + input.name + "' declares binary_data_size "
                            + input.binarySize + " but only " + (end - offset) + " bytes of binary data remain");
                }
                data = body.nioBuffer(offset, input.binarySize.intValue());
                offset += input.binarySize.intValue();
            } else {
                data = input.data.encode(input.dataType);
            }
            builder.input(new Tensor(input.name, input.dataType, input.shape, data));
        }
        if (offset != end) {
            throw TritonException.invalidArg("unexpected additional input data: " + (end - offset)
                    + " bytes follow the JSON and binary inputs");
        }
        forwarded.forEach(builder::parameter);
        return new Decoded(builder.build(), binaryByDefault, binaryOutputs, sharedOutputs, shared);
    }

    private static int parseHeaderLength(String value, int total) {
        long length;
        try {
            length = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw TritonException.invalidArg("Inference-Header-Content-Length '" + value + "' is not a number");
        }
        if (length < 0 || length > total) {
            throw TritonException.invalidArg("Inference-Header-Content-Length " + value
                    + " must be between 0 and the body length " + total);
        }
        return (int) length;
    }

    /**
     * A raw binary request (Inference-Header-Content-Length: 0): the body is the bytes of the model's only input,
     * batch 1, and every output comes back binary. Its shape is deduced as Triton deduces it: the model's dims with
     * at most one variable dimension, filled from the byte count; a BYTES input must have dims [1] and the whole
     * body is its one element.
     *
     * @throws TritonException INVALID_ARG, in Triton's words, when the model has several inputs or the shape cannot
     *                         be deduced, or when the bytes do not fill the shape
     */
    static Decoded decodeRaw(ByteBuf body, org.tritonosgi.api.ModelMetadata model, boolean batching) {
        if (model.inputs().size() != 1) {
            throw TritonException.invalidArg("Raw request must only have 1 input (found 1) to be deduced but got "
                    + model.inputs().size() + " inputs in '" + model.name() + "' model configuration");
        }
        org.tritonosgi.api.TensorMetadata input = model.inputs().get(0);
        long[] shape = input.shape().stream().mapToLong(Long::longValue).toArray();
        int first = batching ? 1 : 0;
        if (batching) {
            shape[0] = 1;
        }
        int variable = -1;
        long elements = 1;
        for (int i = first; i < shape.length; i++) {
            if (shape[i] < 0) {
                if (variable >= 0) {
                    throw TritonException.invalidArg("The shape of the raw input '" + input.name() + "' can not be "
                            + "deduced because there are more than one variable-sized dimension");
                }
                variable = i;
            } else {
                elements *= shape[i];
            }
        }
        ByteBuffer data;
        if (input.dataType() == DataType.BYTES) {
            if (variable >= 0 || elements != 1) {
                throw TritonException.invalidArg("For BYTE datatype raw input '" + input.name() + "', the model "
                        + "must have input shape [1]");
            }
            data = ByteBuffer.allocate(4 + body.readableBytes()).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .putInt(body.readableBytes()).put(body.nioBuffer()).flip();
        } else {
            long fixed = elements * input.dataType().elementSize();
            if (fixed == 0 || body.readableBytes() % fixed != 0 || (variable < 0 && body.readableBytes() != fixed)) {
                throw TritonException.invalidArg("raw binary request: " + body.readableBytes() + " bytes do not fill"
                        + " input '" + input.name() + "' of shape " + input.shape() + " and datatype "
                        + input.dataType());
            }
            if (variable >= 0) {
                shape[variable] = body.readableBytes() / fixed;
            }
            data = body.nioBuffer();
        }
        InferenceRequest request = InferenceRequest.builder()
                .input(new Tensor(input.name(), input.dataType(), shape, data)).build();
        return new Decoded(request, true, Map.of(), Map.of(), null);
    }

    private static boolean readRequest(JsonParser parser, InferenceRequest.Builder builder,
            List<PendingInput> inputs, Map<String, Boolean> binaryOutputs, Map<String, TensorRegion> sharedOutputs)
            throws IOException {
        expect(parser, parser.nextToken(), JsonToken.START_OBJECT, "the request");
        boolean binaryByDefault = false;
        boolean sawInputs = false;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "id" -> builder.id(Json.string(parser, value, "request 'id'"));
                case "parameters" -> binaryByDefault = RequestParameters.read(parser, builder);
                case "inputs" -> {
                    expect(parser, value, JsonToken.START_ARRAY, "'inputs'");
                    sawInputs = true;
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        inputs.add(readInput(parser, inputs.size()));
                    }
                }
                case "outputs" -> {
                    expect(parser, value, JsonToken.START_ARRAY, "'outputs'");
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        readOutput(parser, builder, binaryOutputs, sharedOutputs);
                    }
                }
                default -> parser.skipChildren();
            }
        }
        if (parser.nextToken() != null) {
            throw TritonException.invalidArg("failed to parse the request JSON buffer: unexpected content after"
                    + " the request object");
        }
        if (!sawInputs) {
            throw TritonException.invalidArg("the request has no 'inputs'");
        }
        return binaryByDefault;
    }

    private static PendingInput readInput(JsonParser parser, int index) throws IOException {
        expect(parser, parser.currentToken(), JsonToken.START_OBJECT, "input " + index);
        PendingInput input = new PendingInput();
        String dataType = null;
        List<Long> shape = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "name" -> input.name = Json.string(parser, value, label(input, index) + " 'name'");
                case "datatype" -> dataType = Json.string(parser, value, label(input, index) + " 'datatype'");
                case "shape" -> shape = shape(parser, value, label(input, index));
                case "data" -> input.data = JsonValues.read(parser, input.name == null ? "#" + index : input.name);
                case "parameters" -> readInputParameters(parser, value, input, index);
                default -> parser.skipChildren();
            }
        }
        if (input.name == null || input.name.isEmpty()) {
            throw TritonException.invalidArg(label(input, index) + " has no 'name'");
        }
        if (dataType == null) {
            throw TritonException.invalidArg("input '" + input.name + "' has no 'datatype'");
        }
        if (shape == null) {
            throw TritonException.invalidArg("input '" + input.name + "' has no 'shape'");
        }
        try {
            input.dataType = DataType.parse(dataType);
        } catch (TritonException e) {
            throw TritonException.invalidArg("input '" + input.name + "': " + e.getMessage());
        }
        input.shape = shape.stream().mapToLong(Long::longValue).toArray();
        int sources = (input.data != null ? 1 : 0) + (input.binarySize != null ? 1 : 0)
                + (input.sharedMemoryRegion != null ? 1 : 0);
        if (sources != 1) {
            throw TritonException.invalidArg("input '" + input.name + "' must have exactly one of 'data', "
                    + "'binary_data_size' or 'shared_memory_region'");
        }
        if (input.dataType.isFixedSize()) {
            Tensor.byteSize(input.name, input.dataType, input.shape); // Triton checks the byte size first
        }
        if (input.data != null) {
            long expected = Tensor.elementCount(input.name, input.shape);
            if (input.data.size() != expected) {
                throw TritonException.invalidArg("input '" + input.name + "' has " + input.data.size()
                        + " elements in 'data' but shape " + shape + " holds " + expected);
            }
        }
        return input;
    }

    /** The shape's dims; a negative one is refused with Triton's words (400 here, Triton answers 500). */
    private static List<Long> shape(JsonParser parser, JsonToken value, String label) throws IOException {
        try {
            return Json.nonNegativeLongs(parser, value, label + " 'shape'");
        } catch (TritonException e) {
            throw TritonException.invalidArg("Unable to parse 'shape': attempt to access JSON non-unsigned-integer "
                    + "as unsigned-integer (" + e.getMessage() + ")");
        }
    }

    /** How messages name an input: by its name once read, else by its place in 'inputs'. */
    private static String label(PendingInput input, int index) {
        return input.name == null ? "input " + index : "input '" + input.name + "'";
    }

    private static void readInputParameters(JsonParser parser, JsonToken value, PendingInput input, int index)
            throws IOException {
        expect(parser, value, JsonToken.START_OBJECT, label(input, index) + " 'parameters'");
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            JsonToken token = parser.nextToken();
            switch (key) {
                case "binary_data_size" -> {
                    long size = Json.nonNegativeLong(parser, token, label(input, index) + " binary_data_size");
                    if (size > Integer.MAX_VALUE) {
                        throw TritonException.invalidArg(label(input, index) + " binary_data_size " + size
                                + " is larger than the request can be");
                    }
                    input.binarySize = size;
                }
                case "shared_memory_region" ->
                        input.sharedMemoryRegion = Json.string(parser, token,
                                label(input, index) + " shared_memory_region");
                case "shared_memory_offset" -> input.sharedMemoryOffset = Json.nonNegativeLong(parser, token,
                        label(input, index) + " shared_memory_offset");
                case "shared_memory_byte_size" -> input.sharedMemoryByteSize = Json.nonNegativeLong(parser, token,
                        label(input, index) + " shared_memory_byte_size");
                default -> parser.skipChildren();
            }
        }
    }

    private static void readOutput(JsonParser parser, InferenceRequest.Builder builder,
            Map<String, Boolean> binaryOutputs, Map<String, TensorRegion> sharedOutputs) throws IOException {
        expect(parser, parser.currentToken(), JsonToken.START_OBJECT, "an output");
        String name = null;
        Boolean binary = null;
        long classification = 0;
        String region = null;
        Long offset = null;
        Long byteSize = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("name".equals(field)) {
                name = Json.string(parser, value, "output 'name'");
            } else if ("parameters".equals(field)) {
                expect(parser, value, JsonToken.START_OBJECT, "output 'parameters'");
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    JsonToken token = parser.nextToken();
                    switch (key) {
                        case "binary_data" -> binary = Json.bool(parser, token, "output binary_data");
                        case "classification" -> classification =
                                Json.nonNegativeLong(parser, token, "output classification");
                        case "shared_memory_region" ->
                                region = Json.string(parser, token, "output shared_memory_region");
                        case "shared_memory_offset" ->
                                offset = Json.nonNegativeLong(parser, token, "output shared_memory_offset");
                        case "shared_memory_byte_size" ->
                                byteSize = Json.nonNegativeLong(parser, token, "output shared_memory_byte_size");
                        default -> parser.skipChildren();
                    }
                }
            } else {
                parser.skipChildren();
            }
        }
        if (name == null || name.isEmpty()) {
            throw TritonException.invalidArg("an output in 'outputs' has no 'name'");
        }
        if (classification > Integer.MAX_VALUE) {
            throw TritonException.invalidArg("output '" + name + "' classification count " + classification
                    + " is too large");
        }
        TensorRegion place = TensorRegion.of("output '" + name + "'", region, offset, byteSize);
        if (place != null) {
            if (Boolean.TRUE.equals(binary)) {
                throw TritonException.invalidArg("Output can't set both 'shared_memory_region' and 'binary_data'"
                        + " (output '" + name + "')");
            }
            if (classification > 0) {
                throw TritonException.invalidArg("Output can't set both 'shared_memory_region' and "
                        + "'classification' (output '" + name + "')");
            }
            sharedOutputs.put(name, place);
        }
        builder.output(new RequestedOutput(name, (int) classification));
        if (binary != null) {
            binaryOutputs.put(name, binary);
        }
    }

    static void expect(JsonParser parser, JsonToken actual, JsonToken expected, String what) {
        if (actual != expected) {
            throw TritonException.invalidArg("failed to parse the request JSON buffer: " + what + " must be "
                    + (expected == JsonToken.START_OBJECT ? "an object" : "an array") + " (line "
                    + parser.currentLocation().getLineNr() + ", column " + parser.currentLocation().getColumnNr()
                    + ")");
        }
    }
}
