package org.tritonosgi.http.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.InferenceServer;
import org.tritonosgi.api.Model;
import org.tritonosgi.api.ModelMetadata;
import org.tritonosgi.api.ServerMetadata;
import org.tritonosgi.api.TensorMetadata;
import org.tritonosgi.api.TritonException;

/** Answers each KServe v2 endpoint from the InferenceServer; inference completes asynchronously. */
final class Endpoints {

    /** Protocol extensions this frontend adds to those of the engine. */
    private static final List<String> FRONTEND_EXTENSIONS = List.of("binary_tensor_data", "parameters");

    static final String HEADER_LENGTH = "Inference-Header-Content-Length";

    /** A response and what to release once it is written (null when nothing). */
    record Reply(FullHttpResponse response, AutoCloseable resource) {

        static CompletionStage<Reply> of(FullHttpResponse response) {
            return CompletableFuture.completedFuture(new Reply(response, null));
        }
    }

    private final InferenceServer server;

    Endpoints(InferenceServer server) {
        this.server = server;
    }

    /** The reply to one request; never fails: errors become {@code {"error": ...}} replies. */
    CompletionStage<Reply> handle(ByteBufAllocator alloc, FullHttpRequest request) {
        try {
            Route route = Route.match(new QueryStringDecoder(request.uri()).rawPath());
            if (route == null) {
                return Reply.of(Responses.error(alloc, HttpResponseStatus.NOT_FOUND, "Not Found"));
            }
            if (!route.endpoint().method.equals(request.method())) {
                return Reply.of(Responses.error(alloc, HttpResponseStatus.METHOD_NOT_ALLOWED, "Method Not Allowed"));
            }
            return switch (route.endpoint()) {
                case SERVER_LIVE -> Reply.of(Responses.empty(server.isLive()
                        ? HttpResponseStatus.OK : HttpResponseStatus.BAD_REQUEST));
                case SERVER_READY -> Reply.of(Responses.empty(server.isReady()
                        ? HttpResponseStatus.OK : HttpResponseStatus.BAD_REQUEST));
                case SERVER_METADATA -> Reply.of(Responses.json(HttpResponseStatus.OK, serverMetadata(alloc)));
                case MODEL_METADATA -> Reply.of(Responses.json(HttpResponseStatus.OK,
                        modelMetadata(alloc, server.modelMetadata(route.model(), route.version()))));
                case MODEL_READY -> Reply.of(modelReady(alloc, route));
                case MODEL_INFER -> infer(alloc, route, request);
            };
        } catch (TritonException e) {
            return Reply.of(Responses.error(alloc, e));
        } catch (RuntimeException e) {
            return Reply.of(Responses.error(alloc, TritonException.of(e)));
        }
    }

    private FullHttpResponse modelReady(ByteBufAllocator alloc, Route route) {
        Model model = server.model(route.model(), route.version());
        if (model.isReady()) {
            return Responses.empty(HttpResponseStatus.OK);
        }
        return Responses.error(alloc, HttpResponseStatus.BAD_REQUEST, "model '" + route.model() + "' version "
                + model.version() + " is not ready (" + model.state() + ")");
    }

    private CompletionStage<Reply> infer(ByteBufAllocator alloc, Route route, FullHttpRequest request) {
        InferRequestDecoder.Decoded decoded = InferRequestDecoder.decode(request.content(),
                request.headers().get(HEADER_LENGTH));
        Model model = server.model(route.model(), route.version());
        return model.infer(decoded.request()).handle((response, failure) -> {
            if (failure != null) {
                return new Reply(Responses.error(alloc, TritonException.of(failure)), null);
            }
            try {
                return new Reply(inferResponse(alloc, response, decoded), response);
            } catch (TritonException e) {
                response.close();
                return new Reply(Responses.error(alloc, e), null);
            } catch (RuntimeException e) {
                response.close();
                return new Reply(Responses.error(alloc, TritonException.of(e)), null);
            }
        });
    }

    private static FullHttpResponse inferResponse(ByteBufAllocator alloc, InferenceResponse response,
            InferRequestDecoder.Decoded decoded) {
        InferResponseEncoder.Encoded encoded = InferResponseEncoder.encode(alloc, response, decoded);
        FullHttpResponse reply = Responses.json(HttpResponseStatus.OK, encoded.body());
        if (encoded.hasBinary()) {
            reply.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
            reply.headers().setInt(HEADER_LENGTH, encoded.jsonLength());
        }
        return reply;
    }

    private ByteBuf serverMetadata(ByteBufAllocator alloc) {
        ServerMetadata metadata = server.metadata();
        Set<String> extensions = new LinkedHashSet<>(metadata.extensions());
        extensions.addAll(FRONTEND_EXTENSIONS);
        return Json.write(alloc, out -> {
            out.writeStartObject();
            out.writeStringField("name", metadata.name());
            out.writeStringField("version", metadata.version());
            out.writeArrayFieldStart("extensions");
            for (String extension : extensions) {
                out.writeString(extension);
            }
            out.writeEndArray();
            out.writeEndObject();
        });
    }

    private static ByteBuf modelMetadata(ByteBufAllocator alloc, ModelMetadata metadata) {
        return Json.write(alloc, out -> {
            out.writeStartObject();
            out.writeStringField("name", metadata.name());
            out.writeArrayFieldStart("versions");
            for (String version : metadata.versions()) {
                out.writeString(version);
            }
            out.writeEndArray();
            out.writeStringField("platform", metadata.platform());
            writeTensors(out, "inputs", metadata.inputs());
            writeTensors(out, "outputs", metadata.outputs());
            out.writeEndObject();
        });
    }

    private static void writeTensors(com.fasterxml.jackson.core.JsonGenerator out, String field,
            List<TensorMetadata> tensors) throws IOException {
        out.writeArrayFieldStart(field);
        for (TensorMetadata tensor : tensors) {
            out.writeStartObject();
            out.writeStringField("name", tensor.name());
            out.writeStringField("datatype", tensor.dataType().name());
            Json.writeShape(out, tensor.shape().stream().mapToLong(Long::longValue).toArray());
            out.writeEndObject();
        }
        out.writeEndArray();
    }
}
