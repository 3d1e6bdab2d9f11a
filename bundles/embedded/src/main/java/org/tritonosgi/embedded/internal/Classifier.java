package org.tritonosgi.embedded.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tritonosgi.api.DataType;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;

/**
 * Triton's classification extension: replaces an output by its top-k entries per batch item, each the BYTES string
 * {@code "<value>:<index>"} or {@code "<value>:<index>:<label>"}, highest value first.
 */
final class Classifier {

    private final boolean batched;
    private final Map<String, List<String>> labels;

    /**
     * @param batched whether the model batches, so the first dimension holds batch items
     * @param labels  each output's labels (from its label_filename), by output name
     */
    Classifier(boolean batched, Map<String, List<String>> labels) {
        this.batched = batched;
        this.labels = labels;
    }

    /** Checked when the request arrives: only numeric outputs can be classified. */
    static void check(String model, String output, DataType type) {
        if (type == DataType.BYTES) {
            throw TritonException.invalidArg("classification of output '" + output + "' of model '" + model
                    + "' is not possible: it is BYTES, not numeric");
        }
    }

    Tensor classify(Tensor output, int k) {
        long[] shape = output.shape();
        long rows = batched && shape.length > 0 ? shape[0] : 1;
        long perRow = rows == 0 ? 0 : output.elementCount() / rows;
        int top = (int) Math.min(k, perRow);
        List<String> names = labels.getOrDefault(output.name(), List.of());
        ByteBuffer data = output.data();
        String[] entries = new String[Math.toIntExact(rows * top)];
        for (long row = 0; row < rows; row++) {
            List<double[]> scored = new ArrayList<>();
            for (long i = 0; i < perRow; i++) {
                scored.add(new double[] {value(data, output.dataType(), row * perRow + i), i});
            }
            scored.sort(Comparator.comparingDouble((double[] entry) -> -entry[0]));
            for (int j = 0; j < top; j++) {
                int index = (int) scored.get(j)[1];
                String text = format(output.dataType(), scored.get(j)[0]) + ":" + index;
                if (index < names.size()) {
                    text += ":" + names.get(index);
                }
                entries[(int) (row * top + j)] = text;
            }
        }
        long[] classified = batched && shape.length > 0 ? new long[] {rows, top} : new long[] {top};
        return Tensor.ofStrings(output.name(), classified, entries);
    }

    private static double value(ByteBuffer data, DataType type, long element) {
        int at = Math.toIntExact(element * type.elementSize());
        return switch (type) {
            case BOOL, UINT8 -> data.get(at) & 0xFF;
            case INT8 -> data.get(at);
            case UINT16 -> data.getShort(at) & 0xFFFF;
            case INT16 -> data.getShort(at);
            case UINT32 -> Integer.toUnsignedLong(data.getInt(at));
            case INT32 -> data.getInt(at);
            case UINT64, INT64 -> data.getLong(at);
            case FP16 -> halfToFloat(data.getShort(at));
            case BF16 -> Float.intBitsToFloat((data.getShort(at) & 0xFFFF) << 16);
            case FP32 -> data.getFloat(at);
            case FP64 -> data.getDouble(at);
            case BYTES -> throw new IllegalStateException("BYTES outputs are refused before execution");
        };
    }

    /** IEEE 754 half precision to float (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short half) {
        int sign = (half & 0x8000) << 16;
        int exponent = (half >>> 10) & 0x1F;
        int mantissa = half & 0x3FF;
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    private static String format(DataType type, double value) {
        return switch (type) {
            case FP16, BF16, FP32, FP64 -> String.format(Locale.ROOT, "%f", value);
            default -> Long.toString((long) value);
        };
    }
}
