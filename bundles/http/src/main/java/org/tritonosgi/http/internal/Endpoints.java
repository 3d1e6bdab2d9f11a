package org.tritonosgi.http.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.tritonosgi.api.InferenceServer;
import org.tritonosgi.api.Model;
import org.tritonosgi.api.ModelMetadata;
import org.tritonosgi.api.ServerMetadata;
import org.tritonosgi.api.TensorMetadata;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.config.ModelConfigJson;
import org.tritonosgi.api.frontend.Extensions;
import org.tritonosgi.api.frontend.ModelNames;
import org.tritonosgi.api.frontend.Restrictions;
import org.tritonosgi.api.trace.Tracing;
import java.util.function.Supplier;

/** Routes each request to its endpoint after the restricted-API check; every failure becomes a JSON error. */
final class Endpoints {


    private final InferenceServer server;
    private final HttpSettings settings;
    private final InferEndpoints infer;
    private final ControlEndpoints control;
    private final SharedMemoryEndpoints sharedMemory;

    Endpoints(InferenceServer server, HttpSettings settings, Supplier<Tracing> tracing) {
        this.server = server;
        this.settings = settings;
        this.infer = new InferEndpoints(server, settings, tracing);
        this.control = new ControlEndpoints(server, tracing);
        this.sharedMemory = new SharedMemoryEndpoints(server, settings.allowClientShm());
    }

    /** The reply to one request; never fails: errors become {@code {"error": ...}} replies. */
    CompletionStage<Reply> handle(ByteBufAllocator alloc, FullHttpRequest request) {
        try {
            Route route = Route.match(new QueryStringDecoder(request.uri()).rawPath());
            if (route == null) {
                return Reply.of(Responses.error(alloc, HttpResponseStatus.NOT_FOUND, "Not Found"));
            }
            Restrictions.Header required = settings.restrictions().required(route.endpoint().group);
            if (required != null && !required.value().equals(request.headers().get(required.name()))) {
                return Reply.of(Responses.error(alloc, HttpResponseStatus.FORBIDDEN,
                        "This API is restricted, expecting header '" + required.name() + "'"));
            }
            if (!route.endpoint().methods.contains(request.method())) {
                return Reply.of(Responses.error(alloc, HttpResponseStatus.METHOD_NOT_ALLOWED, "Method Not Allowed"));
            }
            if (route.model() != null) {
                ModelNames.check(route.model());
            }
            ByteBuf body = request.content();
            return switch (route.endpoint()) {
                case SERVER_LIVE -> Reply.of(Responses.empty(server.isLive()
                        ? HttpResponseStatus.OK : HttpResponseStatus.BAD_REQUEST));
                case SERVER_READY -> Reply.of(server.isExiting()
                        ? Responses.error(alloc, TritonException.unavailable("Server exiting"))
                        : Responses.empty(server.isReady() ? HttpResponseStatus.OK : HttpResponseStatus.BAD_REQUEST));
                case MODEL_READY -> Reply.of(modelReady(alloc, route));
                case SERVER_METADATA -> Reply.of(Responses.json(HttpResponseStatus.OK, serverMetadata(alloc)));
                case MODEL_METADATA -> Reply.of(Responses.json(HttpResponseStatus.OK,
                        modelMetadata(alloc, server.modelMetadata(route.model(), route.version()))));
                case MODEL_CONFIG -> Reply.of(Responses.json(HttpResponseStatus.OK, Json.write(alloc,
                        out -> out.writeRawValue(ModelConfigJson.write(server.model(route.model(), route.version())
                                .config())))));
                case ALL_STATS -> Reply.of(statistics(alloc, null, 0));
                case MODEL_STATS -> Reply.of(statistics(alloc, route.model(), route.version()));
                case MODEL_INFER -> infer.infer(alloc, route, request);
                case MODEL_GENERATE -> infer.generate(alloc, route, request, false);
                case MODEL_GENERATE_STREAM -> infer.generate(alloc, route, request, true);
                case REPOSITORY_INDEX -> Reply.of(control.index(alloc, body));
                case REPOSITORY_LOAD -> control.load(route, body);
                case REPOSITORY_UNLOAD -> control.unload(route, body);
                case LOGGING -> Reply.of(control.logging(alloc, request.method(), body));
                case TRACE_SETTING, MODEL_TRACE_SETTING -> Reply.of(control.trace(alloc, route, request.method(),
                        body));
                default -> Reply.of(sharedMemory.handle(alloc, route, body));
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
        return Responses.error(alloc, HttpResponseStatus.BAD_REQUEST, "Model version not ready: model '"
                + route.model() + "' version "
                + model.version() + " is not ready (" + model.state() + ")");
    }

    private FullHttpResponse statistics(ByteBufAllocator alloc, String model, long version) {
        var stats = server.statistics(model, version);
        return Responses.json(HttpResponseStatus.OK, Json.write(alloc, out -> StatsJson.write(out, stats)));
    }

    private ByteBuf serverMetadata(ByteBufAllocator alloc) {
        ServerMetadata metadata = server.metadata();
        List<String> extensions = Extensions.served(server);
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
