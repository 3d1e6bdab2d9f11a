package org.tritonosgi.http.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tritonosgi.api.DataType;
import org.tritonosgi.api.TritonException;

/**
 * The scalars of one input's JSON {@code data}, flattened in row-major order. They are collected before the
 * datatype is known (JSON members come in any order) and then encoded into Triton's raw little-endian layout.
 */
final class JsonValues {

    /** Deepest array nesting accepted in {@code data}, as Triton's. */
    static final int MAX_DEPTH = 100;

    private static final byte INTEGER = 0;
    private static final byte UNSIGNED = 1;
    private static final byte FLOAT = 2;
    private static final byte BOOL = 3;
    private static final byte STRING = 4;
    private static final byte HUGE = 5;
    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

    private final String input;
    private byte[] kinds = new byte[16];
    private long[] values = new long[16];
    private final List<String> strings = new ArrayList<>();
    private int size;

    private JsonValues(String input) {
        this.input = input;
    }

    /** Reads the array at the parser's current START_ARRAY token, flattening nested arrays. */
    static JsonValues read(JsonParser parser, String input) throws IOException {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            throw TritonException.invalidArg("input '" + input + "': 'data' must be an array");
        }
        JsonValues values = new JsonValues(input);
        values.readArray(parser, 1);
        return values;
    }

    /** Reads the value at the parser's current token: one scalar, or an array flattened. */
    static JsonValues readScalarOrArray(JsonParser parser, String input) throws IOException {
        JsonValues values = new JsonValues(input);
        values.readElement(parser, parser.currentToken(), 0);
        return values;
    }

    private void readArray(JsonParser parser, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw TritonException.invalidArg("input '" + input + "': " + Json.TOO_DEEP);
        }
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            readElement(parser, token, depth);
        }
    }

    private void readElement(JsonParser parser, JsonToken token, int depth) throws IOException {
        switch (token) {
            case START_ARRAY -> readArray(parser, depth + 1);
            case VALUE_NUMBER_INT -> readInteger(parser);
            case VALUE_NUMBER_FLOAT -> readFloat(parser);
            case VALUE_TRUE -> add(BOOL, 1);
            case VALUE_FALSE -> add(BOOL, 0);
            case VALUE_STRING -> {
                add(STRING, strings.size());
                strings.add(parser.getText());
            }
            default -> throw TritonException.invalidArg("input '" + input + "': element " + size
                    + " of 'data' is " + describe(token) + "; expected a number, bool or string");
        }
    }

    private void readFloat(JsonParser parser) throws IOException {
        double value = parser.getDoubleValue();
        if (Double.isInfinite(value)) {
            throw TritonException.invalidArg("input '" + input + "': element " + size + " of 'data' ("
                    + parser.getText() + ") is out of the range of a 64-bit float");
        }
        add(FLOAT, Double.doubleToRawLongBits(value));
    }

    private void readInteger(JsonParser parser) throws IOException {
        if (parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            add(INTEGER, parser.getLongValue());
            return;
        }
        BigInteger value = parser.getBigIntegerValue();
        if (value.signum() >= 0 && value.compareTo(TWO_TO_64) < 0) {
            add(UNSIGNED, value.longValue());
        } else {
            add(HUGE, 0);
        }
    }

    private void add(byte kind, long value) {
        if (size == kinds.length) {
            kinds = Arrays.copyOf(kinds, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        kinds[size] = kind;
        values[size++] = value;
    }

    int size() {
        return size;
    }

    /**
     * Encodes the values as raw tensor data of the given type.
     *
     * @throws TritonException INVALID_ARG naming the input and element that does not fit the datatype
     */
    ByteBuffer encode(DataType type) {
        if (type == DataType.FP16 || type == DataType.BF16) {
            throw TritonException.invalidArg("input '" + input + "': datatype " + type
                    + " cannot be sent as JSON 'data'; use binary data");
        }
        if (type == DataType.BYTES) {
            return encodeStrings();
        }
        if ((long) size * type.elementSize() > Integer.MAX_VALUE) {
            throw TritonException.invalidArg("input '" + input + "': " + size + " elements of " + type
                    + " are more than one request can carry");
        }
        ByteBuffer buffer = ByteBuffer.allocate(size * type.elementSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < size; i++) {
            switch (type) {
                case BOOL -> buffer.put((byte) bool(i));
                case INT8 -> buffer.put((byte) integer(i, type, Byte.MIN_VALUE, Byte.MAX_VALUE));
                case INT16 -> buffer.putShort((short) integer(i, type, Short.MIN_VALUE, Short.MAX_VALUE));
                case INT32 -> buffer.putInt((int) integer(i, type, Integer.MIN_VALUE, Integer.MAX_VALUE));
                case INT64 -> buffer.putLong(integer(i, type, Long.MIN_VALUE, Long.MAX_VALUE));
                case UINT8 -> buffer.put((byte) integer(i, type, 0, 0xFF));
                case UINT16 -> buffer.putShort((short) integer(i, type, 0, 0xFFFF));
                case UINT32 -> buffer.putInt((int) integer(i, type, 0, 0xFFFF_FFFFL));
                case UINT64 -> buffer.putLong(unsigned64(i));
                case FP32 -> buffer.putFloat((float) floating(i, type));
                case FP64 -> buffer.putDouble(floating(i, type));
                default -> throw new IllegalStateException("unhandled datatype " + type);
            }
        }
        return buffer.flip();
    }

    private ByteBuffer encodeStrings() {
        byte[][] encoded = new byte[size][];
        int total = 0;
        for (int i = 0; i < size; i++) {
            if (kinds[i] != STRING) {
                throw mismatch(i, DataType.BYTES, "a string");
            }
            encoded[i] = strings.get((int) values[i]).getBytes(StandardCharsets.UTF_8);
            if ((long) total + 4 + encoded[i].length > Integer.MAX_VALUE) {
                throw TritonException.invalidArg("input '" + input + "': the strings of 'data' are more than one "
                        + "request can carry");
            }
            total += 4 + encoded[i].length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        for (byte[] element : encoded) {
            buffer.putInt(element.length).put(element);
        }
        return buffer.flip();
    }

    private int bool(int i) {
        if (kinds[i] != BOOL) {
            throw mismatch(i, DataType.BOOL, "true or false");
        }
        return (int) values[i];
    }

    private long integer(int i, DataType type, long min, long max) {
        if (kinds[i] != INTEGER || values[i] < min || values[i] > max) {
            throw mismatch(i, type, "an integer from " + min + " to " + max);
        }
        return values[i];
    }

    private long unsigned64(int i) {
        if (kinds[i] == UNSIGNED || (kinds[i] == INTEGER && values[i] >= 0)) {
            return values[i];
        }
        throw mismatch(i, DataType.UINT64, "an integer from 0 to 18446744073709551615");
    }

    private double floating(int i, DataType type) {
        return switch (kinds[i]) {
            case INTEGER -> values[i];
            case UNSIGNED -> new BigInteger(Long.toUnsignedString(values[i])).doubleValue();
            case FLOAT -> Double.longBitsToDouble(values[i]);
            default -> throw mismatch(i, type, "a number");
        };
    }

    private TritonException mismatch(int i, DataType type, String expected) {
        return TritonException.invalidArg("input '" + input + "': element " + i + " of 'data' is " + show(i)
                + ", but datatype " + type + " needs " + expected);
    }

    private String show(int i) {
        return switch (kinds[i]) {
            case INTEGER -> Long.toString(values[i]);
            case UNSIGNED -> Long.toUnsignedString(values[i]);
            case FLOAT -> Double.toString(Double.longBitsToDouble(values[i]));
            case BOOL -> values[i] == 1 ? "true" : "false";
            case STRING -> "a string";
            default -> "an integer too large for any datatype";
        };
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> "an object";
            case VALUE_NULL -> "null";
            default -> token.asString() == null ? token.name() : token.asString();
        };
    }
}
