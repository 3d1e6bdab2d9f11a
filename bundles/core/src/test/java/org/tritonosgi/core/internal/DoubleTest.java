package org.tritonosgi.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.osgi.util.converter.Converters;
import org.tritonosgi.api.DataType;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.Model;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;

/** Base of the tests against the C double: a server per test, and after it, no live native object of any type. */
abstract class DoubleTest {

    protected CoreInferenceServer server;
    /** Live objects per type when the test began; a test that leaks on purpose raises its entries. */
    protected final Map<String, Long> baseline = new HashMap<>();

    @BeforeEach
    void resetDouble() {
        DoubleControl.double_reset();
        for (String type : DoubleControl.TYPES) {
            baseline.put(type, DoubleControl.double_live(type));
        }
    }

    @AfterEach
    void stopAndCheckNothingLeaks() {
        try {
            if (server != null) {
                server.deactivate();
            }
        } finally {
            DoubleControl.double_reset();
        }
        for (String type : DoubleControl.TYPES) {
            assertEquals(baseline.get(type), DoubleControl.double_live(type), "live native objects of type " + type);
        }
    }

    /** A configuration as Config Admin would give it: the library is the double, the rest from the map. */
    static CoreConfig config(Object... keyValues) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("library.path", DoubleControl.LIBRARY);
        properties.put("model.repository", "/models");
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put((String) keyValues[i], keyValues[i + 1]);
        }
        return Converters.standardConverter().convert(properties).to(CoreConfig.class);
    }

    CoreInferenceServer start(Object... keyValues) {
        server = new CoreInferenceServer(config(keyValues));
        return server;
    }

    static Tensor fp32(String name, float... values) {
        ByteBuffer data = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            data.putFloat(value);
        }
        return new Tensor(name, DataType.FP32, new long[] {1, values.length}, data.flip());
    }

    static InferenceResponse infer(Model model, InferenceRequest request) {
        try {
            return model.infer(request).toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw TritonException.of(e);
        }
    }

    static TritonException inferFailure(Model model, InferenceRequest request) {
        CompletionException thrown = assertThrows(CompletionException.class,
                () -> model.infer(request).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join());
        return TritonException.of(thrown);
    }

    /** Polls a condition every millisecond until it holds, failing at the deadline (no fixed sleeps). */
    static void await(String what, long timeoutMillis, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
