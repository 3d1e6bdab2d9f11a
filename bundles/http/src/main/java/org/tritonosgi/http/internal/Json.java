package org.tritonosgi.http.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.tritonosgi.api.TritonException;

/** The shared Jackson factory and typed readers that turn a wrong JSON type into a message naming the member. */
final class Json {

    /** Thread-safe; source snippets are kept out of error messages, and nesting is bounded. */
    static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(JsonValues.MAX_DEPTH + 8).build())
            .build();

    /** Triton's words for a document or a {@code data} array nested too deep (tests and users grep for them). */
    static final String TOO_DEEP = "JSON nesting depth exceeds maximum allowed limit (" + JsonValues.MAX_DEPTH + ")";

    /** For the small control bodies (index, load, settings); infer bodies are streamed instead. */
    static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
            new com.fasterxml.jackson.databind.ObjectMapper(FACTORY);

    private Json() {
    }

    /**
     * The body as a JSON tree; an empty body reads as an empty object.
     *
     * @throws TritonException INVALID_ARG with the parser's message and position
     */
    static com.fasterxml.jackson.databind.JsonNode tree(ByteBuf body) {
        if (body.readableBytes() == 0) {
            return MAPPER.createObjectNode();
        }
        try (JsonParser parser = FACTORY.createParser(ByteBufUtil.getBytes(body))) {
            com.fasterxml.jackson.databind.JsonNode tree = MAPPER.readTree(parser);
            if (tree == null || !tree.isObject() || parser.nextToken() != null) {
                throw TritonException.invalidArg("failed to parse the request JSON buffer: expected one JSON object");
            }
            return tree;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw parseError(e);
        } catch (IOException e) {
            throw TritonException.invalidArg("failed to read the request JSON buffer: " + e.getMessage());
        }
    }

    /** INVALID_ARG with the parser's message and position, or Triton's words when the document nests too deep. */
    static TritonException parseError(com.fasterxml.jackson.core.JsonProcessingException e) {
        if (e instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException
                && e.getOriginalMessage().contains("nesting depth")) {
            return TritonException.invalidArg("failed to parse the request JSON buffer: " + TOO_DEEP);
        }
        return TritonException.invalidArg("failed to parse the request JSON buffer: " + e.getOriginalMessage()
                + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
    }

    /** Writes a JSON document with a generator. */
    interface Writer {
        void write(JsonGenerator out) throws IOException;
    }

    /** A buffer holding the document the writer produces; released again if writing fails. */
    static ByteBuf write(ByteBufAllocator alloc, Writer writer) {
        ByteBuf buffer = alloc.buffer();
        try (JsonGenerator out = FACTORY.createGenerator((java.io.OutputStream) new ByteBufOutputStream(buffer))) {
            writer.write(out);
        } catch (IOException e) {
            buffer.release();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            buffer.release();
            throw e;
        }
        return buffer;
    }

    /** Writes {@code "shape": [dims...]}. */
    static void writeShape(JsonGenerator out, long[] shape) throws IOException {
        out.writeFieldName("shape");
        out.writeArray(shape, 0, shape.length);
    }

    static String string(JsonParser parser, JsonToken token, String what) throws IOException {
        if (token != JsonToken.VALUE_STRING) {
            throw wrongType(what, "a string", token);
        }
        return parser.getText();
    }

    static boolean bool(JsonParser parser, JsonToken token, String what) {
        if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
            return token == JsonToken.VALUE_TRUE;
        }
        throw wrongType(what, "a bool", token);
    }

    static long nonNegativeLong(JsonParser parser, JsonToken token, String what) throws IOException {
        if (token != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                || parser.getLongValue() < 0) {
            throw wrongType(what, "a non-negative integer", token);
        }
        return parser.getLongValue();
    }

    static List<Long> nonNegativeLongs(JsonParser parser, JsonToken token, String what) throws IOException {
        if (token != JsonToken.START_ARRAY) {
            throw wrongType(what, "an array of non-negative integers", token);
        }
        List<Long> values = new ArrayList<>();
        JsonToken element;
        while ((element = parser.nextToken()) != JsonToken.END_ARRAY) {
            values.add(nonNegativeLong(parser, element, what + " element " + values.size()));
        }
        return values;
    }

    static TritonException wrongType(String what, String expected, JsonToken token) {
        String found = switch (token) {
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a bool";
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            case VALUE_NULL -> "null";
            default -> token.name();
        };
        return TritonException.invalidArg(what + " must be " + expected + ", got " + found);
    }
}
