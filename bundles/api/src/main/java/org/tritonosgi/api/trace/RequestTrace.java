package org.tritonosgi.api.trace;

/**
 * The points of one request's way through an engine that a trace records, as Triton's trace timestamps do: the
 * engine calls them in this order, each at most once, from any thread; a request not traced has {@link #NONE}.
 * Implementations return quickly and never throw.
 */
public interface RequestTrace {

    /** A trace that records nothing. */
    RequestTrace NONE = new RequestTrace() {
    };

    /** The engine accepted the request into its model's queue. */
    default void queued() {
    }

    /** An execution holding the request started (its queue wait ends here). */
    default void computeStarted() {
    }

    /** That execution ended: the outputs exist (or it failed). */
    default void computeEnded() {
    }
}
