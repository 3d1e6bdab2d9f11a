package org.tritonosgi.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole process's resident memory from {@code /proc/self/status} (Linux): VmRSS now and VmHWM, its peak. The
 * peak can be reset (writing 5 to {@code /proc/self/clear_refs}, Linux 4.0+) so that it covers one scenario; where
 * that is refused it stays the peak since the process started. Servers, echo and load generator share the process.
 */
final class ProcessMemory {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private ProcessMemory() {
    }

    /** Resident set size now, in KiB, or -1 where /proc is not there. */
    static long rssKiB() {
        return field("VmRSS:");
    }

    /**
     * Peak resident set size since the last {@link #resetPeak()} (or the start), in KiB, or -1. The kernel updates
     * VmHWM lazily (on unmap and exit), so it can lag behind VmRSS read just now: the larger of the two is the peak.
     */
    static long peakRssKiB() {
        long highWater = field("VmHWM:");
        return highWater < 0 ? -1 : Math.max(highWater, field("VmRSS:"));
    }

    /** @return whether the kernel accepted the reset; if not, the peak keeps counting from the process start */
    static boolean resetPeak() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    private static long field(String name) {
        if (!Files.isReadable(STATUS)) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(name)) {
                    // "VmRSS:	  123456 kB"
                    return Long.parseLong(line.substring(name.length()).replace("kB", "").trim());
                }
            }
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + STATUS, e);
        }
    }
}
