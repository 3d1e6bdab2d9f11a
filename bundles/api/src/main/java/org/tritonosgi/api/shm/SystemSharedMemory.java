package org.tritonosgi.api.shm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;

/**
 * The system (POSIX) shared-memory regions clients registered with one server, shared by all its frontends as
 * Triton's shared-memory manager is: each region is a {@code /dev/shm} object (its key, as given to
 * {@code shm_open}) mapped once from an offset for a byte size. Inputs are read through the mapping, never copied;
 * outputs are written into it. Every use checks the bounds and that the object still exists and is large enough,
 * so a region removed or truncated by its client gives an error, not a fault. Thread-safe.
 */
public final class SystemSharedMemory {

    /** A registered region as the status endpoints show it. */
    public record Region(String name, String key, long offset, long byteSize) {
    }

    private record Mapped(Region region, Path file, MappedByteBuffer buffer) {
    }

    private final Path root;
    private final Map<String, Mapped> regions = new ConcurrentHashMap<>();

    /**
     * For engines that keep no regions: never returns.
     *
     * @throws TritonException UNSUPPORTED, always
     */
    public static SystemSharedMemory unsupported() {
        throw new TritonException(TritonException.Code.UNSUPPORTED, "system shared memory is not supported by this "
                + "engine");
    }

    /** Regions whose keys are objects of {@code /dev/shm}. */
    public SystemSharedMemory() {
        this(Path.of("/dev/shm"));
    }

    /** Regions whose keys name files in {@code root} (for systems that keep POSIX shared memory elsewhere). */
    public SystemSharedMemory(Path root) {
        this.root = root;
    }

    /**
     * Maps {@code byteSize} bytes of the object {@code key} from {@code offset} as region {@code name}.
     *
     * @throws TritonException ALREADY_EXISTS when the name is taken; INVALID_ARG when the key names no shared
     *                         memory object, or the object is smaller than offset + byte size
     */
    public void register(String name, String key, long offset, long byteSize) {
        if (name == null || name.isEmpty()) {
            throw TritonException.invalidArg("a shared memory region needs a name");
        }
        if (offset < 0 || byteSize < 0) {
            throw TritonException.invalidArg("shared memory region '" + name + "': offset and byte_size must not be "
                    + "negative");
        }
        if (byteSize > Integer.MAX_VALUE) {
            throw TritonException.invalidArg("shared memory region '" + name + "': byte_size " + byteSize
                    + " is larger than one region can be (" + Integer.MAX_VALUE + " bytes)");
        }
        Path file = file(key);
        synchronized (regions) {
            if (regions.containsKey(name)) {
                throw new TritonException(TritonException.Code.ALREADY_EXISTS, "shared memory region '" + name
                        + "' already in manager");
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long size = channel.size();
                if (offset > size || byteSize > size - offset) {
                    throw TritonException.invalidArg("failed to register shared memory region '" + name
                            + "': invalid args (offset " + offset + " + byte_size " + byteSize + " exceed the " + size
                            + " bytes of '" + key + "')");
                }
                MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, offset, byteSize);
                regions.put(name, new Mapped(new Region(name, key, offset, byteSize), file, buffer));
            } catch (NoSuchFileException e) {
                throw TritonException.invalidArg("Unable to open shared memory region: '" + key + "'");
            } catch (IOException | UnsupportedOperationException e) {
                throw TritonException.invalidArg("Unable to open shared memory region: '" + key + "' ("
                        + e.getMessage() + ")");
            }
        }
    }

    /** The object a key names: one name below the root, as shm_open takes it ({@code /name} or {@code name}). */
    private Path file(String key) {
        String name = key == null ? "" : key.startsWith("/") ? key.substring(1) : key;
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
                || name.indexOf('\0') >= 0) {
            throw TritonException.invalidArg("Unable to open shared memory region: '" + key + "' (a key is '/' and"
                    + " one name, as shm_open takes it)");
        }
        return root.resolve(name);
    }

    /** Forgets a region; an unknown name is no error, as in Triton. */
    public void unregister(String name) {
        regions.remove(name);
    }

    public void unregisterAll() {
        regions.clear();
    }

    /**
     * The regions, sorted by name: all of them, or the one named.
     *
     * @throws TritonException NOT_FOUND for a name that is not registered
     */
    public List<Region> status(String name) {
        if (name != null) {
            return List.of(mapped(name).region());
        }
        List<Region> all = new ArrayList<>();
        new TreeMap<>(regions).values().forEach(mapped -> all.add(mapped.region()));
        return all;
    }

    private Mapped mapped(String name) {
        Mapped mapped = regions.get(name);
        if (mapped == null) {
            throw new TritonException(TritonException.Code.NOT_FOUND, "Unable to find system shared memory region: '"
                    + name + "'");
        }
        return mapped;
    }

    /**
     * The bytes {@code [offset, offset + byteSize)} of a region, checked against the region and its object.
     *
     * @param tensor what the bytes are for, as messages name it (e.g. "input 'INPUT0'")
     * @throws TritonException INVALID_ARG for an unknown region, bounds outside it, or an object removed or
     *                         truncated since it was registered
     */
    private ByteBuffer slice(String name, long offset, long byteSize, String tensor) {
        Mapped mapped = regions.get(name);
        if (mapped == null) {
            throw TritonException.invalidArg(tensor + ": Unable to find shared memory region: '" + name + "'");
        }
        Region region = mapped.region();
        if (offset >= 0 && byteSize >= 0 && offset > Long.MAX_VALUE - byteSize) {
            throw TritonException.invalidArg(tensor + ": Integer overflow detected: byte_size (" + byteSize
                    + ") + offset (" + offset + ") exceeds maximum value (" + Long.MAX_VALUE + ") for region '" + name
                    + "'");
        }
        if (offset < 0 || byteSize < 0 || offset > region.byteSize() || byteSize > region.byteSize() - offset) {
            throw TritonException.invalidArg(tensor + ": Invalid offset + byte size for shared memory region: '"
                    + name + "' (offset " + offset + " + byte size " + byteSize + " exceed its " + region.byteSize()
                    + " bytes)");
        }
        long size;
        try {
            size = Files.size(mapped.file());
        } catch (IOException e) {
            size = -1;
        }
        if (size < region.offset() + offset + byteSize) {
            throw TritonException.invalidArg(tensor + ": shared memory region '" + name + "' (key '" + region.key()
                    + "') was removed or truncated after it was registered; unregister it and register it again");
        }
        return mapped.buffer().slice((int) offset, (int) byteSize);
    }

    /**
     * An input's bytes: a read-only view of the mapping, not a copy.
     *
     * @throws TritonException INVALID_ARG as {@link #slice}
     */
    public ByteBuffer read(String name, long offset, long byteSize, String tensor) {
        return slice(name, offset, byteSize, tensor).asReadOnlyBuffer();
    }

    /**
     * Copies an output into a region.
     *
     * @param byteSize the bytes the client set aside for it
     * @throws TritonException INVALID_ARG as {@link #slice}, or when the output does not fit
     */
    public void write(String name, long offset, long byteSize, Tensor output) {
        ByteBuffer target = slice(name, offset, byteSize, "output '" + output.name() + "'");
        if (output.byteSize() > byteSize) {
            throw TritonException.invalidArg("shared memory size specified with the request for output '"
                    + output.name() + "' (" + byteSize + " bytes) should be at least " + output.byteSize()
                    + " bytes to hold the results");
        }
        target.put(output.data());
    }
}
