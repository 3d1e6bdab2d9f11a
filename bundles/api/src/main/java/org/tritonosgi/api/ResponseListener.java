package org.tritonosgi.api;

/**
 * Receives the responses of one request to a decoupled model, which may send zero or more responses. Calls for
 * one request never overlap. After any number of {@link #onResponse} calls, exactly one of {@link #onComplete}
 * or {@link #onError} ends the request.
 */
public interface ResponseListener {

    /** One response; the listener owns it and must close it. */
    void onResponse(InferenceResponse response);

    /** The request ended normally; no more calls follow. */
    void onComplete();

    /** The request failed; no more calls follow. */
    void onError(TritonException error);

    /**
     * Whether the receiver no longer wants this request's responses, because its client went away or stopped
     * reading them. Engines that can cancel poll it: a request still queued, or a decoupled request before its
     * next response, then ends with {@link #onError} and code CANCELLED instead of running on. Engines that cannot
     * keep calling, and the listener drops what arrives. Called from engine threads, so it must be cheap and
     * thread-safe; once true it stays true.
     *
     * @since 1.1
     */
    default boolean isCancelled() {
        return false;
    }
}
