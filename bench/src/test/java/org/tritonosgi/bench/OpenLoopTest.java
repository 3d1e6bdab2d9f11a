package org.tritonosgi.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The open-loop schedule against fake servers on a real event loop: counts, bounds and coordinated omission. */
class OpenLoopTest {

    private final EventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stopLoop() throws InterruptedException {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private LoadResult run(LoadSpec spec, OpenLoop.Sender sender) throws InterruptedException {
        OpenLoop schedule = new OpenLoop(loop, spec, sender);
        schedule.start();
        assertTrue(schedule.await(spec.deadline().toMillis(), TimeUnit.MILLISECONDS), "the run did not end");
        return schedule.tally().result();
    }

    @Test
    void everyRequestDueInTheMeasuredPartIsSentAndMeasuredOnce() throws InterruptedException {
        LoadResult result = run(LoadSpec.open(4, 2000, Duration.ofMillis(100), Duration.ofMillis(200)),
                (self, slot, dueAt) -> self.completed(slot, dueAt, true));
        assertEquals(400, result.requests());
        assertEquals(0, result.errors());
    }

    /**
     * One slot, 1000 requests/s, and the first measured answer held back 100 ms: a closed loop would record one
     * slow request among 300 (p99 unaffected); from the intended send times, the ~100 requests due during the
     * stall are all late, so p99 is close to the stall.
     */
    @Test
    void aStallIsChargedToEveryRequestDueDuringIt() throws InterruptedException {
        boolean[] stalled = {false};
        LoadResult result = run(LoadSpec.open(1, 1000, Duration.ZERO, Duration.ofMillis(300)),
                (self, slot, dueAt) -> {
                    if (!stalled[0]) {
                        stalled[0] = true;
                        loop.schedule(() -> self.completed(slot, dueAt, true), 100, TimeUnit.MILLISECONDS);
                    } else {
                        self.completed(slot, dueAt, true);
                    }
                });
        assertEquals(300, result.requests());
        assertTrue(result.p99() >= 80_000, "p99 " + result.p99() + " us");
    }

    @Test
    void maxRequestsEndsTheMeasuredPartEarly() throws InterruptedException {
        long start = System.nanoTime();
        LoadResult result = run(LoadSpec.open(2, 5000, Duration.ZERO, Duration.ofSeconds(20)).limitedTo(500),
                (self, slot, dueAt) -> self.completed(slot, dueAt, true));
        assertEquals(500, result.requests());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "ran for the whole 20 s");
    }

    @Test
    void requestsNeverAnsweredCountAsErrorsAtTheDrainDeadline() throws InterruptedException {
        LoadResult result = run(LoadSpec.open(2, 1000, Duration.ZERO, Duration.ofMillis(100)),
                (self, slot, dueAt) -> {
                });
        assertEquals(0, result.requests());
        assertEquals(100, result.errors(), "2 sent and never answered, 98 waiting for a slot");
    }

    @Test
    void failuresCountAsErrorsNotLatencies() throws InterruptedException {
        LoadResult result = run(LoadSpec.open(2, 1000, Duration.ZERO, Duration.ofMillis(100)),
                (self, slot, dueAt) -> self.completed(slot, dueAt, false));
        assertEquals(0, result.requests());
        assertEquals(100, result.errors());
    }
}
