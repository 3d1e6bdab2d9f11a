package org.tritonosgi.http.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.InferenceServer;
import org.tritonosgi.api.Model;
import org.tritonosgi.api.ResponseListener;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TensorMetadata;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.trace.RequestSpan;
import org.tritonosgi.api.trace.Tracing;
import java.util.function.Supplier;

/** The inference endpoints: infer (JSON and binary tensors), generate and generate_stream. */
final class InferEndpoints {

    static final String HEADER_LENGTH = "Inference-Header-Content-Length";

    /** Binary responses up to this size go out as one message; larger ones as head, JSON and blobs. */
    static final int SMALL_BODY = 1 << 20;

    private final InferenceServer server;
    private final HttpSettings settings;
    private final Supplier<Tracing> tracing;

    InferEndpoints(InferenceServer server, HttpSettings settings, Supplier<Tracing> tracing) {
        this.server = server;
        this.settings = settings;
        this.tracing = tracing;
    }

    /** The request's Content-Encoding when it is one this frontend cannot read (decompression already ran). */
    private static String unreadableEncoding(FullHttpRequest request) {
        String encoding = request.headers().get(HttpHeaderNames.CONTENT_ENCODING);
        return encoding == null || HttpHeaderValues.IDENTITY.contentEqualsIgnoreCase(encoding) ? null : encoding;
    }

    CompletionStage<Reply> infer(ByteBufAllocator alloc, Route route, FullHttpRequest request) {
        String encoding = unreadableEncoding(request);
        if (encoding != null) {
            FullHttpResponse error = Responses.error(alloc, new TritonException(TritonException.Code.UNSUPPORTED,
                    "Unsupported compression type '" + encoding + "'"));
            error.headers().set(HttpHeaderNames.ACCEPT_ENCODING, "gzip, deflate");
            return Reply.of(error);
        }
        Tracing service = tracing.get();
        RequestSpan span = service == null ? null
                : service.start("HTTP", route.model(), route.version(), name -> request.headers().get(name));
        if (span == null) {
            return infer(alloc, route, request, null);
        }
        try {
            return infer(alloc, route, request, span).thenApply(reply -> traced(reply, span));
        } catch (RuntimeException e) {
            span.sent(e.getMessage());
            throw e;
        }
    }

    private CompletionStage<Reply> infer(ByteBufAllocator alloc, Route route, FullHttpRequest request,
            RequestSpan span) {
        Model model = server.model(route.model(), route.version());
        if (model.isDecoupled()) {
            throw new TritonException(TritonException.Code.UNSUPPORTED, "HTTP end point doesn't support models with "
                    + "decoupled transaction policy");
        }
        String headerLength = request.headers().get(HEADER_LENGTH);
        InferRequestDecoder.Decoded decoded = headerLength != null && headerLength.trim().equals("0")
                ? InferRequestDecoder.decodeRaw(request.content(), model.metadata(),
                        model.config().getMaxBatchSize() > 0)
                : InferRequestDecoder.decode(request.content(), headerLength,
                        forwardedHeaders(settings.headerForward(), request.headers()), server::systemSharedMemory);
        InferenceRequest inference = decoded.request();
        if (span != null) {
            inference = inference.withTrace(span);
            span.received();
        }
        return model.infer(inference).handle((response, failure) -> {
            if (span != null) {
                span.responding();
            }
            if (failure != null) {
                return Reply.full(Responses.error(alloc, TritonException.of(failure)), null);
            }
            try {
                return inferResponse(alloc, response, decoded);
            } catch (RuntimeException e) {
                response.close();
                return Reply.full(Responses.error(alloc, TritonException.of(e)), null);
            }
        });
    }

    /** The reply, ending the trace once it is written (its resource is released then). */
    private static Reply traced(Reply reply, RequestSpan span) {
        String error = reply.response().status().code() >= 400 ? reply.response().status().toString() : null;
        AutoCloseable resource = reply.resource();
        return new Reply(reply.response(), () -> {
            try {
                if (resource != null) {
                    resource.close();
                }
            } finally {
                span.sent(error);
            }
        }, reply.stream());
    }

    /** Headers whose names match the pattern, by lower-case name, as the model's string parameters. */
    static Map<String, String> forwardedHeaders(java.util.regex.Pattern pattern, HttpHeaders headers) {
        if (pattern == null) {
            return Map.of();
        }
        Map<String, String> forwarded = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : headers) {
            if (pattern.matcher(header.getKey()).matches()) {
                forwarded.putIfAbsent(header.getKey().toLowerCase(java.util.Locale.ROOT), header.getValue());
            }
        }
        return forwarded;
    }

    /**
     * The infer reply: a whole response, or for large binary outputs a response head (Content-Length of the whole
     * body) followed by the JSON and each blob as its own message, so no buffer holding every blob is built: a
     * composite would be merged on the heap on its way to the socket.
     */
    private static Reply inferResponse(ByteBufAllocator alloc, InferenceResponse response,
            InferRequestDecoder.Decoded decoded) {
        InferResponseEncoder.Encoded encoded = InferResponseEncoder.encode(alloc, response, decoded);
        if (!encoded.hasBinary()) {
            return Reply.full(Responses.json(HttpResponseStatus.OK, encoded.json()), response);
        }
        if (encoded.length() <= SMALL_BODY) {
            // small: one message is cheaper than four, and merging a small composite costs nothing
            CompositeByteBuf body = alloc.compositeBuffer(encoded.blobs().size() + 1).addComponent(true,
                    encoded.json());
            encoded.blobs().forEach(blob -> body.addComponent(true, blob));
            FullHttpResponse reply = Responses.json(HttpResponseStatus.OK, body);
            reply.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
            reply.headers().setInt(HEADER_LENGTH, encoded.json().readableBytes());
            return Reply.full(reply, response);
        }
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
        head.headers().set(HttpHeaderNames.CONTENT_LENGTH, encoded.length());
        head.headers().setInt(HEADER_LENGTH, encoded.json().readableBytes());
        return new Reply(head, response, sink -> {
            sink.send(encoded.json());
            encoded.blobs().forEach(sink::send);
            sink.end();
        });
    }

    CompletionStage<Reply> generate(ByteBufAllocator alloc, Route route, FullHttpRequest request, boolean stream) {
        String encoding = unreadableEncoding(request);
        if (encoding != null) {
            throw TritonException.invalidArg("generate does not accept Content-Encoding '" + encoding + "'");
        }
        Model model = server.model(route.model(), route.version());
        InferenceRequest inference = generateRequest(model, Json.tree(request.content()));
        if (stream) {
            SseBridge bridge = new SseBridge(alloc, response -> generateJson(alloc, response));
            model.infer(inference, bridge);
            return bridge.reply();
        }
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        model.infer(inference, new ResponseListener() {
            private final List<InferenceResponse> responses = new ArrayList<>();

            @Override
            public void onResponse(InferenceResponse response) {
                responses.add(response);
            }

            @Override
            public void onComplete() {
                if (responses.size() != 1) {
                    responses.forEach(InferenceResponse::close);
                    reply.complete(Reply.full(Responses.error(alloc, TritonException.invalidArg("generate expects"
                            + " exactly one response but the model sent " + responses.size()
                            + "; use generate_stream")), null));
                    return;
                }
                try (InferenceResponse response = responses.get(0)) {
                    reply.complete(Reply.full(Responses.json(HttpResponseStatus.OK, generateJson(alloc, response)),
                            null));
                } catch (RuntimeException e) {
                    reply.complete(Reply.full(Responses.error(alloc, TritonException.of(e)), null));
                }
            }

            @Override
            public void onError(TritonException error) {
                responses.forEach(InferenceResponse::close);
                reply.complete(Reply.full(Responses.error(alloc, error), null));
            }
        });
        return reply;
    }

    /** Members named like model inputs become those inputs (shape from metadata); the rest become parameters. */
    private static InferenceRequest generateRequest(Model model, JsonNode body) {
        Map<String, TensorMetadata> inputs = new LinkedHashMap<>();
        model.metadata().inputs().forEach(input -> inputs.put(input.name(), input));
        InferenceRequest.Builder builder = InferenceRequest.builder();
        Map<String, JsonNode> members = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> member = it.next();
            if ("id".equals(member.getKey())) {
                if (!member.getValue().isTextual()) {
                    throw TritonException.invalidArg("request 'id' must be a string");
                }
                builder.id(member.getValue().textValue());
            } else if ("parameters".equals(member.getKey()) && member.getValue().isObject()) {
                member.getValue().fields().forEachRemaining(p -> members.putIfAbsent(p.getKey(), p.getValue()));
            } else {
                members.put(member.getKey(), member.getValue());
            }
        }
        for (Map.Entry<String, JsonNode> member : members.entrySet()) {
            TensorMetadata input = inputs.get(member.getKey());
            if (input != null) {
                builder.input(tensor(input, member.getValue()));
            } else {
                builder.parameter(member.getKey(), parameter(member.getKey(), member.getValue()));
            }
        }
        return builder.build();
    }

    private static Tensor tensor(TensorMetadata input, JsonNode value) {
        try (JsonParser parser = value.traverse(Json.MAPPER)) {
            parser.nextToken();
            JsonValues values = JsonValues.readScalarOrArray(parser, input.name());
            long[] shape = input.shape().stream().mapToLong(Long::longValue).toArray();
            long fixed = 1;
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] >= 0) {
                    fixed *= shape[i];
                }
            }
            boolean filled = false;
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] < 0) {
                    shape[i] = filled ? 1 : Math.max(0, values.size() / Math.max(1, fixed));
                    filled = true;
                }
            }
            return new Tensor(input.name(), input.dataType(), shape, values.encode(input.dataType()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Object parameter(String key, JsonNode value) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        if (value.isNumber()) {
            return value.doubleValue();
        }
        throw TritonException.invalidArg("generate member '" + key + "' is neither a model input nor a string, "
                + "number or bool parameter");
    }

    private static ByteBuf generateJson(ByteBufAllocator alloc, InferenceResponse response) {
        return Json.write(alloc, out -> {
            out.writeStartObject();
            if (!response.id().isEmpty()) {
                out.writeStringField("id", response.id());
            }
            out.writeStringField("model_name", response.modelName());
            out.writeStringField("model_version", Long.toString(response.modelVersion()));
            for (Map.Entry<String, Object> parameter : response.parameters().entrySet()) {
                out.writeFieldName(parameter.getKey());
                out.writeObject(parameter.getValue());
            }
            for (Tensor output : response.outputs()) {
                out.writeFieldName(output.name());
                writeGenerated(out, output);
            }
            out.writeEndObject();
        });
    }

    private static void writeGenerated(JsonGenerator out, Tensor output) throws IOException {
        if (output.elementCount() == 1) {
            InferResponseEncoder.writeData(out, output);
        } else {
            out.writeStartArray();
            InferResponseEncoder.writeData(out, output);
            out.writeEndArray();
        }
    }
}
