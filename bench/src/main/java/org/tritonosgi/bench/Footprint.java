package org.tritonosgi.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.HashMap;
import java.util.Map;

/**
 * What the measured part of a load run costs the process: heap bytes allocated by every live thread except the
 * load generator's (named {@value #LOAD_THREADS}*), from {@code com.sun.management.ThreadMXBean
 * .getThreadAllocatedBytes}, and the process's peak RSS over the part. Heap only: Netty's pooled direct buffers and
 * native memory show up in RSS, not here. A thread that ends during the part takes its bytes with it (servers'
 * threads live for the whole run).
 */
final class Footprint {

    /** Name prefix of the load generator's threads, whose allocations are the client's, not the server's. */
    static final String LOAD_THREADS = "bench-load";

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Server-side heap allocation and process memory over the measured part. */
    record Result(long allocatedBytes, double seconds, long peakRssKiB, boolean peakIsPerRun) {

        static final Result NONE = new Result(0, 0, -1, false);

        double allocatedMiBPerSecond() {
            return seconds > 0 ? allocatedBytes / seconds / (1 << 20) : 0;
        }
    }

    private final Map<Long, Long> start;
    private final long startedAt;
    private final boolean peakReset;

    private Footprint(Map<Long, Long> start, long startedAt, boolean peakReset) {
        this.start = start;
        this.startedAt = startedAt;
        this.peakReset = peakReset;
    }

    /** Resets the RSS peak and notes every server thread's allocation counter. */
    static Footprint start() {
        boolean reset = ProcessMemory.resetPeak();
        return new Footprint(serverThreadBytes(), System.nanoTime(), reset);
    }

    Result stop() {
        long allocated = 0;
        for (Map.Entry<Long, Long> thread : serverThreadBytes().entrySet()) {
            allocated += thread.getValue() - start.getOrDefault(thread.getKey(), 0L);
        }
        return new Result(allocated, (System.nanoTime() - startedAt) / 1e9, ProcessMemory.peakRssKiB(), peakReset);
    }

    /** Allocated bytes so far of each live thread that is not the load generator's, by thread id. */
    static Map<Long, Long> serverThreadBytes() {
        long[] ids = THREADS.getAllThreadIds();
        ThreadInfo[] infos = THREADS.getThreadInfo(ids, 0);
        long[] bytes = THREADS.getThreadAllocatedBytes(ids);
        Map<Long, Long> result = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] != null && bytes[i] >= 0 && !infos[i].getThreadName().startsWith(LOAD_THREADS)) {
                result.put(ids[i], bytes[i]);
            }
        }
        return result;
    }
}
