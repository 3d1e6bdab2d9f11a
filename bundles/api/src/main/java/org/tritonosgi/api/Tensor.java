package org.tritonosgi.api;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A named, dense, row-major tensor. Data are raw little-endian bytes exactly as Triton lays them out, so the HTTP
 * binary extension and gRPC raw contents pass through without conversion; BYTES elements are each a 4-byte
 * little-endian length followed by that many bytes. Construction checks that the data fit the shape and datatype.
 */
public final class Tensor {

    private final String name;
    private final DataType dataType;
    private final long[] shape;
    private final ByteBuffer data;

    /**
     * @param data bytes from position to limit; the tensor keeps a little-endian read-only view of them
     * @throws TritonException INVALID_ARG naming the tensor when the shape is negative or overflows, or the data
     *                         do not hold exactly the elements the shape asks for
     */
    public Tensor(String name, DataType dataType, long[] shape, ByteBuffer data) {
        if (name == null || name.isEmpty()) {
            throw TritonException.invalidArg("tensor name must not be empty");
        }
        if (dataType == null || shape == null || data == null) {
            throw TritonException.invalidArg("tensor '" + name + "' needs a datatype, a shape and data");
        }
        this.name = name;
        this.dataType = dataType;
        this.shape = shape.clone();
        this.data = data.slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        long elements = elementCount(name, this.shape);
        if (dataType.isFixedSize()) {
            long expected = byteSize(name, dataType, this.shape, elements);
            if (expected != this.data.remaining()) {
                throw TritonException.invalidArg("tensor '" + name + "' of datatype " + dataType + " and shape "
                        + Arrays.toString(this.shape) + " needs " + expected + " bytes of data, got "
                        + this.data.remaining());
            }
        } else {
            long found = countBytesElements(name, this.data);
            if (found != elements) {
                throw TritonException.invalidArg("tensor '" + name + "' of datatype BYTES and shape "
                        + Arrays.toString(this.shape) + " needs " + elements + " elements, got " + found);
            }
        }
    }

    /** A BYTES tensor of UTF-8 strings, in row-major order. */
    public static Tensor ofStrings(String name, long[] shape, String... values) {
        byte[][] encoded = new byte[values.length][];
        int size = 0;
        for (int i = 0; i < values.length; i++) {
            encoded[i] = values[i].getBytes(StandardCharsets.UTF_8);
            size += 4 + encoded[i].length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        for (byte[] element : encoded) {
            buffer.putInt(element.length).put(element);
        }
        return new Tensor(name, DataType.BYTES, shape, buffer.flip());
    }

    /** The number of elements a shape holds (1 for a scalar shape {@code []}). */
    public static long elementCount(String tensorName, long[] shape) {
        long count = 1;
        for (long dim : shape) {
            if (dim < 0) {
                throw TritonException.invalidArg("tensor '" + tensorName + "' has a negative dimension in shape "
                        + Arrays.toString(shape));
            }
            try {
                count = Math.multiplyExact(count, dim);
            } catch (ArithmeticException overflow) {
                throw TritonException.invalidArg("tensor '" + tensorName + "' shape " + Arrays.toString(shape)
                        + " causes total element count to exceed maximum size of " + Long.MAX_VALUE);
            }
        }
        return count;
    }

    /**
     * The bytes a tensor of a fixed-size datatype and this shape needs (since api 1.2.0).
     *
     * @throws TritonException INVALID_ARG, in Triton's words, when the element count or the byte size overflows
     */
    public static long byteSize(String name, DataType dataType, long[] shape) {
        return byteSize(name, dataType, shape, elementCount(name, shape));
    }

    /** The bytes a fixed-size tensor of this many elements needs; the product is checked, as the element count is. */
    private static long byteSize(String name, DataType dataType, long[] shape, long elements) {
        try {
            return Math.multiplyExact(elements, (long) dataType.elementSize());
        } catch (ArithmeticException overflow) {
            throw TritonException.invalidArg("byte size overflow for input '" + name + "': datatype " + dataType
                    + " and shape " + Arrays.toString(shape) + " need more than " + Long.MAX_VALUE + " bytes");
        }
    }

    private static long countBytesElements(String name, ByteBuffer data) {
        long count = 0;
        int position = data.position();
        while (position < data.limit()) {
            if (data.limit() - position < 4) {
                throw TritonException.invalidArg("tensor '" + name + "' BYTES data end inside an element length");
            }
            long length = Integer.toUnsignedLong(data.getInt(position));
            if (length > data.limit() - position - 4L) {
                throw TritonException.invalidArg("tensor '" + name + "' BYTES element " + count + " declares "
                        + length + " bytes, but only " + (data.limit() - position - 4) + " follow");
            }
            position += 4 + (int) length;
            count++;
        }
        return count;
    }

    public String name() {
        return name;
    }

    public DataType dataType() {
        return dataType;
    }

    /** A copy of the shape. */
    public long[] shape() {
        return shape.clone();
    }

    /** The number of elements, the product of the shape. */
    public long elementCount() {
        return elementCount(name, shape);
    }

    /** A fresh little-endian, read-only view of the data (position 0, limit = byte size). */
    public ByteBuffer data() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The byte size of the data. */
    public int byteSize() {
        return data.remaining();
    }

    /** The same data and shape under another name, without copying or checking the data again. */
    public Tensor renamed(String newName) {
        if (newName == null || newName.isEmpty()) {
            throw TritonException.invalidArg("tensor name must not be empty");
        }
        return new Tensor(newName, this);
    }

    private Tensor(String newName, Tensor source) {
        this.name = newName;
        this.dataType = source.dataType;
        this.shape = source.shape;
        this.data = source.data;
    }

    /** The elements of a BYTES tensor decoded as UTF-8 strings. */
    public String[] strings() {
        if (dataType != DataType.BYTES) {
            throw TritonException.invalidArg("tensor '" + name + "' is " + dataType + ", not BYTES");
        }
        ByteBuffer view = data();
        String[] values = new String[Math.toIntExact(elementCount())];
        for (int i = 0; i < values.length; i++) {
            byte[] element = new byte[view.getInt()];
            view.get(element);
            values[i] = new String(element, StandardCharsets.UTF_8);
        }
        return values;
    }

    @Override
    public String toString() {
        return "Tensor[" + name + ", " + dataType + ", " + Arrays.toString(shape) + ", " + byteSize() + " bytes]";
    }
}
