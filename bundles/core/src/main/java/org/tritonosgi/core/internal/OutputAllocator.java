package org.tritonosgi.core.internal;

import static org.tritonosgi.core.internal.TritonLibrary.*;

import com.sun.jna.CallbackThreadInitializer;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tritonosgi.api.TritonException;

/**
 * The TRITONSERVER_ResponseAllocator of one server: Triton writes every output into a direct buffer of ours, found
 * again by its id ({@code buffer_userp}) when the response is read and given back to the pool on release. The
 * callbacks are fields, so they stay reachable as long as this allocator.
 */
final class OutputAllocator {

    private static final Logger LOG = LoggerFactory.getLogger(OutputAllocator.class);
    private static final int MEMORY_CPU = 0;
    private static final int MEMORY_CPU_PINNED = 1;

    private final BufferPool pool = new BufferPool();
    private final Map<Long, ByteBuffer> outstanding = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final Pointer handle;

    private final AllocFn allocFn = (allocator, tensorName, byteSize, memoryType, memoryTypeId, userp, buffer,
            bufferUserp, actualMemoryType, actualMemoryTypeId) -> {
        try {
            actualMemoryType.setInt(0, MEMORY_CPU);
            actualMemoryTypeId.setLong(0, 0);
            if (byteSize == 0) {
                buffer.setPointer(0, null);
                bufferUserp.setPointer(0, null);
                return null;
            }
            if (byteSize > Integer.MAX_VALUE - 8) {
                return TRITONSERVER_ErrorNew(TritonException.Code.UNSUPPORTED.ordinal(), "output '"
                        + Triton.string(tensorName) + "' of " + byteSize + " bytes is larger than a Java buffer");
            }
            ByteBuffer data = pool.acquire((int) byteSize);
            long id = ids.incrementAndGet();
            outstanding.put(id, data);
            buffer.setPointer(0, Native.getDirectBufferPointer(data));
            bufferUserp.setPointer(0, new Pointer(id));
            return null;
        } catch (Throwable e) {
            return TRITONSERVER_ErrorNew(TritonException.Code.INTERNAL.ordinal(),
                    "cannot allocate output '" + Triton.string(tensorName) + "': " + e);
        }
    };

    private final ReleaseFn releaseFn = (allocator, buffer, bufferUserp, byteSize, memoryType, memoryTypeId) -> {
        try {
            if (bufferUserp != null) {
                ByteBuffer data = outstanding.remove(Pointer.nativeValue(bufferUserp));
                if (data != null) {
                    pool.release(data);
                }
            }
        } catch (Throwable e) {
            LOG.warn("Triton native core: output buffer release failed", e);
        }
        return null;
    };

    OutputAllocator() {
        PointerByReference out = new PointerByReference();
        CallbackThreadInitializer attach = new CallbackThreadInitializer(true, false, "triton-callback");
        Native.setCallbackThreadInitializer(allocFn, attach);
        Native.setCallbackThreadInitializer(releaseFn, attach);
        Triton.check(TRITONSERVER_ResponseAllocatorNew(out, allocFn, releaseFn, null));
        handle = out.getValue();
    }

    Pointer handle() {
        return handle;
    }

    /**
     * The data of one output as our own buffer (no copy), or a heap copy when Triton used memory we did not give.
     */
    ByteBuffer view(Pointer base, long byteSize, int memoryType, Pointer bufferUserp) {
        if (byteSize == 0) {
            return ByteBuffer.allocate(0);
        }
        ByteBuffer ours = bufferUserp == null ? null : outstanding.get(Pointer.nativeValue(bufferUserp));
        if (ours != null && Pointer.nativeValue(Native.getDirectBufferPointer(ours)) == Pointer.nativeValue(base)) {
            return ours.duplicate().clear().limit((int) byteSize).slice();
        }
        if (memoryType != MEMORY_CPU && memoryType != MEMORY_CPU_PINNED) {
            throw new TritonException(TritonException.Code.UNSUPPORTED,
                    "output in memory type " + memoryType + " (not CPU) cannot be read");
        }
        return ByteBuffer.wrap(base.getByteArray(0, Math.toIntExact(byteSize)));
    }

    /** Buffers handed to Triton and not yet released. */
    int outstanding() {
        return outstanding.size();
    }

    void delete() {
        Triton.check(TRITONSERVER_ResponseAllocatorDelete(handle));
    }
}
