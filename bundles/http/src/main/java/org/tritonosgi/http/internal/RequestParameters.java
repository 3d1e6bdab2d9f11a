package org.tritonosgi.http.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.TritonException;

/** Reads an infer request's {@code parameters}: Triton's scheduling keys, and custom ones passed to the model. */
final class RequestParameters {

    private RequestParameters() {
    }

    /**
     * Reads the object at the parser's current token into the builder.
     *
     * @return the value of {@code binary_data_output} (false when absent)
     */
    static boolean read(JsonParser parser, InferenceRequest.Builder builder) throws IOException {
        InferRequestDecoder.expect(parser, parser.currentToken(), JsonToken.START_OBJECT, "request 'parameters'");
        boolean binaryOutput = false;
        Object sequenceId = null;
        boolean start = false;
        boolean end = false;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            JsonToken token = parser.nextToken();
            String what = "request parameter '" + key + "'";
            switch (key) {
                case "sequence_id" -> sequenceId = token == JsonToken.VALUE_STRING
                        ? parser.getText() : (Object) Json.nonNegativeLong(parser, token, what);
                case "sequence_start" -> start = Json.bool(parser, token, what);
                case "sequence_end" -> end = Json.bool(parser, token, what);
                case "priority" -> builder.priority(Json.nonNegativeLong(parser, token, what));
                case "timeout" -> builder.timeoutMicros(Json.nonNegativeLong(parser, token, what));
                case "binary_data_output" -> binaryOutput = Json.bool(parser, token, what);
                case "headers" -> throw TritonException.invalidArg(what + " is reserved for forwarded headers");
                default -> {
                    if (key.startsWith("triton_")) {
                        throw TritonException.invalidArg(what + " is reserved: the 'triton_' prefix is Triton's");
                    }
                    builder.parameter(key, custom(parser, token, what));
                }
            }
        }
        if (sequenceId != null) {
            builder.sequence(sequenceId, start, end);
        }
        return binaryOutput;
    }

    private static Object custom(JsonParser parser, JsonToken token, String what) throws IOException {
        return switch (token) {
            case VALUE_STRING -> parser.getText();
            case VALUE_TRUE, VALUE_FALSE -> token == JsonToken.VALUE_TRUE;
            case VALUE_NUMBER_INT -> {
                if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    throw TritonException.invalidArg(what + " does not fit a 64-bit integer");
                }
                yield parser.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            default -> throw Json.wrongType(what, "a string, number or bool", token);
        };
    }
}
