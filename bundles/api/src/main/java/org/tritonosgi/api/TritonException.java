package org.tritonosgi.api;

/**
 * The one error type of the API. It carries one of Triton's error codes, which each frontend maps to an HTTP
 * status or gRPC status in a single table, and a message meant for the client.
 */
public class TritonException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Triton's error codes ({@code TRITONSERVER_Error_Code}). */
    public enum Code {
        UNKNOWN, INTERNAL, NOT_FOUND, INVALID_ARG, UNAVAILABLE, UNSUPPORTED, ALREADY_EXISTS, CANCELLED
    }

    private final Code code;

    public TritonException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public TritonException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }

    /** Shorthand for an INVALID_ARG error, the code for every mistake in a request. */
    public static TritonException invalidArg(String message) {
        return new TritonException(Code.INVALID_ARG, message);
    }

    /** Shorthand for an UNAVAILABLE error: the server, or the model, cannot take the request now. */
    public static TritonException unavailable(String message) {
        return new TritonException(Code.UNAVAILABLE, message);
    }

    /**
     * The TritonException behind a failure from a {@code CompletionStage}, or an INTERNAL one wrapping it;
     * unwraps {@code CompletionException} and {@code ExecutionException}. The INTERNAL one's message names no
     * class or detail (clients must not learn the server's internals); frontends log its cause.
     */
    public static TritonException of(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof TritonException triton) {
            return triton;
        }
        return new TritonException(Code.INTERNAL, "internal error (the server log has the details)", t);
    }
}
