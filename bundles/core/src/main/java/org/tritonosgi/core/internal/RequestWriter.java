package org.tritonosgi.core.internal;

import static org.tritonosgi.core.internal.TritonLibrary.*;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.RequestedOutput;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;

/**
 * Builds a TRITONSERVER_InferenceRequest from an {@link InferenceRequest}. Input data are not copied when they are
 * direct buffers; the buffers (or copies) go into {@code keepAlive}, which must stay reachable until the release.
 */
final class RequestWriter {

    private static final int FLAG_SEQUENCE_START = 1;
    private static final int FLAG_SEQUENCE_END = 2;
    private static final int MEMORY_CPU = 0;

    private RequestWriter() {
    }

    /** The new request; deleted again if any step fails. */
    static Pointer write(Pointer server, String model, long version, InferenceRequest request,
            List<Object> keepAlive) {
        for (RequestedOutput output : request.outputs()) {
            if (output.classificationCount() > 0) {
                throw new TritonException(TritonException.Code.UNSUPPORTED, "output '" + output.name()
                        + "': the classification extension is not supported by the native core");
            }
        }
        PointerByReference out = new PointerByReference();
        Triton.check(TRITONSERVER_InferenceRequestNew(out, server, model, version > 0 ? version : -1));
        Pointer handle = out.getValue();
        try {
            fill(handle, request, keepAlive);
            return handle;
        } catch (RuntimeException e) {
            Triton.check(TRITONSERVER_InferenceRequestDelete(handle));
            throw e;
        }
    }

    private static void fill(Pointer handle, InferenceRequest request, List<Object> keepAlive) {
        if (!request.id().isEmpty()) {
            Triton.check(TRITONSERVER_InferenceRequestSetId(handle, request.id()));
        }
        int flags = (request.sequenceStart() ? FLAG_SEQUENCE_START : 0) | (request.sequenceEnd() ? FLAG_SEQUENCE_END : 0);
        if (flags != 0) {
            Triton.check(TRITONSERVER_InferenceRequestSetFlags(handle, flags));
        }
        if (request.sequenceId() instanceof Long id) {
            Triton.check(TRITONSERVER_InferenceRequestSetCorrelationId(handle, id));
        } else if (request.sequenceId() instanceof String id) {
            Triton.check(TRITONSERVER_InferenceRequestSetCorrelationIdString(handle, id));
        }
        if (request.priority() != 0) {
            Triton.check(TRITONSERVER_InferenceRequestSetPriorityUInt64(handle, request.priority()));
        }
        if (request.timeoutMicros() != 0) {
            Triton.check(TRITONSERVER_InferenceRequestSetTimeoutMicroseconds(handle, request.timeoutMicros()));
        }
        for (Tensor input : request.inputs()) {
            long[] shape = input.shape();
            Triton.check(TRITONSERVER_InferenceRequestAddInput(handle, input.name(), DataTypes.code(input.dataType()),
                    shape, shape.length));
            Triton.check(TRITONSERVER_InferenceRequestAppendInputData(handle, input.name(), address(input, keepAlive),
                    input.byteSize(), MEMORY_CPU, 0));
        }
        for (RequestedOutput output : request.outputs()) {
            Triton.check(TRITONSERVER_InferenceRequestAddRequestedOutput(handle, output.name()));
        }
        for (Map.Entry<String, Object> parameter : request.parameters().entrySet()) {
            String key = parameter.getKey();
            Object value = parameter.getValue();
            Pointer error;
            if (value instanceof String s) {
                error = TRITONSERVER_InferenceRequestSetStringParameter(handle, key, s);
            } else if (value instanceof Long l) {
                error = TRITONSERVER_InferenceRequestSetIntParameter(handle, key, l);
            } else if (value instanceof Boolean b) {
                error = TRITONSERVER_InferenceRequestSetBoolParameter(handle, key, Triton.bool(b));
            } else {
                error = TRITONSERVER_InferenceRequestSetDoubleParameter(handle, key, (Double) value);
            }
            Triton.check(error);
        }
    }

    private static Pointer address(Tensor input, List<Object> keepAlive) {
        ByteBuffer data = input.data();
        if (data.remaining() == 0) {
            return null;
        }
        if (data.isDirect()) {
            keepAlive.add(data);
            return Native.getDirectBufferPointer(data);
        }
        Memory copy = new Memory(data.remaining());
        copy.getByteBuffer(0, data.remaining()).put(data);
        keepAlive.add(copy);
        return copy;
    }
}
