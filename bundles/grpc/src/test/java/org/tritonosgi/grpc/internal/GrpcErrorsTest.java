package org.tritonosgi.grpc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void anUnexpectedExceptionReachesTheClientWithoutItsClassName() {
        for (Throwable bug : new Throwable[] {new ArithmeticException("long overflow"),
            new CompletionException(new NullPointerException("x")),
            TritonException.of(new IllegalStateException("in the engine"))}) {
            StatusRuntimeException status = GrpcErrors.status(bug);
            assertEquals(Status.Code.INTERNAL, status.getStatus().getCode());
            assertEquals("internal error; the server log has the details", status.getStatus().getDescription());
            assertEquals("internal error; the server log has the details", GrpcErrors.message(bug));
        }
    }

    @Test
    void aDescriptionEchoingAHostileNameStaysWithinWhatClientsAcceptInTrailers() {
        String name = "y".repeat(100_000);
        String description = GrpcErrors.status(TritonException.invalidArg("Request for unknown model: '" + name
                + "' is not found")).getStatus().getDescription();
        assertTrue(description.startsWith("Request for unknown model: 'yyy"), description);
        assertTrue(description.endsWith("... (cut; 100042 characters in all)"), description);
        assertTrue(description.length() <= GrpcErrors.MAX_DESCRIPTION_BYTES, "length " + description.length());
        // every character of this one travels as %XX%XX%XX
        String wide = GrpcErrors.bounded("\u20AC".repeat(10_000));
        long euros = wide.chars().filter(c -> c == '\u20AC').count();
        assertTrue(euros > 100 && euros * 9 + (wide.length() - euros) <= GrpcErrors.MAX_DESCRIPTION_BYTES, wide);
        assertEquals("short", GrpcErrors.bounded("short"));
    }
}
