package org.tritonosgi.grpc.internal;

import io.grpc.Metadata;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.tritonosgi.api.DataType;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.RequestedOutput;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.shm.SystemSharedMemory;
import org.tritonosgi.api.shm.TensorRegion;
import org.tritonosgi.grpc.internal.proto.InferParameter;
import org.tritonosgi.grpc.internal.proto.ModelInferRequest;

/** Turns a ModelInferRequest into the API's InferenceRequest, with Triton's rules for data and parameters. */
final class InferRequests {

    /** Request parameter asking a decoupled stream for an empty final response. */
    static final String EMPTY_FINAL_RESPONSE = "triton_enable_empty_final_response";

    private InferRequests() {
    }

    /**
     * A decoded request and the outputs it places in shared memory.
     *
     * @param regions the registry of those outputs' regions; null when no tensor uses shared memory
     */
    record Decoded(InferenceRequest request, Map<String, TensorRegion> sharedOutputs, SystemSharedMemory regions) {
    }

    /** A request that may not use shared memory. */
    static InferenceRequest decode(ModelInferRequest request, Metadata headers, Pattern forwardHeaders) {
        return decode(request, headers, forwardHeaders, SystemSharedMemory::unsupported).request();
    }

    /**
     * @param headers        the call's metadata, for header forwarding; may be null
     * @param forwardHeaders keys of headers passed on as string parameters; null forwards none
     * @param regions        the server's shared-memory regions, asked for only when a tensor names one
     * @throws TritonException INVALID_ARG naming the input, output or parameter at fault
     */
    static Decoded decode(ModelInferRequest request, Metadata headers, Pattern forwardHeaders,
            Supplier<SystemSharedMemory> regions) {
        InferenceRequest.Builder builder = InferenceRequest.builder().id(request.getId());
        SystemSharedMemory shared = null;
        Map<String, TensorRegion> sharedOutputs = new HashMap<>();
        int raw = 0;
        boolean typed = false;
        for (ModelInferRequest.InferInputTensor input : request.getInputsList()) {
            String name = input.getName();
            DataType type = datatype(name, input.getDatatype());
            long[] shape = input.getShapeList().stream().mapToLong(Long::longValue).toArray();
            TensorRegion place = region("input '" + name + "'", input.getParametersMap());
            ByteBuffer data;
            if (place != null) {
                if (input.hasContents()) {
                    throw TritonException.invalidArg("input '" + name + "' has both contents and a shared memory "
                            + "region");
                }
                shared = shared == null ? regions.get() : shared;
                data = shared.read(place.region(), place.offset(), place.byteSize(), "input '" + name + "'");
            } else if (input.hasContents()) {
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
            TensorRegion place = region("output '" + output.getName() + "'", output.getParametersMap());
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
            if (place != null) {
                if (count > 0) {
                    throw TritonException.invalidArg("Output can't set both 'shared_memory_region' and "
                            + "'classification' (output '" + output.getName() + "')");
                }
                shared = shared == null ? regions.get() : shared;
                sharedOutputs.put(output.getName(), place);
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
        return new Decoded(builder.build(), sharedOutputs, shared);
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

    /** The shared_memory_* parameters of a tensor, checked; null when it names no region. */
    private static TensorRegion region(String what, Map<String, InferParameter> parameters) {
        InferParameter region = parameters.get("shared_memory_region");
        if (region != null && region.getParameterChoiceCase() != InferParameter.ParameterChoiceCase.STRING_PARAM) {
            throw TritonException.invalidArg(what + ": 'shared_memory_region' must be a string_param");
        }
        return TensorRegion.of(what, region == null ? null : region.getStringParam(),
                int64(what, parameters, "shared_memory_offset"), int64(what, parameters, "shared_memory_byte_size"));
    }

    private static Long int64(String what, Map<String, InferParameter> parameters, String key) {
        InferParameter value = parameters.get(key);
        if (value == null) {
            return null;
        }
        if (value.getParameterChoiceCase() != InferParameter.ParameterChoiceCase.INT64_PARAM
                && value.getParameterChoiceCase() != InferParameter.ParameterChoiceCase.UINT64_PARAM) {
            throw TritonException.invalidArg(what + ": '" + key + "' must be an int64_param");
        }
        return value.getParameterChoiceCase() == InferParameter.ParameterChoiceCase.INT64_PARAM
                ? value.getInt64Param() : value.getUint64Param();
    }
}
