package org.tritonosgi.core.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Direct buffers for response outputs, reused by power-of-two size class up to {@link #MAX_POOLED} bytes. Larger
 * buffers are not pooled; the garbage collector frees them once no view is left, so a late reader never touches
 * freed memory.
 */
final class BufferPool {

    static final int MIN_POOLED = 64;
    static final int MAX_POOLED = 1 << 20;
    private static final int PER_CLASS = 64;

    private final ConcurrentLinkedQueue<ByteBuffer>[] classes;
    private final AtomicInteger[] sizes;

    @SuppressWarnings("unchecked")
    BufferPool() {
        int count = Integer.numberOfTrailingZeros(MAX_POOLED) - Integer.numberOfTrailingZeros(MIN_POOLED) + 1;
        classes = new ConcurrentLinkedQueue[count];
        sizes = new AtomicInteger[count];
        for (int i = 0; i < count; i++) {
            classes[i] = new ConcurrentLinkedQueue<>();
            sizes[i] = new AtomicInteger();
        }
    }

    /** A little-endian direct buffer with at least this capacity, position 0, limit = byteSize. */
    ByteBuffer acquire(int byteSize) {
        int index = classOf(byteSize);
        ByteBuffer buffer = null;
        if (index >= 0) {
            buffer = classes[index].poll();
            if (buffer != null) {
                sizes[index].decrementAndGet();
            } else {
                buffer = ByteBuffer.allocateDirect(MIN_POOLED << index);
            }
        } else {
            buffer = ByteBuffer.allocateDirect(byteSize);
        }
        return buffer.clear().limit(byteSize).order(ByteOrder.LITTLE_ENDIAN);
    }

    void release(ByteBuffer buffer) {
        int index = classOf(buffer.capacity());
        if (index >= 0 && buffer.capacity() == MIN_POOLED << index && sizes[index].incrementAndGet() <= PER_CLASS) {
            classes[index].offer(buffer);
        } else if (index >= 0 && buffer.capacity() == MIN_POOLED << index) {
            sizes[index].decrementAndGet();
        }
    }

    private static int classOf(int byteSize) {
        if (byteSize > MAX_POOLED) {
            return -1;
        }
        int rounded = Math.max(MIN_POOLED, Integer.highestOneBit(Math.max(1, byteSize - 1)) << 1);
        return Integer.numberOfTrailingZeros(rounded) - Integer.numberOfTrailingZeros(MIN_POOLED);
    }
}
