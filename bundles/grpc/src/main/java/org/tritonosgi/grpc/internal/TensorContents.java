package org.tritonosgi.grpc.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.tritonosgi.api.DataType;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.grpc.internal.proto.InferTensorContents;

/**
 * Turns gRPC typed tensor contents into Triton's raw layout: little-endian, row-major, BYTES elements as a 4-byte
 * little-endian length and the bytes, 8- and 16-bit integers narrowed from their 32-bit fields.
 */
final class TensorContents {

    private TensorContents() {
    }

    /**
     * The raw bytes of typed contents.
     *
     * @throws TritonException INVALID_ARG naming the input when the contents use a field other than the one
     *                         for its datatype, or the datatype has no typed field (FP16, BF16)
     */
    static ByteBuffer toRaw(String input, DataType type, InferTensorContents contents) {
        int field = fieldNumber(type);
        for (Map.Entry<FieldDescriptor, Object> set : contents.getAllFields().entrySet()) {
            if (set.getKey().getNumber() != field) {
                throw TritonException.invalidArg("input '" + input + "' has datatype " + type + ", but its contents"
                        + " are in '" + set.getKey().getName() + "'" + (field == 0
                        ? "; " + type + " data must be sent in raw_input_contents"
                        : "; expected '" + InferTensorContents.getDescriptor().findFieldByNumber(field).getName()
                                + "'"));
            }
        }
        return switch (type) {
            case BOOL -> {
                List<Boolean> values = contents.getBoolContentsList();
                ByteBuffer out = allocate(values.size());
                values.forEach(v -> out.put((byte) (v ? 1 : 0)));
                yield out.flip();
            }
            case INT8, UINT8 -> ints(type == DataType.INT8 ? contents.getIntContentsList()
                    : contents.getUintContentsList(), 1);
            case INT16, UINT16 -> ints(type == DataType.INT16 ? contents.getIntContentsList()
                    : contents.getUintContentsList(), 2);
            case INT32, UINT32 -> ints(type == DataType.INT32 ? contents.getIntContentsList()
                    : contents.getUintContentsList(), 4);
            case INT64, UINT64 -> {
                List<Long> values = type == DataType.INT64 ? contents.getInt64ContentsList()
                        : contents.getUint64ContentsList();
                ByteBuffer out = allocate(values.size() * 8L);
                values.forEach(out::putLong);
                yield out.flip();
            }
            case FP32 -> {
                List<Float> values = contents.getFp32ContentsList();
                ByteBuffer out = allocate(values.size() * 4L);
                values.forEach(out::putFloat);
                yield out.flip();
            }
            case FP64 -> {
                List<Double> values = contents.getFp64ContentsList();
                ByteBuffer out = allocate(values.size() * 8L);
                values.forEach(out::putDouble);
                yield out.flip();
            }
            case BYTES -> {
                long size = 0;
                for (ByteString element : contents.getBytesContentsList()) {
                    size += 4 + element.size();
                }
                ByteBuffer out = allocate(size);
                for (ByteString element : contents.getBytesContentsList()) {
                    out.putInt(element.size());
                    element.copyTo(out);
                }
                yield out.flip();
            }
            case FP16, BF16 -> throw TritonException.invalidArg("input '" + input + "' has datatype " + type
                    + ", which has no typed contents; send its data in raw_input_contents");
        };
    }

    /** The InferTensorContents field number for a datatype, 0 when it has none (FP16, BF16: raw only). */
    private static int fieldNumber(DataType type) {
        return switch (type) {
            case BOOL -> InferTensorContents.BOOL_CONTENTS_FIELD_NUMBER;
            case INT8, INT16, INT32 -> InferTensorContents.INT_CONTENTS_FIELD_NUMBER;
            case INT64 -> InferTensorContents.INT64_CONTENTS_FIELD_NUMBER;
            case UINT8, UINT16, UINT32 -> InferTensorContents.UINT_CONTENTS_FIELD_NUMBER;
            case UINT64 -> InferTensorContents.UINT64_CONTENTS_FIELD_NUMBER;
            case FP32 -> InferTensorContents.FP32_CONTENTS_FIELD_NUMBER;
            case FP64 -> InferTensorContents.FP64_CONTENTS_FIELD_NUMBER;
            case BYTES -> InferTensorContents.BYTES_CONTENTS_FIELD_NUMBER;
            case FP16, BF16 -> 0;
        };
    }

    private static ByteBuffer ints(List<Integer> values, int width) {
        ByteBuffer out = allocate((long) values.size() * width);
        for (int v : values) {
            switch (width) {
                case 1 -> out.put((byte) v);
                case 2 -> out.putShort((short) v);
                default -> out.putInt(v);
            }
        }
        return out.flip();
    }

    private static ByteBuffer allocate(long size) {
        if (size > Integer.MAX_VALUE) {
            throw TritonException.invalidArg("tensor contents of " + size + " bytes exceed 2 GiB");
        }
        return ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
