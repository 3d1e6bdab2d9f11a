package org.tritonosgi.core.internal;

import static org.tritonosgi.core.internal.TritonLibrary.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.jna.CallbackThreadInitializer;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.ResponseListener;
import org.tritonosgi.api.TritonException;

/**
 * One TRITONSERVER_Server and everything that lives with it: the guard around its handle, the response
 * allocator, the request callbacks (fields, reachable as long as this object) and the requests and responses in
 * flight. {@link #close} drains, stops and deletes in the order the C API asks for.
 */
final class NativeServer {

    private static final Logger LOG = LoggerFactory.getLogger(NativeServer.class);
    private static final int RELEASE_ALL = 1;
    private static final int COMPLETE_FINAL = 1;

    /**
     * Servers whose stop timed out: Triton may still call their callbacks, so they must never be collected. The one
     * piece of static state, kept on purpose: freeing a callback C still holds would crash the JVM.
     */
    private static final Set<NativeServer> ABANDONED = ConcurrentHashMap.newKeySet();

    private final ServerGuard guard;
    private final OutputAllocator allocator;
    private final Map<Long, InFlight> inflight = new ConcurrentHashMap<>();
    private final Set<NativeResponse> openResponses = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();

    private final ResponseCompleteFn responseFn = (response, flags, userp) -> {
        try {
            onResponse(response, flags, Pointer.nativeValue(userp));
        } catch (Throwable e) {
            LOG.error("Triton native core: response callback failed", e);
        }
    };

    private final RequestReleaseFn releaseFn = (request, flags, userp) -> {
        try {
            onRelease(request, flags, Pointer.nativeValue(userp));
        } catch (Throwable e) {
            LOG.error("Triton native core: request release callback failed", e);
        }
    };

    private NativeServer(Pointer server, OutputAllocator allocator) {
        this.guard = new ServerGuard(server);
        this.allocator = allocator;
        // Triton's threads call back often: keep them attached to the JVM instead of attaching per call
        CallbackThreadInitializer attach = new CallbackThreadInitializer(true, false, "triton-callback");
        Native.setCallbackThreadInitializer(responseFn, attach);
        Native.setCallbackThreadInitializer(releaseFn, attach);
    }

    /** Creates the server from checked settings; the library must be registered and its version checked. */
    static NativeServer start(Settings settings) {
        Pointer server;
        PointerByReference out = new PointerByReference();
        Triton.check(TRITONSERVER_ServerOptionsNew(out));
        Pointer options = out.getValue();
        try {
            ServerOptions.apply(options, settings);
            Triton.check(TRITONSERVER_ServerNew(out, options));
            server = out.getValue();
        } finally {
            Triton.check(TRITONSERVER_ServerOptionsDelete(options));
        }
        try {
            return new NativeServer(server, new OutputAllocator());
        } catch (RuntimeException e) {
            Triton.check(TRITONSERVER_ServerDelete(server));
            throw e;
        }
    }

    /** Runs new work on the live server (UNAVAILABLE "Server exiting" once stopping began). */
    <T> T call(Function<Pointer, T> work) {
        return guard.call(work);
    }

    /** Runs a query returning a TRITONSERVER_Message and parses it. */
    JsonNode query(BiFunction<Pointer, PointerByReference, Pointer> query) {
        return guard.call(server -> {
            PointerByReference message = new PointerByReference();
            Triton.check(query.apply(server, message));
            return Triton.json(message);
        });
    }

    /** Sends one request; results, including every failure, reach the listener. */
    void infer(String model, long version, InferenceRequest request, ResponseListener listener) {
        try {
            guard.startRequest();
        } catch (TritonException e) {
            listener.onError(e);
            return;
        }
        long id = ids.incrementAndGet();
        List<Object> keepAlive = new ArrayList<>(request.inputs().size());
        InFlight state = new InFlight(listener, keepAlive);
        inflight.put(id, state);
        try {
            boolean live = guard.finish(server -> {
                Pointer handle = RequestWriter.write(server, model, version, request, keepAlive);
                try {
                    Pointer userp = new Pointer(id);
                    Triton.check(TRITONSERVER_InferenceRequestSetReleaseCallback(handle, releaseFn, userp));
                    Triton.check(TRITONSERVER_InferenceRequestSetResponseCallback(handle, allocator.handle(), userp,
                            responseFn, userp));
                    Triton.check(TRITONSERVER_ServerInferAsync(server, handle, null));
                } catch (RuntimeException e) {
                    Triton.check(TRITONSERVER_InferenceRequestDelete(handle));
                    throw e;
                }
            });
            if (!live) {
                throw TritonException.unavailable("Server exiting");
            }
        } catch (RuntimeException e) {
            inflight.remove(id);
            guard.endRequest();
            state.fail(TritonException.of(e));
        }
    }

    private void onResponse(Pointer response, int flags, long id) {
        InFlight state = inflight.get(id);
        boolean last = (flags & COMPLETE_FINAL) != 0;
        if (response != null) {
            NativeResponse owned = new NativeResponse(response, guard, openResponses);
            if (state == null) {
                owned.delete();
            } else {
                deliver(state, owned, last);
            }
        }
        if (last && state != null) {
            state.complete();
            if (state.finished()) {
                end(id);
            }
        }
    }

    private void deliver(InFlight state, NativeResponse owned, boolean last) {
        TritonException[] failure = new TritonException[1];
        org.tritonosgi.api.InferenceResponse[] read = new org.tritonosgi.api.InferenceResponse[1];
        boolean live = guard.finish(server -> {
            try {
                failure[0] = ResponseReader.error(owned.handle());
                if (failure[0] == null) {
                    read[0] = ResponseReader.read(owned.handle(), last, allocator, owned::delete);
                }
            } catch (TritonException e) {
                failure[0] = e;
            }
        });
        if (!live) {
            failure[0] = TritonException.unavailable("Server exiting");
        }
        if (failure[0] != null) {
            owned.delete();
            state.fail(failure[0]);
        } else {
            state.response(read[0]);
        }
    }

    private void onRelease(Pointer request, int flags, long id) {
        if ((flags & RELEASE_ALL) == 0) {
            return;
        }
        guard.finish(server -> Triton.check(TRITONSERVER_InferenceRequestDelete(request)));
        InFlight state = inflight.get(id);
        if (state != null && state.released()) {
            end(id);
        }
    }

    private void end(long id) {
        if (inflight.remove(id) != null) {
            guard.endRequest();
        }
    }

    int inflight() {
        return guard.inflight();
    }

    /**
     * Refuses new work, waits up to the exit timeout for requests in flight, deletes the responses still open,
     * stops and deletes the server and the allocator. If Triton's own stop times out, the server is abandoned
     * (never deleted, callbacks kept) rather than freed under running work.
     *
     * @return whether everything was freed
     */
    boolean close(Duration exitTimeout) {
        boolean drained = guard.stopAccepting(exitTimeout);
        if (!drained) {
            LOG.warn("Triton native core: {} request(s) still in flight after exit.timeout of {} s",
                    guard.inflight(), exitTimeout.toSeconds());
        }
        List.copyOf(openResponses).forEach(NativeResponse::delete);
        TritonException stopFailure = null;
        try {
            guard.finish(server -> Triton.check(TRITONSERVER_ServerStop(server)));
        } catch (TritonException e) {
            stopFailure = e;
        }
        if (stopFailure != null) {
            ABANDONED.add(this);
            LOG.error("Triton native core: TRITONSERVER_ServerStop failed ({}); the server is left running and not "
                    + "freed, so no callback can reach freed memory", stopFailure.getMessage());
            return false;
        }
        List.copyOf(openResponses).forEach(NativeResponse::delete);
        guard.delete(server -> {
            Triton.check(TRITONSERVER_ServerDelete(server));
            allocator.delete();
        });
        ABANDONED.remove(this);
        return true;
    }
}
