package org.tritonosgi.grpc.internal;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.function.Executable;
import org.tritonosgi.grpc.internal.proto.GRPCInferenceServiceGrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real grpc-java client over loopback, as tritonclient.grpc talks to Triton. */
final class TestClient implements AutoCloseable {

    final ManagedChannel channel;

    TestClient(int port) {
        this(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext());
    }

    TestClient(NettyChannelBuilder builder) {
        channel = builder.maxInboundMessageSize(Integer.MAX_VALUE).build();
    }

    GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub blocking() {
        return GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    GRPCInferenceServiceGrpc.GRPCInferenceServiceStub async() {
        return GRPCInferenceServiceGrpc.newStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    /** Asserts the call fails with this code and a description containing every fragment. */
    static StatusRuntimeException assertStatus(Status.Code code, Executable call, String... fragments) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, e.getStatus().getCode(), String.valueOf(e.getStatus()));
        String description = String.valueOf(e.getStatus().getDescription());
        for (String fragment : fragments) {
            assertTrue(description.contains(fragment), "'" + description + "' should contain '" + fragment + "'");
        }
        return e;
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
    }
}
