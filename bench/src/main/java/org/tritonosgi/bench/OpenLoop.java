package org.tritonosgi.bench;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An open-loop schedule, free of coordinated omission: request k is due at {@code start + k / rate} whatever the
 * server does. A due request goes out on an idle slot (an HTTP/1.1 connection, a gRPC call) if there is one and
 * otherwise waits in a backlog for the next slot to free up; its latency always counts from when it was due, so a
 * server stall is charged to every request scheduled during it (as wrk2 does). Everything runs on one event loop:
 * the ticks, the sends and the completions (completions from another thread are handed to it).
 *
 * <p>Bounded: {@code rate x warm-up} warm-up requests, then {@code rate x measure} measured ones (at most
 * {@link LoadSpec#maxRequests()}); after the last is due, the backlog gets {@link LoadSpec#drain()} to finish, and
 * whatever is still unsent or unanswered then counts as errors. Issuing stops after {@link Tally#MAX_ERRORS}.
 */
final class OpenLoop {

    /** Sends the request due at {@code dueAt} on a slot; its completion must come back to {@link #completed}. */
    interface Sender {
        void send(OpenLoop schedule, int slot, long dueAt);
    }

    private final EventExecutor loop;
    private final Sender sender;
    private final long start;
    private final double interval;
    private final long drain;
    private final Tally tally;
    private final CountDownLatch done = new CountDownLatch(1);
    private final int[] idle;
    private final LongQueue backlog = new LongQueue();
    private long total;
    private int idleCount;
    private long issued;
    private int outstanding;
    private boolean finished;

    OpenLoop(EventExecutor loop, LoadSpec spec, Sender sender) {
        if (!spec.isOpen()) {
            throw new IllegalArgumentException("not an open-loop load: " + spec);
        }
        this.loop = loop;
        this.sender = sender;
        this.interval = 1e9 / spec.rate();
        long warm = (long) Math.ceil(spec.rate() * spec.warmup().toNanos() / 1e9);
        long measured = Math.max(1, Math.min(spec.maxRequests(), (long) (spec.rate() * spec.measure().toNanos()
                / 1e9)));
        this.total = warm + measured;
        this.drain = spec.drain().toNanos();
        this.start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
        this.tally = new Tally(dueAt(warm));
        this.idle = new int[spec.concurrency()];
        for (int slot = spec.concurrency() - 1; slot >= 0; slot--) {
            idle[idleCount++] = slot;
        }
    }

    Tally tally() {
        return tally;
    }

    private long dueAt(long k) {
        return start + (long) (k * interval);
    }

    /** Starts the schedule and the footprint, and arms the drain deadline. */
    void start() {
        tally.startFootprintAt(loop);
        loop.execute(this::tick);
        loop.schedule(this::expire, dueAt(total - 1) + drain - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    /** @return whether the run finished (all answered, or expired) within the wait */
    boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return done.await(timeout, unit);
    }

    private void tick() {
        if (finished) {
            return;
        }
        long now = System.nanoTime();
        while (issued < total && dueAt(issued) <= now) {
            backlog.add(dueAt(issued++));
        }
        dispatch();
        if (issued < total) {
            loop.schedule(this::tick, dueAt(issued) - System.nanoTime(), TimeUnit.NANOSECONDS);
        } else {
            finishIfDone();
        }
    }

    private void dispatch() {
        while (idleCount > 0 && !backlog.isEmpty() && !finished) {
            outstanding++;
            sender.send(this, idle[--idleCount], backlog.poll());
        }
    }

    /** A request on {@code slot}, due at {@code dueAt}, was answered ({@code ok}) or failed. */
    void completed(int slot, long dueAt, boolean ok) {
        long now = System.nanoTime();
        if (!loop.inEventLoop()) {
            loop.execute(() -> completed(slot, dueAt, ok, now));
        } else {
            completed(slot, dueAt, ok, now);
        }
    }

    private void completed(int slot, long dueAt, boolean ok, long now) {
        if (finished) {
            return;
        }
        outstanding--;
        if (ok) {
            tally.record(dueAt, now);
        } else {
            tally.error();
            if (tally.tooManyErrors()) {
                total = issued;
                backlog.clear();
            }
        }
        idle[idleCount++] = slot;
        dispatch();
        finishIfDone();
    }

    private void finishIfDone() {
        if (!finished && issued == total && backlog.isEmpty() && outstanding == 0) {
            finished = true;
            done.countDown();
        }
    }

    /** The drain deadline: what is still waiting or in flight is lost. */
    private void expire() {
        if (!finished) {
            tally.errors(backlog.size() + outstanding + (total - issued));
            finished = true;
            done.countDown();
        }
    }

    /** A growable ring of longs: the due times waiting for a slot, without boxing. */
    private static final class LongQueue {
        private long[] items = new long[1024];
        private int head;
        private int size;

        void add(long value) {
            if (size == items.length) {
                long[] bigger = new long[items.length * 2];
                for (int i = 0; i < size; i++) {
                    bigger[i] = items[(head + i) % items.length];
                }
                items = bigger;
                head = 0;
            }
            items[(head + size++) % items.length] = value;
        }

        long poll() {
            long value = items[head];
            head = (head + 1) % items.length;
            size--;
            return value;
        }

        boolean isEmpty() {
            return size == 0;
        }

        int size() {
            return size;
        }

        void clear() {
            head = 0;
            size = 0;
        }
    }
}
