package org.tritonosgi.grpc.internal;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.tritonosgi.api.TritonException;

/** The one table mapping Triton error codes to gRPC status codes, and failures to the status a call ends with. */
final class GrpcErrors {

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

    /** The status a failure ends a call with: the mapped code and the Triton message as description. */
    static StatusRuntimeException status(Throwable failure) {
        if (failure instanceof StatusRuntimeException status) {
            return status;
        }
        TritonException error = TritonException.of(failure);
        return Status.fromCode(code(error.code())).withDescription(error.getMessage()).asRuntimeException();
    }

    /** The error Triton reports for a server that is stopping. */
    static StatusRuntimeException exiting() {
        return Status.UNAVAILABLE.withDescription("Server exiting").asRuntimeException();
    }
}
