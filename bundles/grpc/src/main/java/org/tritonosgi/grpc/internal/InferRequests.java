package org.tritonosgi.grpc.internal;

import io.grpc.Metadata;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.regex.Pattern;
import org.tritonosgi.api.DataType;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.RequestedOutput;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.grpc.internal.proto.InferParameter;
import org.tritonosgi.grpc.internal.proto.ModelInferRequest;

/** Turns a ModelInferRequest into the API's InferenceRequest, with Triton's rules for data and parameters. */
final class InferRequests {

    /** Request parameter asking a decoupled stream for an empty final response. */
    static final String EMPTY_FINAL_RESPONSE = "triton_enable_empty_final_response";

    private InferRequests() {
    }

    /**
     * @param headers        the call's metadata, for header forwarding; may be null
     * @param forwardHeaders keys of headers passed on as string parameters; null forwards none
     * @throws TritonException INVALID_ARG naming the input, output or parameter at fault
     */
    static InferenceRequest decode(ModelInferRequest request, Metadata headers, Pattern forwardHeaders) {
        InferenceRequest.Builder builder = InferenceRequest.builder().id(request.getId());
        int raw = 0;
        boolean typed = false;
        for (ModelInferRequest.InferInputTensor input : request.getInputsList()) {
            String name = input.getName();
            DataType type = datatype(name, input.getDatatype());
            long[] shape = input.getShapeList().stream().mapToLong(Long::longValue).toArray();
            refuseSharedMemory("input '" + name + "'", input.getParametersMap());
            ByteBuffer data;
            if (input.hasContents()) {
                typed = true;
                data = TensorContents.toRaw(name, type, input.getContents());
            } else if (raw < request.getRawInputContentsCount()) {
                data = request.getRawInputContents(raw++).asReadOnlyByteBuffer();
            } else {
                throw TritonException.invalidArg("input '" + name + "' has no data: neither contents nor a"
                        + " raw_input_contents entry");
            }
            builder.input(new Tensor(name, type, shape, data));
        }
        if (typed && request.getRawInputContentsCount() > 0) {
            throw TritonException.invalidArg("contents field must not be specified when using raw_input_contents");
        }
        if (raw < request.getRawInputContentsCount()) {
            throw TritonException.invalidArg("raw_input_contents has " + request.getRawInputContentsCount()
                    + " entries, but only " + raw + " input(s) take raw data");
        }
        for (ModelInferRequest.InferRequestedOutputTensor output : request.getOutputsList()) {
            refuseSharedMemory("output '" + output.getName() + "'", output.getParametersMap());
            InferParameter classification = output.getParametersMap().get("classification");
            int count = 0;
            if (classification != null) {
                if (classification.getParameterChoiceCase() != InferParameter.ParameterChoiceCase.INT64_PARAM
                        || classification.getInt64Param() < 0 || classification.getInt64Param() > Integer.MAX_VALUE) {
                    throw TritonException.invalidArg("output '" + output.getName() + "' parameter 'classification'"
                            + " must be a non-negative int64_param");
                }
                count = (int) classification.getInt64Param();
            }
            builder.output(new RequestedOutput(output.getName(), count));
        }
        RequestParameters.read(request.getParametersMap(), builder);
        if (headers != null && forwardHeaders != null) {
            for (String key : headers.keys()) {
                if (!key.endsWith(Metadata.BINARY_HEADER_SUFFIX) && forwardHeaders.matcher(key).matches()) {
                    String value = headers.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
                    if (value != null) {
                        builder.parameter(key, value);
                    }
                }
            }
        }
        return builder.build();
    }

    /** The version a request names: 0 (the server chooses) for "", otherwise a positive number. */
    static long version(String version) {
        if (version == null || version.isEmpty()) {
            return 0;
        }
        // ASCII digits only: Long.parseLong also takes a sign and digits of other scripts ("\u0661" is 1)
        if (version.chars().allMatch(c -> c >= '0' && c <= '9')) {
            try {
                long parsed = Long.parseLong(version);
                if (parsed > 0) {
                    return parsed;
                }
            } catch (NumberFormatException tooLarge) {
                // reported below
            }
        }
        throw TritonException.invalidArg("failed to parse model version '" + version + "': expected a positive"
                + " integer or \"\"");
    }

    private static DataType datatype(String input, String name) {
        try {
            return DataType.parse(name);
        } catch (TritonException e) {
            throw TritonException.invalidArg("input '" + input + "': " + e.getMessage());
        }
    }

    private static void refuseSharedMemory(String what, Map<String, InferParameter> parameters) {
        if (parameters.containsKey("shared_memory_region")) {
            throw TritonException.invalidArg(what + " uses shared memory region '"
                    + parameters.get("shared_memory_region").getStringParam()
                    + "', which is not registered: this server has no shared-memory regions");
        }
    }
}
