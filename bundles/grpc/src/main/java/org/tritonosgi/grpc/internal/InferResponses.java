package org.tritonosgi.grpc.internal;

import com.google.protobuf.UnsafeByteOperations;
import java.util.Map;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.shm.SystemSharedMemory;
import org.tritonosgi.api.shm.TensorRegion;
import org.tritonosgi.grpc.internal.proto.InferParameter;
import org.tritonosgi.grpc.internal.proto.ModelInferResponse;

/**
 * Turns the API's InferenceResponse into a ModelInferResponse as Triton writes it: every output's data in
 * raw_output_contents (tritonclient reads only those), never typed contents.
 */
final class InferResponses {

    /** Response parameter marking the last response of a request on a stream. */
    static final String FINAL_RESPONSE = "triton_final_response";

    private InferResponses() {
    }

    /**
     * The message for a response. Output bytes are wrapped, not copied: gRPC serialises the message while the
     * caller still holds the response open, and the caller closes it after sending.
     */
    static ModelInferResponse.Builder encode(InferenceResponse response) {
        return encode(response, Map.of(), null);
    }

    /**
     * As {@link #encode(InferenceResponse)}, writing the outputs the request placed in shared memory into their
     * regions: such an output carries the region in its parameters and an empty raw_output_contents entry, so the
     * entries stay in step with the outputs.
     *
     * @throws org.tritonosgi.api.TritonException INVALID_ARG when an output does not fit its region
     */
    static ModelInferResponse.Builder encode(InferenceResponse response, Map<String, TensorRegion> sharedOutputs,
            SystemSharedMemory regions) {
        ModelInferResponse.Builder message = ModelInferResponse.newBuilder()
                .setModelName(response.modelName())
                .setModelVersion(Long.toString(response.modelVersion()))
                .setId(response.id());
        for (Map.Entry<String, Object> parameter : response.parameters().entrySet()) {
            message.putParameters(parameter.getKey(), parameter(parameter.getValue()));
        }
        for (Tensor output : response.outputs()) {
            ModelInferResponse.InferOutputTensor.Builder tensor = message.addOutputsBuilder()
                    .setName(output.name())
                    .setDatatype(output.dataType().name());
            for (long dim : output.shape()) {
                tensor.addShape(dim);
            }
            TensorRegion place = sharedOutputs.get(output.name());
            if (place != null) {
                regions.write(place.region(), place.offset(), place.byteSize(), output);
                tensor.putParameters("shared_memory_region", parameter(place.region()));
                tensor.putParameters("shared_memory_offset", parameter(place.offset()));
                tensor.putParameters("shared_memory_byte_size", parameter((long) output.byteSize()));
                message.addRawOutputContents(com.google.protobuf.ByteString.EMPTY);
                continue;
            }
            message.addRawOutputContents(UnsafeByteOperations.unsafeWrap(output.data()));
        }
        return message;
    }

    /** The response with {@value #FINAL_RESPONSE} set, as streams carry it. */
    static ModelInferResponse.Builder withFinalFlag(ModelInferResponse.Builder message, boolean isFinal) {
        return message.putParameters(FINAL_RESPONSE, InferParameter.newBuilder().setBoolParam(isFinal).build());
    }

    static InferParameter parameter(Object value) {
        InferParameter.Builder parameter = InferParameter.newBuilder();
        if (value instanceof Boolean b) {
            parameter.setBoolParam(b);
        } else if (value instanceof Long l) {
            parameter.setInt64Param(l);
        } else if (value instanceof Double d) {
            parameter.setDoubleParam(d);
        } else {
            parameter.setStringParam(String.valueOf(value));
        }
        return parameter.build();
    }
}
