package org.tritonosgi.api.trace;

/**
 * A request a frontend traces: what the engine reports (as a {@link RequestTrace}) plus the frontend's own points.
 * A frontend calls {@link #received()} once the request is decoded and handed to the engine, {@link #responding()}
 * when the response starts to be written and {@link #sent(String)} once it is written or failed; the trace ends
 * with {@code sent}. Every method returns quickly, never throws, and later calls after {@code sent} are ignored.
 */
public interface RequestSpan extends RequestTrace {

    /** The request is read and decoded, and goes to the engine now. */
    void received();

    /** The engine's response is being encoded and written. */
    void responding();

    /**
     * The response is written (or the request failed).
     *
     * @param error null on success, else what the client was told
     */
    void sent(String error);
}
