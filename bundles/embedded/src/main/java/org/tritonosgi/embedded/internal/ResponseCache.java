package org.tritonosgi.embedded.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.RequestedOutput;
import org.tritonosgi.api.Tensor;

/**
 * Triton's local response cache: responses of models with {@code response_cache { enable: true }}, keyed on model,
 * version and a SHA-256 of the request's inputs (names, datatypes, shapes, bytes) and requested outputs, kept in
 * least-recently-used order within {@code response.cache.size} bytes of output data. Outputs are copied in and
 * shared read-only on hits, so nothing a client or backend holds is kept.
 */
final class ResponseCache {

    /** What an entry costs beyond its output bytes (names, shapes, the map's own objects), estimated. */
    static final int ENTRY_OVERHEAD = 256;

    record Key(String model, long version, byte[] digest) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && key.version == version && key.model.equals(model)
                    && Arrays.equals(key.digest, digest);
        }

        @Override
        public int hashCode() {
            return model.hashCode() * 31 + Arrays.hashCode(digest);
        }
    }

    private record Entry(List<Tensor> outputs, long bytes) {
    }

    private final long capacity;
    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long used;
    private long hits;
    private long misses;
    private long evictions;

    /** @param capacity bytes the cached outputs may take; 0 disables the cache */
    ResponseCache(long capacity) {
        this.capacity = capacity;
    }

    boolean enabled() {
        return capacity > 0;
    }

    static Key key(String model, long version, InferenceRequest request) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        ByteBuffer number = ByteBuffer.allocate(8);
        for (Tensor input : request.inputs()) {
            text(digest, input.name());
            text(digest, input.dataType().name());
            long[] shape = input.shape();
            digest.update(number.clear().putLong(shape.length).flip());
            for (long dim : shape) {
                digest.update(number.clear().putLong(dim).flip());
            }
            digest.update(number.clear().putLong(input.byteSize()).flip());
            digest.update(input.data());
        }
        for (RequestedOutput output : request.outputs()) {
            text(digest, output.name());
            digest.update(number.clear().putLong(output.classificationCount()).flip());
        }
        return new Key(model, version, digest.digest());
    }

    private static void text(MessageDigest digest, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(4).putInt(bytes.length).flip());
        digest.update(bytes);
    }

    /** The cached outputs, or null on a miss. */
    synchronized List<Tensor> get(Key key) {
        Entry entry = entries.get(key);
        if (entry == null) {
            misses++;
            return null;
        }
        hits++;
        return entry.outputs();
    }

    /** Copies the outputs in, evicting the least recently used entries to make room; too large ones stay out. */
    void put(Key key, List<Tensor> outputs) {
        long bytes = ENTRY_OVERHEAD;
        for (Tensor output : outputs) {
            bytes += output.byteSize();
        }
        if (bytes > capacity) {
            return;
        }
        List<Tensor> copies = new ArrayList<>(outputs.size());
        for (Tensor output : outputs) {
            ByteBuffer copy = ByteBuffer.allocate(output.byteSize()).put(output.data()).flip();
            copies.add(new Tensor(output.name(), output.dataType(), output.shape(), copy.asReadOnlyBuffer()));
        }
        synchronized (this) {
            Entry previous = entries.put(key, new Entry(List.copyOf(copies), bytes));
            used += bytes - (previous == null ? 0 : previous.bytes());
            for (Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator(); used > capacity
                    && it.hasNext(); ) {
                used -= it.next().getValue().bytes();
                it.remove();
                evictions++;
            }
        }
    }

    /** Figures for metrics: entries, bytes used, capacity, lookups that hit and missed, evictions. */
    record Figures(long entries, long used, long capacity, long hits, long misses, long evictions) {
    }

    synchronized Figures figures() {
        return new Figures(entries.size(), used, capacity, hits, misses, evictions);
    }
}
