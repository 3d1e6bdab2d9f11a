package org.tritonosgi.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.tritonosgi.api.InferenceServer;
import org.tritonosgi.api.LoadOptions;
import org.tritonosgi.api.LogSettings;
import org.tritonosgi.api.ModelIndexEntry;
import org.tritonosgi.api.TritonException;

/** The repository, logging and trace endpoints. */
final class ControlEndpoints {

    private final InferenceServer server;

    private final java.util.function.Supplier<org.tritonosgi.api.trace.Tracing> tracing;

    ControlEndpoints(InferenceServer server, java.util.function.Supplier<org.tritonosgi.api.trace.Tracing> tracing) {
        this.server = server;
        this.tracing = tracing;
    }

    FullHttpResponse index(ByteBufAllocator alloc, ByteBuf body) {
        JsonNode request = Json.tree(body);
        JsonNode ready = request.get("ready");
        if (ready != null && !ready.isBoolean()) {
            throw TritonException.invalidArg("'ready' must be a bool");
        }
        List<ModelIndexEntry> index = server.index(ready != null && ready.booleanValue());
        return Responses.json(HttpResponseStatus.OK, Json.write(alloc, out -> {
            out.writeStartArray();
            for (ModelIndexEntry entry : index) {
                out.writeStartObject();
                out.writeStringField("name", entry.name());
                if (entry.version() > 0) {
                    out.writeStringField("version", Long.toString(entry.version()));
                }
                out.writeStringField("state", entry.state().name());
                if (!entry.reason().isEmpty()) {
                    out.writeStringField("reason", entry.reason());
                }
                out.writeEndObject();
            }
            out.writeEndArray();
        }));
    }

    CompletionStage<Reply> load(Route route, ByteBuf body) {
        requireNoRepository(route);
        JsonNode parameters = parameters(Json.tree(body));
        String config = null;
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = parameters.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> parameter = it.next();
            String key = parameter.getKey();
            if ("config".equals(key)) {
                if (!parameter.getValue().isTextual()) {
                    throw TritonException.invalidArg("load parameter 'config' must be a string holding JSON");
                }
                config = parameter.getValue().textValue();
            } else if (key.startsWith("file:")) {
                if (!parameter.getValue().isTextual()) {
                    throw TritonException.invalidArg("load parameter '" + key + "' must be a base64 string");
                }
                try {
                    files.put(key.substring("file:".length()), Base64.getDecoder()
                            .decode(parameter.getValue().textValue()));
                } catch (IllegalArgumentException e) {
                    throw TritonException.invalidArg("load parameter '" + key + "' is not valid base64");
                }
            }
        }
        return server.load(route.model(), new LoadOptions(Optional.ofNullable(config), files))
                .thenApply(done -> Reply.full(Responses.empty(HttpResponseStatus.OK), null));
    }

    CompletionStage<Reply> unload(Route route, ByteBuf body) {
        requireNoRepository(route);
        JsonNode dependents = parameters(Json.tree(body)).get("unload_dependents");
        if (dependents != null && !dependents.isBoolean()) {
            throw TritonException.invalidArg("unload parameter 'unload_dependents' must be a bool");
        }
        return server.unload(route.model(), dependents != null && dependents.booleanValue())
                .thenApply(done -> Reply.full(Responses.empty(HttpResponseStatus.OK), null));
    }

    private static JsonNode parameters(JsonNode request) {
        JsonNode parameters = request.get("parameters");
        if (parameters == null) {
            return Json.MAPPER.createObjectNode();
        }
        if (!parameters.isObject()) {
            throw TritonException.invalidArg("'parameters' must be an object");
        }
        return parameters;
    }

    private static void requireNoRepository(Route route) {
        if (route.repository() != null) {
            throw new TritonException(TritonException.Code.UNSUPPORTED, "'repository_name' specification is not "
                    + "supported (got '" + route.repository() + "')");
        }
    }

    FullHttpResponse logging(ByteBufAllocator alloc, HttpMethod method, ByteBuf body) {
        LogSettings settings = server.logSettings();
        if (HttpMethod.POST.equals(method)) {
            JsonNode update = Json.tree(body);
            if (update.hasNonNull("log_file")) {
                throw new TritonException(TritonException.Code.UNSUPPORTED,
                        "log_file cannot be set through the logging endpoint");
            }
            settings = server.updateLogSettings(new LogSettings(settings.logFile(),
                    bool(update, "log_info", settings.info()), bool(update, "log_warning", settings.warning()),
                    bool(update, "log_error", settings.error()),
                    verbose(update, settings.verboseLevel()),
                    text(update, "log_format", settings.format())));
        }
        LogSettings current = settings;
        return Responses.json(HttpResponseStatus.OK, Json.write(alloc, out -> {
            out.writeStartObject();
            out.writeStringField("log_file", current.logFile());
            out.writeBooleanField("log_info", current.info());
            out.writeBooleanField("log_warning", current.warning());
            out.writeBooleanField("log_error", current.error());
            out.writeNumberField("log_verbose_level", current.verboseLevel());
            out.writeStringField("log_format", current.format());
            out.writeEndObject();
        }));
    }

    private static boolean bool(JsonNode update, String key, boolean current) {
        JsonNode value = update.get(key);
        if (value == null || value.isNull()) {
            return current;
        }
        if (!value.isBoolean()) {
            throw TritonException.invalidArg("'" + key + "' must be a bool");
        }
        return value.booleanValue();
    }

    private static int verbose(JsonNode update, int current) {
        JsonNode value = update.get("log_verbose_level");
        if (value == null || value.isNull()) {
            return current;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.intValue() < 0) {
            throw TritonException.invalidArg("'log_verbose_level' must be an unsigned integer");
        }
        return value.intValue();
    }

    private static String text(JsonNode update, String key, String current) {
        JsonNode value = update.get(key);
        if (value == null || value.isNull()) {
            return current;
        }
        if (!value.isTextual()) {
            throw TritonException.invalidArg("'" + key + "' must be a string");
        }
        return value.textValue();
    }

    FullHttpResponse trace(ByteBufAllocator alloc, Route route, HttpMethod method, ByteBuf body) {
        String model = route.endpoint() == Route.Endpoint.MODEL_TRACE_SETTING ? route.model() : null;
        if (model != null) {
            server.model(model, 0);
        }
        Map<String, List<String>> settings;
        var service = tracing.get(); // the Tracing service when one is bound, else the engine answers
        if (HttpMethod.POST.equals(method)) {
            Map<String, List<String>> update = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = Json.tree(body).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> setting = it.next();
                if ("trace_file".equals(setting.getKey()) && !setting.getValue().isNull()) {
                    // a path chosen by the client would let it write any file the server can (as in Triton: 501)
                    throw new TritonException(TritonException.Code.UNSUPPORTED,
                            "trace_file cannot be set through the trace endpoint");
                }
                update.put(setting.getKey(), values(setting.getKey(), setting.getValue()));
            }
            settings = service != null ? service.update(model, update) : server.updateTraceSettings(model, update);
        } else {
            settings = service != null ? service.settings(model) : server.traceSettings(model);
        }
        return Responses.json(HttpResponseStatus.OK, Json.write(alloc, out -> {
            out.writeStartObject();
            for (Map.Entry<String, List<String>> setting : settings.entrySet()) {
                if ("trace_level".equals(setting.getKey())) {
                    out.writeArrayFieldStart(setting.getKey());
                    for (String value : setting.getValue()) {
                        out.writeString(value);
                    }
                    out.writeEndArray();
                } else {
                    out.writeStringField(setting.getKey(), setting.getValue().isEmpty() ? ""
                            : setting.getValue().get(0));
                }
            }
            out.writeEndObject();
        }));
    }

    private static List<String> values(String key, JsonNode value) {
        List<String> values = new ArrayList<>();
        if (value.isNull()) {
            return values;
        }
        if (value.isArray()) {
            value.forEach(element -> values.add(element.asText()));
        } else if (value.isValueNode()) {
            values.add(value.asText());
        } else {
            throw TritonException.invalidArg("trace setting '" + key + "' must be a string or an array of strings");
        }
        return values;
    }

    /** Client shared memory is not enabled (Triton's default without --allow-client-shm): status lists none. */
}
