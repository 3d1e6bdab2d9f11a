package org.tritonosgi.bench;

import java.time.Duration;
import java.util.Locale;

/**
 * How one load run drives a server. Closed loop ({@code rate == 0}): {@code concurrency} requests outstanding, each
 * re-sent as soon as it completes. Open loop: requests at a fixed {@code rate} whatever the server does, at most
 * {@code concurrency} outstanding (HTTP/1.1 connections, or gRPC calls) and the rest waiting their turn, latency
 * counted from each request's intended send time. Both warm up, then measure; the measured part ends after
 * {@code measure} or {@code maxRequests} measured requests, whichever comes first (a closed loop goes on past
 * {@code measure} until at least one measured request has completed).
 */
record LoadSpec(int concurrency, double rate, Duration warmup, Duration measure, long maxRequests) {

    LoadSpec {
        if (concurrency < 1 || rate < 0 || warmup.isNegative() || measure.isZero() || measure.isNegative()
                || maxRequests < 1) {
            throw new IllegalArgumentException("bad load: concurrency " + concurrency + ", rate " + rate
                    + ", warm-up " + warmup + ", measure " + measure + ", max requests " + maxRequests);
        }
    }

    static LoadSpec closed(int concurrency, Duration warmup, Duration measure) {
        return new LoadSpec(concurrency, 0, warmup, measure, Long.MAX_VALUE);
    }

    static LoadSpec open(int concurrency, double rate, Duration warmup, Duration measure) {
        if (rate <= 0) {
            throw new IllegalArgumentException("an open loop needs a rate > 0, not " + rate);
        }
        return new LoadSpec(concurrency, rate, warmup, measure, Long.MAX_VALUE);
    }

    /** The same load, measuring at most this many requests. */
    LoadSpec limitedTo(long requests) {
        return new LoadSpec(concurrency, rate, warmup, measure, requests);
    }

    boolean isOpen() {
        return rate > 0;
    }

    /** How the tables name this load: "closed 16" or "open 16 @ 25000/s". */
    String label() {
        return isOpen() ? String.format(Locale.ROOT, "open %d @ %.0f/s", concurrency, rate)
                : "closed " + concurrency;
    }

    /** How long a run may take before its generator gives up waiting: the schedule plus a drain allowance. */
    Duration deadline() {
        return warmup.plus(measure).plus(drain()).plus(Duration.ofSeconds(30));
    }

    /** After the last scheduled request, how long an open loop waits for the backlog before counting it as lost. */
    Duration drain() {
        return measure.compareTo(Duration.ofSeconds(1)) > 0 ? measure : Duration.ofSeconds(1);
    }
}
