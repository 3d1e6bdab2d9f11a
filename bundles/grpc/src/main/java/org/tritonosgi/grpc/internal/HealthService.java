package org.tritonosgi.grpc.internal;

import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import org.tritonosgi.api.InferenceServer;

/** The standard {@code grpc.health.v1.Health/Check}, answered as Triton does: SERVING while the server is ready. */
final class HealthService extends HealthGrpc.HealthImplBase {

    private final InferenceServer server;

    HealthService(InferenceServer server) {
        this.server = server;
    }

    @Override
    public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> observer) {
        boolean ready;
        try {
            ready = server.isReady();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.status(e));
            return;
        }
        observer.onNext(HealthCheckResponse.newBuilder().setStatus(ready
                ? HealthCheckResponse.ServingStatus.SERVING : HealthCheckResponse.ServingStatus.NOT_SERVING).build());
        observer.onCompleted();
    }
}
