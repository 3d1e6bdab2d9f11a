package org.tritonosgi.bench;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The accounts of one load run: latencies of the measured requests (those due at or after {@link #measureFrom})
 * in an HdrHistogram, completions, errors, the time of the last measured completion, and the {@link Footprint} of
 * the measured part. Safe to record from any thread.
 */
final class Tally {

    /** After this many errors a run stops issuing requests (a dead server must not make a busy loop). */
    static final long MAX_ERRORS = 1000;

    final long measureFrom;
    private final Recorder recorder = new Recorder(3);
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private volatile long lastCompletion;
    private volatile Footprint footprint;

    Tally(long measureFrom) {
        this.measureFrom = measureFrom;
        this.lastCompletion = measureFrom;
    }

    /** Starts the footprint when the measured part begins: now if it already has, else on the loop at that time. */
    void startFootprintAt(EventExecutor loop) {
        long delay = measureFrom - System.nanoTime();
        if (delay <= 0) {
            footprint = Footprint.start();
        } else {
            loop.schedule(() -> {
                footprint = Footprint.start();
            }, delay, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * @param from when the request was sent (closed loop) or was due to be sent (open loop)
     */
    void record(long from, long now) {
        if (from >= measureFrom) {
            recorder.recordValue(Math.max(0, now - from));
            completed.incrementAndGet();
            lastCompletion = now;
        }
    }

    /** Whether a request of the measured part has completed; a closed loop goes on past its end until one has. */
    boolean measuredAny() {
        return completed.get() > 0;
    }

    void error() {
        errors.incrementAndGet();
    }

    void errors(long count) {
        errors.addAndGet(count);
    }

    long errorCount() {
        return errors.get();
    }

    boolean tooManyErrors() {
        return errors.get() >= MAX_ERRORS;
    }

    /** Ends the footprint and turns the counts into a result; throughput over the measured part as it ran. */
    LoadResult result() {
        Footprint started = footprint;
        Footprint.Result memory = started == null ? Footprint.Result.NONE : started.stop();
        Histogram histogram = recorder.getIntervalHistogram();
        long count = completed.get();
        double seconds = (lastCompletion - measureFrom) / 1e9;
        return new LoadResult(seconds > 0 ? count / seconds : 0, histogram.getValueAtPercentile(50) / 1000.0,
                histogram.getValueAtPercentile(99) / 1000.0, histogram.getValueAtPercentile(99.9) / 1000.0, count,
                errors.get(), memory);
    }
}
