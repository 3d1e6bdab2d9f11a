package org.tritonosgi.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Server-side allocation counts every thread but the load generator's; RSS comes from /proc where it exists. */
class FootprintTest {

    private static volatile Object sink;

    /** Starts a thread that allocates {@code bytes} and stays alive until {@code release} (dead threads lose theirs). */
    private static Thread allocating(String name, long bytes, CountDownLatch allocated, CountDownLatch release) {
        Thread thread = new Thread(() -> {
            for (long done = 0; done < bytes; done += 1 << 20) {
                sink = new byte[1 << 20];
            }
            allocated.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        thread.start();
        return thread;
    }

    @Test
    void allocationOnAServerThreadCountsAndOnTheLoadGeneratorsDoesNot() throws InterruptedException {
        Footprint footprint = Footprint.start();
        CountDownLatch allocated = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        Thread server = allocating("server-worker", 16L << 20, allocated, release);
        Thread load = allocating(Footprint.LOAD_THREADS + "-test", 256L << 20, allocated, release);
        allocated.await();
        Footprint.Result result = footprint.stop();
        release.countDown();
        server.join();
        load.join();
        assertTrue(result.allocatedBytes() >= 16L << 20, "server thread's 16 MiB missing: " + result);
        assertTrue(result.allocatedBytes() < 128L << 20, "load generator's 256 MiB counted: " + result);
    }

    @Test
    void peakRssIsAtLeastWhatIsResidentNow() {
        long rss = ProcessMemory.rssKiB();
        if (rss < 0) {
            return; // no /proc here: nothing to read, and the tables print "?"
        }
        assertTrue(rss > 0);
        assertTrue(ProcessMemory.peakRssKiB() >= rss, "peak below the RSS read before it");
    }
}
