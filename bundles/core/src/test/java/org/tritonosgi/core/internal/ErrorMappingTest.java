package org.tritonosgi.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.Model;
import org.tritonosgi.api.TritonException;

class ErrorMappingTest extends DoubleTest {

    private static InferenceRequest request() {
        return InferenceRequest.builder().input(fp32("INPUT0", 1f, 2f)).build();
    }

    @ParameterizedTest
    @EnumSource(TritonException.Code.class)
    void everyErrorCodeMapsToTheSameTritonExceptionCode(TritonException.Code code) {
        start();
        DoubleControl.double_fail_next("TRITONSERVER_ServerMetadata", code.ordinal());

        TritonException error = assertThrows(TritonException.class, () -> server.metadata());
        assertEquals(code, error.code());
        assertEquals("injected failure in TRITONSERVER_ServerMetadata", error.getMessage());
        assertEquals(0, DoubleControl.double_live("error"), "the error object was deleted");
    }

    @ParameterizedTest
    @ValueSource(strings = {"TRITONSERVER_InferenceRequestNew", "TRITONSERVER_InferenceRequestAddInput",
        "TRITONSERVER_InferenceRequestAppendInputData", "TRITONSERVER_InferenceRequestSetReleaseCallback",
        "TRITONSERVER_InferenceRequestSetResponseCallback", "TRITONSERVER_ServerInferAsync",
        "TRITONSERVER_InferenceResponseOutput", "TRITONSERVER_InferenceResponseModel",
        "TRITONSERVER_InferenceResponseOutputCount", "TRITONSERVER_InferenceResponseParameterCount"})
    void aFailureAnywhereInTheInferPathFailsTheRequestAndFreesEverything(String function) {
        start();
        Model model = server.model("identity", 0);
        DoubleControl.double_fail_next(function, TritonException.Code.UNAVAILABLE.ordinal());

        TritonException error = inferFailure(model, request());
        assertEquals(TritonException.Code.UNAVAILABLE, error.code());
        assertEquals("injected failure in " + function, error.getMessage());
        await("the failed request to be released", 10_000, () -> server.inflight() == 0);
        infer(model, request()).close();
    }

    @Test
    void anErrorInTheResponseReachesTheCallerWithItsCode() {
        start();
        Model model = server.model("identity", 0);

        TritonException error = inferFailure(model, InferenceRequest.builder().id("bad").input(fp32("INPUT0", 1f))
                .parameter("fail", "yes").build());
        assertEquals(TritonException.Code.INTERNAL, error.code());
        assertEquals("model 'identity' failed on request 'bad' as asked", error.getMessage());
    }

    @Test
    void aFailedMessageReadStillDeletesTheMessage() {
        start();
        DoubleControl.double_fail_next("TRITONSERVER_MessageSerializeToJson", TritonException.Code.INTERNAL.ordinal());

        TritonException error = assertThrows(TritonException.class, () -> server.index(false));
        assertEquals(TritonException.Code.INTERNAL, error.code());
        assertEquals(0, DoubleControl.double_live("message"));
    }

    @Test
    void aServerThatFailsToStartLeavesNothingBehind() {
        DoubleControl.double_fail_next("TRITONSERVER_ServerNew", TritonException.Code.INVALID_ARG.ordinal());

        TritonException error = assertThrows(TritonException.class, () -> start());
        assertEquals(TritonException.Code.INVALID_ARG, error.code());
        assertEquals(0, DoubleControl.double_live("options"));
        server = null;
    }

    @Test
    void aFailingOptionSetterFailsTheStartWithItsMessage() {
        DoubleControl.double_fail_next("TRITONSERVER_ServerOptionsSetBackendConfig",
                TritonException.Code.INVALID_ARG.ordinal());

        TritonException error = assertThrows(TritonException.class,
                () -> start("backend.config", new String[] {"python,shm-default-byte-size=1048576"}));
        assertEquals("injected failure in TRITONSERVER_ServerOptionsSetBackendConfig", error.getMessage());
        server = null;
    }

    @Test
    void outputsAreReleasedWhenTheResponseIsClosed() {
        start();
        Model model = server.model("identity", 0);

        InferenceResponse response = infer(model, request());
        assertEquals(1, DoubleControl.double_live("response"));
        assertEquals(1, DoubleControl.double_live("buffer"));
        response.close();
        response.close();
        assertEquals(0, DoubleControl.double_live("response"));
        assertEquals(0, DoubleControl.double_live("buffer"));
        assertTrue(server.isLive());
    }
}
