package org.tritonosgi.grpc.internal;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tritonosgi.api.TritonException;

/** The one table mapping Triton error codes to gRPC status codes, and failures to the status a call ends with. */
final class GrpcErrors {

    private static final Logger LOG = LoggerFactory.getLogger(GrpcErrors.class);

    /**
     * The most bytes a status description may take on the wire. It travels percent-encoded in the grpc-message
     * trailer, and clients refuse trailers past their metadata limit (8 KiB in grpc-java and gRPC C++), so an
     * error echoing a hostile 100 000-character model name would reach the client as an HTTP/2 failure instead.
     */
    static final int MAX_DESCRIPTION_BYTES = 4096;

    private GrpcErrors() {
    }

    /** Triton's gRPC status code for an error code. */
    static Status.Code code(TritonException.Code code) {
        return switch (code) {
            case INVALID_ARG -> Status.Code.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.Code.NOT_FOUND;
            case UNAVAILABLE -> Status.Code.UNAVAILABLE;
            case UNSUPPORTED -> Status.Code.UNIMPLEMENTED;
            case INTERNAL -> Status.Code.INTERNAL;
            case ALREADY_EXISTS -> Status.Code.ALREADY_EXISTS;
            case CANCELLED -> Status.Code.CANCELLED;
            case UNKNOWN -> Status.Code.UNKNOWN;
        };
    }

    /** The status a failure ends a call with: the mapped code and {@link #message} as description, bounded. */
    static StatusRuntimeException status(Throwable failure) {
        if (failure instanceof StatusRuntimeException status) {
            return status.getStatus().getDescription() == null ? status
                    : status.getStatus().withDescription(bounded(status.getStatus().getDescription()))
                            .asRuntimeException();
        }
        TritonException error = TritonException.of(failure);
        return Status.fromCode(code(error.code())).withDescription(bounded(message(failure))).asRuntimeException();
    }

    /**
     * The text a client gets for a failure: Triton's message, or a status's description. A failure that is no
     * error of the request (a bug: an unexpected exception wrapped as INTERNAL or UNKNOWN) is logged here and
     * reported only as an internal error, so that no class name or stack trace reaches the client.
     */
    static String message(Throwable failure) {
        if (failure instanceof StatusRuntimeException status) {
            String description = status.getStatus().getDescription();
            return description == null ? status.getStatus().getCode().name() : description;
        }
        TritonException error = TritonException.of(failure);
        Throwable cause = error.getCause();
        if ((error.code() == TritonException.Code.INTERNAL || error.code() == TritonException.Code.UNKNOWN)
                && cause != null && !(cause instanceof TritonException)) {
            LOG.warn("Triton gRPC frontend: a call failed unexpectedly", cause);
            return "internal error; the server log has the details";
        }
        return error.getMessage();
    }

    /** The description cut to {@link #MAX_DESCRIPTION_BYTES} as gRPC percent-encodes it, saying so when cut. */
    static String bounded(String description) {
        int budget = MAX_DESCRIPTION_BYTES - 64;
        int size = 0;
        for (int i = 0; i < description.length(); ) {
            int codePoint = description.codePointAt(i);
            size += encodedSize(codePoint);
            if (size > budget) {
                return description.substring(0, i) + "... (cut; " + description.length() + " characters in all)";
            }
            i += Character.charCount(codePoint);
        }
        return description;
    }

    /** Bytes gRPC sends for one code point: printable ASCII but '%' as is, every other UTF-8 byte as %XX. */
    private static int encodedSize(int codePoint) {
        if (codePoint >= 0x20 && codePoint < 0x7F && codePoint != '%') {
            return 1;
        }
        return 3 * new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
    }

    /** The error Triton reports for a server that is stopping. */
    static StatusRuntimeException exiting() {
        return Status.UNAVAILABLE.withDescription("Server exiting").asRuntimeException();
    }
}
