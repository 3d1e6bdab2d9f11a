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
}
