package org.tritonosgi.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The checks a tensor makes of its shape and data, each an INVALID_ARG naming the tensor. */
class TensorTest {

    @Test
    void aShapeWhoseByteSizeOverflowsIsInvalidArgNamingTheTensor() {
        // 2^62 elements fit in 64 bits, 2^62 * 4 bytes do not
        TritonException e = assertThrows(TritonException.class,
                () -> new Tensor("IN", DataType.FP32, new long[] {1L << 62}, ByteBuffer.allocate(8)));
        assertEquals(TritonException.Code.INVALID_ARG, e.code());
        assertEquals("byte size overflow for input 'IN': datatype FP32 and shape [4611686018427387904] need more "
                + "than 9223372036854775807 bytes", e.getMessage());
    }

    @Test
    void aShapeWhoseElementCountOverflowsIsInvalidArgNamingTheTensor() {
        TritonException e = assertThrows(TritonException.class,
                () -> new Tensor("IN", DataType.INT8, new long[] {1L << 32, 1L << 32}, ByteBuffer.allocate(8)));
        assertEquals(TritonException.Code.INVALID_ARG, e.code());
        assertEquals("tensor 'IN' shape [4294967296, 4294967296] causes total element count to exceed maximum size"
                + " of 9223372036854775807", e.getMessage());
    }
}
