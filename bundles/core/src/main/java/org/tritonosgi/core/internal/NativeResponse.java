package org.tritonosgi.core.internal;

import static org.tritonosgi.core.internal.TritonLibrary.TRITONSERVER_InferenceResponseDelete;

import com.sun.jna.Pointer;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TRITONSERVER_InferenceResponse we own: deleted exactly once, by whoever comes first of the user closing the
 * response and the server stopping; after the server is deleted it is never touched.
 */
final class NativeResponse {

    private static final Logger LOG = LoggerFactory.getLogger(NativeResponse.class);

    private final Pointer handle;
    private final ServerGuard guard;
    private final Set<NativeResponse> open;
    private final AtomicBoolean deleted = new AtomicBoolean();

    NativeResponse(Pointer handle, ServerGuard guard, Set<NativeResponse> open) {
        this.handle = handle;
        this.guard = guard;
        this.open = open;
        open.add(this);
    }

    Pointer handle() {
        return handle;
    }

    void delete() {
        if (deleted.compareAndSet(false, true)) {
            try {
                guard.finish(server -> Triton.check(TRITONSERVER_InferenceResponseDelete(handle)));
            } catch (RuntimeException e) {
                LOG.warn("Triton native core: deleting a response failed: {}", e.getMessage());
            } finally {
                open.remove(this);
            }
        }
    }
}
