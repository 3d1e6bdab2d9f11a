package org.tritonosgi.grpc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.TritonException.Code;

/** The error table is Triton's gRPC column, and the Triton message becomes the status description. */
class GrpcErrorsTest {

    @Test
    void everyTritonCodeMapsToTritonsGrpcCode() {
        Map<Code, Status.Code> triton = Map.of(Code.INVALID_ARG, Status.Code.INVALID_ARGUMENT,
                Code.NOT_FOUND, Status.Code.NOT_FOUND, Code.UNAVAILABLE, Status.Code.UNAVAILABLE,
                Code.UNSUPPORTED, Status.Code.UNIMPLEMENTED, Code.INTERNAL, Status.Code.INTERNAL,
                Code.ALREADY_EXISTS, Status.Code.ALREADY_EXISTS, Code.CANCELLED, Status.Code.CANCELLED,
                Code.UNKNOWN, Status.Code.UNKNOWN);
        assertEquals(Code.values().length, triton.size());
        triton.forEach((code, expected) -> assertEquals(expected, GrpcErrors.code(code), code.name()));
    }

    @Test
    void failuresFromStagesKeepTheirCodeAndMessage() {
        StatusRuntimeException status = GrpcErrors.status(new CompletionException(
                new TritonException(Code.NOT_FOUND, "Request for unknown model: 'm' version 7 is not found")));
        assertEquals(Status.Code.NOT_FOUND, status.getStatus().getCode());
        assertEquals("Request for unknown model: 'm' version 7 is not found", status.getStatus().getDescription());
        assertEquals(Status.Code.INTERNAL, GrpcErrors.status(new IllegalStateException("boom")).getStatus().getCode());
    }
}
