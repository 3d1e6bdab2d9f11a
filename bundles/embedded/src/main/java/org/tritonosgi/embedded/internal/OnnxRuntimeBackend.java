package org.tritonosgi.embedded.internal;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.tritonosgi.api.DataType;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.config.ModelConfig;

/**
 * One ONNX Runtime session serving one model instance. Inputs are handed to ONNX Runtime from the request's
 * buffers (direct buffers are used in place); every OrtValue created for a run is closed before the run returns.
 */
final class OnnxRuntimeBackend implements Backend {

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final String modelName;
    private final Set<String> outputs = new LinkedHashSet<>();
    private final Map<String, DataType> outputTypes = new LinkedHashMap<>();
    private final AtomicLong liveValues;

    OnnxRuntimeBackend(OrtEnvironment environment, OrtSession session, ModelConfig config, AtomicLong liveValues) {
        this.environment = environment;
        this.session = session;
        this.modelName = config.getName();
        this.liveValues = liveValues;
        config.getOutputList().forEach(output -> {
            outputs.add(output.getName());
            outputTypes.put(output.getName(), DataType.fromConfig(output.getDataType()));
        });
    }

    @Override
    public List<Tensor> execute(InferenceRequest request) {
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        try {
            for (Tensor input : request.inputs()) {
                inputs.put(input.name(), track(toOnnx(input)));
            }
            OrtSession.Result result = session.run(inputs, outputs);
            liveValues.incrementAndGet();
            try (result) {
                List<Tensor> tensors = new ArrayList<>(outputs.size());
                for (String name : outputs) {
                    OnnxValue value = result.get(name).orElseThrow(() -> new TritonException(
                            TritonException.Code.INTERNAL, "model '" + modelName + "' produced no output '" + name
                            + "'"));
                    tensors.add(fromOnnx(name, (OnnxTensor) value));
                }
                return tensors;
            } finally {
                liveValues.decrementAndGet();
            }
        } catch (OrtException e) {
            throw new TritonException(TritonException.Code.INTERNAL, "onnx runtime error in model '" + modelName
                    + "': " + e.getMessage(), e);
        } finally {
            for (OnnxTensor tensor : inputs.values()) {
                tensor.close();
                liveValues.decrementAndGet();
            }
        }
    }

    private OnnxTensor track(OnnxTensor tensor) {
        liveValues.incrementAndGet();
        return tensor;
    }

    private OnnxTensor toOnnx(Tensor input) throws OrtException {
        if (input.dataType() == DataType.BYTES) {
            return OnnxTensor.createTensor(environment, input.strings(), input.shape());
        }
        ByteBuffer data = input.data();
        if (!data.isDirect()) {
            // ONNX Runtime reads direct buffers in place; a heap buffer is copied once, here.
            data = ByteBuffer.allocateDirect(data.remaining()).put(data).flip();
        }
        return OnnxTensor.createTensor(environment, data.order(ByteOrder.nativeOrder()), input.shape(),
                OnnxTypes.javaType(input.dataType()));
    }

    private Tensor fromOnnx(String name, OnnxTensor value) throws OrtException {
        long[] shape = value.getInfo().getShape();
        DataType type = outputTypes.get(name);
        if (type == DataType.BYTES) {
            List<String> flat = new ArrayList<>();
            flatten(value.getValue(), flat);
            return Tensor.ofStrings(name, shape, flat.toArray(new String[0]));
        }
        ByteBuffer data = value.getByteBuffer();
        return new Tensor(name, type, shape, data.order(ByteOrder.LITTLE_ENDIAN));
    }

    private static void flatten(Object value, List<String> into) {
        if (value instanceof String text) {
            into.add(text);
        } else {
            for (int i = 0, n = Array.getLength(value); i < n; i++) {
                flatten(Array.get(value, i), into);
            }
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new TritonException(TritonException.Code.INTERNAL, "closing onnx runtime session of model '"
                    + modelName + "' failed: " + e.getMessage(), e);
        }
    }
}
