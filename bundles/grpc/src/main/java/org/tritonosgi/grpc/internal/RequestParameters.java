package org.tritonosgi.grpc.internal;

import java.util.Map;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.grpc.internal.proto.InferParameter;

/** Reads a ModelInferRequest's parameters: Triton's scheduling keys, and custom ones passed to the model. */
final class RequestParameters {

    private RequestParameters() {
    }

    static void read(Map<String, InferParameter> parameters, InferenceRequest.Builder builder) {
        Object sequenceId = null;
        boolean start = false;
        boolean end = false;
        for (Map.Entry<String, InferParameter> entry : parameters.entrySet()) {
            String key = entry.getKey();
            InferParameter value = entry.getValue();
            String what = "request parameter '" + key + "'";
            switch (key) {
                case "sequence_id" -> sequenceId = switch (value.getParameterChoiceCase()) {
                    case STRING_PARAM -> value.getStringParam();
                    case INT64_PARAM -> nonNegative(what, value.getInt64Param());
                    case UINT64_PARAM -> value.getUint64Param();
                    default -> throw wrongType(what, "int64_param, uint64_param or string_param");
                };
                case "sequence_start" -> start = bool(what, value);
                case "sequence_end" -> end = bool(what, value);
                case "priority" -> builder.priority(switch (value.getParameterChoiceCase()) {
                    case INT64_PARAM -> nonNegative(what, value.getInt64Param());
                    case UINT64_PARAM -> value.getUint64Param();
                    default -> throw wrongType(what, "int64_param or uint64_param");
                });
                case "timeout" -> {
                    if (value.getParameterChoiceCase() != InferParameter.ParameterChoiceCase.INT64_PARAM) {
                        throw wrongType(what, "int64_param");
                    }
                    builder.timeoutMicros(nonNegative(what, value.getInt64Param()));
                }
                case InferRequests.EMPTY_FINAL_RESPONSE -> bool(what, value);
                default -> {
                    if (key.startsWith("triton_")) {
                        throw TritonException.invalidArg(what + " is reserved: the 'triton_' prefix is Triton's");
                    }
                    builder.parameter(key, switch (value.getParameterChoiceCase()) {
                        case BOOL_PARAM -> value.getBoolParam();
                        case INT64_PARAM -> value.getInt64Param();
                        case STRING_PARAM -> value.getStringParam();
                        case DOUBLE_PARAM -> value.getDoubleParam();
                        default -> throw wrongType(what, "bool_param, int64_param, string_param or double_param");
                    });
                }
            }
        }
        if (sequenceId != null) {
            builder.sequence(sequenceId, start, end);
        }
    }

    /** Whether the request asks for an empty final response on decoupled streams. */
    static boolean emptyFinalResponse(Map<String, InferParameter> parameters) {
        InferParameter value = parameters.get(InferRequests.EMPTY_FINAL_RESPONSE);
        return value != null && value.getBoolParam();
    }

    private static boolean bool(String what, InferParameter value) {
        if (value.getParameterChoiceCase() != InferParameter.ParameterChoiceCase.BOOL_PARAM) {
            throw wrongType(what, "bool_param");
        }
        return value.getBoolParam();
    }

    private static long nonNegative(String what, long value) {
        if (value < 0) {
            throw TritonException.invalidArg(what + " must not be negative, got " + value);
        }
        return value;
    }

    private static TritonException wrongType(String what, String expected) {
        return TritonException.invalidArg(what + " has the wrong type: expected " + expected);
    }
}
