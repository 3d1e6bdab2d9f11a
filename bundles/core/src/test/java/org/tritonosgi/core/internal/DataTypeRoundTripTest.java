package org.tritonosgi.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tritonosgi.api.DataType;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.Model;
import org.tritonosgi.api.Tensor;

class DataTypeRoundTripTest extends DoubleTest {

    private static Tensor tensor(DataType type, boolean direct) {
        if (type == DataType.BYTES) {
            return Tensor.ofStrings("INPUT0", new long[] {2, 2}, "Roger", "", "Ünïcødé", "x".repeat(300));
        }
        ByteBuffer data = (direct ? ByteBuffer.allocateDirect(6 * type.elementSize())
                : ByteBuffer.allocate(6 * type.elementSize())).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < data.capacity(); i++) {
            data.put((byte) (type == DataType.BOOL ? i % 2 : 31 * i + type.ordinal()));
        }
        return new Tensor("INPUT0", type, new long[] {2, 3}, data.flip());
    }

    @ParameterizedTest
    @EnumSource(DataType.class)
    void everyDatatypeRoundTripsThroughIdentity(DataType type) {
        start();
        Model model = server.model("identity", 0);
        for (boolean direct : new boolean[] {true, false}) {
            Tensor input = tensor(type, direct);
            try (InferenceResponse response = infer(model, InferenceRequest.builder().input(input).build())) {
                Tensor output = response.output("OUTPUT0");
                assertEquals(type, output.dataType());
                assertArrayEquals(input.shape(), output.shape());
                assertEquals(input.data(), output.data(), type + " data, direct input " + direct);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FP32", "BYTES"})
    void emptyAndScalarTensorsRoundTrip(DataType type) {
        start();
        Model model = server.model("identity", 0);
        Tensor empty = type == DataType.BYTES ? Tensor.ofStrings("INPUT0", new long[] {0})
                : new Tensor("INPUT0", type, new long[] {0, 4}, ByteBuffer.allocate(0));
        Tensor scalar = type == DataType.BYTES ? Tensor.ofStrings("INPUT1", new long[] {}, "s")
                : new Tensor("INPUT1", type, new long[] {}, ByteBuffer.allocate(4).putFloat(0, 1.5f));

        try (InferenceResponse response = infer(model, InferenceRequest.builder().input(empty).input(scalar)
                .build())) {
            assertEquals(0, response.output("OUTPUT0").byteSize());
            assertArrayEquals(empty.shape(), response.output("OUTPUT0").shape());
            assertArrayEquals(new long[0], response.output("OUTPUT1").shape());
            assertEquals(scalar.data(), response.output("OUTPUT1").data());
        }
    }
}
