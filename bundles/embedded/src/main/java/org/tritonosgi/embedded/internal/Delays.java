package org.tritonosgi.embedded.internal;

import java.util.concurrent.TimeUnit;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.TritonException;

/** The {@code delay_ms} request parameter the built-in backends honour, for tests and benchmarks. */
final class Delays {

    static final String DELAY_PARAMETER = "delay_ms";

    /** The longest delay a request may ask for: any client can send the parameter, and a delay holds a thread. */
    static final long MAX_DELAY_MS = 10_000;

    private Delays() {
    }

    /** Sleeps for the request's delay_ms, if it has one. */
    static void apply(InferenceRequest request) {
        Object delay = request.parameters().get(DELAY_PARAMETER);
        if (delay == null) {
            return;
        }
        if (!(delay instanceof Long millis) || millis < 0 || millis > MAX_DELAY_MS) {
            throw TritonException.invalidArg("request parameter '" + DELAY_PARAMETER
                    + "' must be an integer from 0 to " + MAX_DELAY_MS + " (milliseconds), got " + delay);
        }
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TritonException(TritonException.Code.CANCELLED, "execution interrupted: server exiting");
        }
    }
}
