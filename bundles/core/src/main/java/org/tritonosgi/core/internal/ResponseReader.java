package org.tritonosgi.core.internal;

import static org.tritonosgi.core.internal.TritonLibrary.*;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tritonosgi.api.DataType;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;

/** Reads a TRITONSERVER_InferenceResponse into an {@link InferenceResponse} whose outputs view our own buffers. */
final class ResponseReader {

    private static final int PARAMETER_STRING = 0;
    private static final int PARAMETER_INT = 1;
    private static final int PARAMETER_BOOL = 2;
    private static final int PARAMETER_DOUBLE = 3;

    private ResponseReader() {
    }

    /** @param release what closing the response does (deletes the native response) */
    static InferenceResponse read(Pointer response, boolean isFinal, OutputAllocator allocator, Runnable release) {
        PointerByReference text = new PointerByReference();
        LongByReference version = new LongByReference();
        Triton.check(TRITONSERVER_InferenceResponseModel(response, text, version));
        String model = Triton.string(text.getValue());
        Triton.check(TRITONSERVER_InferenceResponseId(response, text));
        String id = Triton.string(text.getValue());
        return new InferenceResponse(id, model, version.getValue(), outputs(response, allocator),
                parameters(response), isFinal, release);
    }

    private static List<Tensor> outputs(Pointer response, OutputAllocator allocator) {
        IntByReference count = new IntByReference();
        Triton.check(TRITONSERVER_InferenceResponseOutputCount(response, count));
        List<Tensor> outputs = new ArrayList<>(count.getValue());
        try (Memory out = new Memory(80)) {
            for (int i = 0; i < count.getValue(); i++) {
                Triton.check(TRITONSERVER_InferenceResponseOutput(response, i, out.share(0), out.share(8),
                        out.share(16), out.share(24), out.share(32), out.share(40), out.share(48), out.share(56),
                        out.share(64)));
                String name = Triton.string(out.getPointer(0));
                DataType type = DataTypes.fromCode(out.getInt(8));
                int dims = Math.toIntExact(out.getLong(24));
                long[] shape = dims == 0 ? new long[0] : out.getPointer(16).getLongArray(0, dims);
                ByteBuffer data = allocator.view(out.getPointer(32), out.getLong(40), out.getInt(48),
                        out.getPointer(64));
                outputs.add(new Tensor(name, type, shape, data));
            }
        }
        return outputs;
    }

    private static Map<String, Object> parameters(Pointer response) {
        IntByReference count = new IntByReference();
        Triton.check(TRITONSERVER_InferenceResponseParameterCount(response, count));
        Map<String, Object> parameters = new LinkedHashMap<>();
        PointerByReference name = new PointerByReference();
        IntByReference type = new IntByReference();
        PointerByReference value = new PointerByReference();
        for (int i = 0; i < count.getValue(); i++) {
            Triton.check(TRITONSERVER_InferenceResponseParameter(response, i, name, type, value));
            Pointer v = value.getValue();
            Object converted = switch (type.getValue()) {
                case PARAMETER_STRING -> Triton.string(v);
                case PARAMETER_INT -> v.getLong(0);
                case PARAMETER_BOOL -> v.getByte(0) != 0;
                case PARAMETER_DOUBLE -> v.getDouble(0);
                default -> null;
            };
            if (converted != null) {
                parameters.put(Triton.string(name.getValue()), converted);
            }
        }
        return parameters;
    }

    /** The error a response carries (owned by the response), or null. */
    static TritonException error(Pointer response) {
        Pointer error = TRITONSERVER_InferenceResponseError(response);
        return error == null ? null : Triton.read(error);
    }
}
