package org.tritonosgi.shell.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tritonosgi.api.DataType;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.RequestedOutput;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;

/**
 * Reads an operator's KServe-style JSON request: the {@code inputs} array alone or the whole body
 * ({@code {"inputs":[...], "outputs":[{"name":...}]}}), with JSON {@code data}. A missing shape is taken from how
 * {@code data} nests. Every mistake is a {@link UserError} naming the input and element.
 */
final class InferJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private InferJson() {
    }

    static InferenceRequest parse(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            // Jackson's message may quote a location with a "[Source: ...; " prefix that says nothing to an operator
            String message = e.getOriginalMessage().replaceAll("\\[Source: .*?; line", "[line");
            throw new UserError("Invalid JSON: " + message + " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")");
        }
        JsonNode inputs = root != null && root.isObject() ? root.get("inputs") : root;
        if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
            throw new UserError("The JSON must be the request's \"inputs\" array or an object with a non-empty "
                    + "\"inputs\" array");
        }
        InferenceRequest.Builder request = InferenceRequest.builder();
        for (int i = 0; i < inputs.size(); i++) {
            request.input(tensor(inputs.get(i), i));
        }
        JsonNode outputs = root.isObject() ? root.get("outputs") : null;
        if (outputs != null) {
            for (JsonNode output : outputs) {
                JsonNode name = output.get("name");
                if (name == null || !name.isTextual()) {
                    throw new UserError("Each of \"outputs\" needs a \"name\" string, got " + output);
                }
                request.output(RequestedOutput.of(name.asText()));
            }
        }
        try {
            return request.build();
        } catch (TritonException e) {
            throw new UserError(e.getMessage());
        }
    }

    private static Tensor tensor(JsonNode input, int index) {
        JsonNode nameNode = input.get("name");
        if (!input.isObject() || nameNode == null || !nameNode.isTextual() || nameNode.asText().isEmpty()) {
            throw new UserError("Input #" + index + " needs a \"name\" string");
        }
        String name = nameNode.asText();
        JsonNode typeNode = input.get("datatype");
        if (typeNode == null || !typeNode.isTextual()) {
            throw new UserError("Input '" + name + "' needs a \"datatype\" string such as \"FP32\" or \"BYTES\"");
        }
        DataType type;
        try {
            type = DataType.parse(typeNode.asText());
        } catch (TritonException e) {
            throw new UserError("Input '" + name + "': " + e.getMessage());
        }
        JsonNode data = input.get("data");
        if (data == null) {
            throw new UserError("Input '" + name + "' needs \"data\"");
        }
        List<JsonNode> elements = new ArrayList<>();
        flatten(data, elements);
        long[] shape = input.has("shape") ? shape(name, input.get("shape")) : nestedShape(data);
        try {
            long expected = Tensor.elementCount(name, shape);
            if (expected != elements.size()) {
                throw new UserError("Input '" + name + "': shape " + Arrays.toString(shape) + " holds " + expected
                        + " element(s), but \"data\" has " + elements.size());
            }
            return new Tensor(name, type, shape, encode(name, type, elements));
        } catch (TritonException e) {
            throw new UserError(e.getMessage());
        }
    }

    private static long[] shape(String name, JsonNode node) {
        if (!node.isArray()) {
            throw new UserError("Input '" + name + "': \"shape\" must be an array of integers, got " + node);
        }
        long[] shape = new long[node.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!node.get(i).canConvertToLong() || !node.get(i).isIntegralNumber()) {
                throw new UserError("Input '" + name + "': \"shape\" must be an array of integers, got " + node);
            }
            shape[i] = node.get(i).asLong();
        }
        return shape;
    }

    private static long[] nestedShape(JsonNode data) {
        List<Long> dims = new ArrayList<>();
        JsonNode node = data;
        while (node != null && node.isArray()) {
            dims.add((long) node.size());
            node = node.get(0);
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    private static void flatten(JsonNode node, List<JsonNode> into) {
        if (node.isArray()) {
            node.forEach(child -> flatten(child, into));
        } else {
            into.add(node);
        }
    }

    private static ByteBuffer encode(String name, DataType type, List<JsonNode> elements) {
        if (type == DataType.BYTES) {
            List<byte[]> values = new ArrayList<>();
            int size = 0;
            for (int i = 0; i < elements.size(); i++) {
                JsonNode element = elements.get(i);
                if (!element.isTextual()) {
                    throw mismatch(name, type, i, element, "a string");
                }
                values.add(element.asText().getBytes(StandardCharsets.UTF_8));
                size += 4 + values.get(i).length;
            }
            ByteBuffer buffer = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
            values.forEach(value -> buffer.putInt(value.length).put(value));
            return buffer.flip();
        }
        ByteBuffer buffer = ByteBuffer.allocate(Math.multiplyExact(elements.size(), type.elementSize()))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < elements.size(); i++) {
            put(buffer, name, type, i, elements.get(i));
        }
        return buffer.flip();
    }

    private static void put(ByteBuffer buffer, String name, DataType type, int index, JsonNode element) {
        switch (type) {
            case BOOL -> {
                if (!element.isBoolean()) {
                    throw mismatch(name, type, index, element, "true or false");
                }
                buffer.put((byte) (element.asBoolean() ? 1 : 0));
            }
            case FP16 -> buffer.putShort(Half.fromFloat((float) number(name, type, index, element)));
            case BF16 -> buffer.putShort(Half.bf16FromFloat((float) number(name, type, index, element)));
            case FP32 -> buffer.putFloat((float) number(name, type, index, element));
            case FP64 -> buffer.putDouble(number(name, type, index, element));
            default -> putInteger(buffer, name, type, index, element);
        }
    }

    private static double number(String name, DataType type, int index, JsonNode element) {
        if (!element.isNumber()) {
            throw mismatch(name, type, index, element, "a number");
        }
        return element.asDouble();
    }

    private static void putInteger(ByteBuffer buffer, String name, DataType type, int index, JsonNode element) {
        if (!element.isIntegralNumber()) {
            throw mismatch(name, type, index, element, "an integer");
        }
        BigInteger value = element.bigIntegerValue();
        int bits = type.elementSize() * 8;
        boolean unsigned = type.name().startsWith("U");
        BigInteger min = unsigned ? BigInteger.ZERO : BigInteger.ONE.shiftLeft(bits - 1).negate();
        BigInteger max = BigInteger.ONE.shiftLeft(unsigned ? bits : bits - 1).subtract(BigInteger.ONE);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new UserError("Input '" + name + "' element " + index + ": " + value + " is out of range for "
                    + type + " (" + min + " to " + max + ")");
        }
        long bitsValue = value.longValue();
        switch (bits) {
            case 8 -> buffer.put((byte) bitsValue);
            case 16 -> buffer.putShort((short) bitsValue);
            case 32 -> buffer.putInt((int) bitsValue);
            default -> buffer.putLong(bitsValue);
        }
    }

    private static UserError mismatch(String name, DataType type, int index, JsonNode element, String expected) {
        return new UserError("Input '" + name + "' is " + type + ", so element " + index + " must be " + expected
                + ", got " + element);
    }
}
