package org.tritonosgi.shell.internal;

import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.tritonosgi.api.Tensor;

/** Decodes a tensor's little-endian data into one printable value per element, in row-major order. */
final class TensorValues {

    private TensorValues() {
    }

    static List<String> of(Tensor tensor) {
        ByteBuffer data = tensor.data();
        List<String> values = new ArrayList<>();
        while (data.hasRemaining()) {
            values.add(switch (tensor.dataType()) {
                case BOOL -> Boolean.toString(data.get() != 0);
                case UINT8 -> Integer.toString(data.get() & 0xff);
                case UINT16 -> Integer.toString(data.getShort() & 0xffff);
                case UINT32 -> Integer.toUnsignedString(data.getInt());
                case UINT64 -> Long.toUnsignedString(data.getLong());
                case INT8 -> Byte.toString(data.get());
                case INT16 -> Short.toString(data.getShort());
                case INT32 -> Integer.toString(data.getInt());
                case INT64 -> Long.toString(data.getLong());
                case FP16 -> Float.toString(Half.toFloat(data.getShort()));
                case BF16 -> Float.toString(Half.bf16ToFloat(data.getShort()));
                case FP32 -> Float.toString(data.getFloat());
                case FP64 -> Double.toString(data.getDouble());
                case BYTES -> bytes(data);
            });
        }
        return values;
    }

    /** A BYTES element as a JSON string when it is UTF-8, otherwise as 0x-prefixed hex. */
    private static String bytes(ByteBuffer data) {
        byte[] element = new byte[data.getInt()];
        data.get(element);
        try {
            CharBuffer text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(element));
            return new TextNode(text.toString()).toString();
        } catch (CharacterCodingException e) {
            return "0x" + HexFormat.of().formatHex(element);
        }
    }
}
