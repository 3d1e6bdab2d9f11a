package org.tritonosgi.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import org.tritonosgi.api.InferenceServer;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.shm.SystemSharedMemory;

/**
 * The shared-memory endpoints: system regions are registered in the engine's registry (shared with the gRPC
 * frontend) when allow.client.shm is on; CUDA regions are refused with a clear message, as this server has no GPU.
 */
final class SharedMemoryEndpoints {

    static final String CUDA_UNSUPPORTED = "CUDA shared memory is not supported: this server has no CUDA device "
            + "memory; use system shared memory (/v2/systemsharedmemory) instead";

    private final InferenceServer server;
    private final boolean allowClientShm;

    SharedMemoryEndpoints(InferenceServer server, boolean allowClientShm) {
        this.server = server;
        this.allowClientShm = allowClientShm;
    }

    FullHttpResponse handle(ByteBufAllocator alloc, Route route, ByteBuf body) {
        return switch (route.endpoint()) {
            case SYSTEM_SHM_STATUS -> status(alloc, server.systemSharedMemory().status(route.region()));
            case SYSTEM_SHM_REGISTER -> {
                if (route.region() == null) {
                    throw TritonException.invalidArg("'region name' is necessary to register system shared memory "
                            + "region");
                }
                requireAllowed();
                JsonNode request = Json.tree(body);
                server.systemSharedMemory().register(route.region(), key(request), unsigned(request, "offset", 0),
                        unsigned(request, "byte_size", -1));
                yield Responses.empty(HttpResponseStatus.OK);
            }
            case SYSTEM_SHM_UNREGISTER -> {
                requireAllowed();
                SystemSharedMemory regions = server.systemSharedMemory();
                if (route.region() == null) {
                    regions.unregisterAll();
                } else {
                    regions.unregister(route.region());
                }
                yield Responses.empty(HttpResponseStatus.OK);
            }
            case CUDA_SHM_STATUS -> {
                if (route.region() != null) {
                    throw TritonException.invalidArg(CUDA_UNSUPPORTED);
                }
                yield Responses.json(HttpResponseStatus.OK, Json.write(alloc, out -> {
                    out.writeStartArray();
                    out.writeEndArray();
                }));
            }
            default -> throw TritonException.invalidArg(CUDA_UNSUPPORTED);
        };
    }

    private void requireAllowed() {
        if (!allowClientShm) {
            throw new TritonException(TritonException.Code.UNSUPPORTED, "client shared memory is disabled on this "
                    + "server: set allow.client.shm = true in PID " + HttpSettings.PID + " to allow it");
        }
    }

    private static String key(JsonNode request) {
        JsonNode key = request.get("key");
        if (key == null || !key.isTextual()) {
            throw TritonException.invalidArg("Shared memory register request has no 'key' field (a string)");
        }
        return key.textValue();
    }

    /** A non-negative integer member; {@code fallback} < 0 makes it required. */
    private static long unsigned(JsonNode request, String name, long fallback) {
        JsonNode value = request.get(name);
        if (value == null && fallback >= 0) {
            return fallback;
        }
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
            throw TritonException.invalidArg("Shared memory register request has no '" + name + "' field (a "
                    + "non-negative integer)");
        }
        return value.longValue();
    }

    private static FullHttpResponse status(ByteBufAllocator alloc, List<SystemSharedMemory.Region> regions) {
        return Responses.json(HttpResponseStatus.OK, Json.write(alloc, out -> {
            out.writeStartArray();
            for (SystemSharedMemory.Region region : regions) {
                out.writeStartObject();
                out.writeStringField("name", region.name());
                out.writeStringField("key", region.key());
                out.writeNumberField("offset", region.offset());
                out.writeNumberField("byte_size", region.byteSize());
                out.writeEndObject();
            }
            out.writeEndArray();
        }));
    }
}
