package org.tritonosgi.bench;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.tritonosgi.grpc.internal.proto.GRPCInferenceServiceGrpc;
import org.tritonosgi.grpc.internal.proto.ModelInferRequest;
import org.tritonosgi.grpc.internal.proto.ModelInferResponse;
import org.tritonosgi.grpc.internal.proto.ModelStreamInferResponse;

/**
 * A gRPC load generator on grpc-java's async stubs, loopback only: one HTTP/2 channel on the {@link LoadLoop}
 * (callbacks run on it, no executor hop). Closed loop, unary: {@code concurrency} ModelInfer calls outstanding, each
 * issued again as soon as it completes; streaming: that many ModelStreamInfer streams, each sending its next request
 * when the previous response arrives. Open loop, unary: an {@link OpenLoop} issues each call when it is due, at most
 * {@code concurrency} outstanding. A failed call, a stream ended by an error or a response carrying an
 * error_message counts as an error.
 */
final class GrpcLoad {

    private GrpcLoad() {
    }

    /** Unary ModelInfer calls: closed or open loop as the spec says. */
    static LoadResult unary(int port, ModelInferRequest request, LoadSpec spec) throws InterruptedException {
        return spec.isOpen() ? openUnary(port, request, spec) : closed(port, spec, (stub, run) -> new Runnable() {
            @Override
            public void run() {
                long sentAt = System.nanoTime();
                stub.modelInfer(request, new Observer<>() {
                    @Override
                    public void onError(Throwable t) {
                        run.tally.error();
                        next();
                    }

                    @Override
                    public void onCompleted() {
                        run.tally.record(sentAt, System.nanoTime());
                        next();
                    }

                    private void next() {
                        if (!run.goOn()) {
                            run.done.countDown();
                        } else {
                            run();
                        }
                    }
                });
            }
        });
    }

    /** Closed loop: N concurrent ModelStreamInfer streams, each sending a request when the previous one is answered. */
    static LoadResult stream(int port, ModelInferRequest request, LoadSpec spec) throws InterruptedException {
        if (spec.isOpen()) {
            throw new UnsupportedOperationException("open-loop streams are not implemented; use unary");
        }
        return closed(port, spec, (stub, run) -> () -> new StreamLoop(request, run).start(stub));
    }

    /** A StreamObserver that ignores the message itself (the call's completion is what counts). */
    private abstract static class Observer<T> implements StreamObserver<T> {
        @Override
        public void onNext(T value) {
        }
    }

    /** One stream: sends its next request when the previous response arrives. */
    private static final class StreamLoop implements StreamObserver<ModelStreamInferResponse> {
        private final ModelInferRequest request;
        private final ClosedRun run;
        private StreamObserver<ModelInferRequest> requests;
        private long sentAt;

        StreamLoop(ModelInferRequest request, ClosedRun run) {
            this.request = request;
            this.run = run;
        }

        void start(GRPCInferenceServiceGrpc.GRPCInferenceServiceStub stub) {
            requests = stub.modelStreamInfer(this);
            sentAt = System.nanoTime();
            requests.onNext(request);
        }

        @Override
        public void onNext(ModelStreamInferResponse response) {
            long now = System.nanoTime();
            if (!response.getErrorMessage().isEmpty()) {
                run.tally.error();
            } else {
                run.tally.record(sentAt, now);
            }
            if (run.goOn()) {
                sentAt = System.nanoTime();
                requests.onNext(request);
            } else {
                requests.onCompleted();
            }
        }

        @Override
        public void onError(Throwable t) {
            run.tally.error();
            run.done.countDown();
        }

        @Override
        public void onCompleted() {
            run.done.countDown();
        }
    }

    /** What the loops of one closed-loop run share; {@link #goOn()} takes a permit once the measured part began. */
    private static final class ClosedRun {
        final Tally tally;
        final long stopAt;
        final CountDownLatch done;
        final AtomicLong permits;

        ClosedRun(LoadSpec spec) {
            this.tally = new Tally(System.nanoTime() + spec.warmup().toNanos());
            this.stopAt = tally.measureFrom + spec.measure().toNanos();
            this.done = new CountDownLatch(spec.concurrency());
            this.permits = new AtomicLong(spec.maxRequests());
        }

        boolean goOn() {
            long now = System.nanoTime();
            // past the end only while nothing was measured yet (a stalled machine must not give an empty row)
            return (now < stopAt || !tally.measuredAny()) && !tally.tooManyErrors()
                    && (now < tally.measureFrom || permits.getAndDecrement() > 0);
        }
    }

    /** Makes the loop of one outstanding call (or stream) on the channel's stub; running it starts it. */
    private interface LoopFactory {
        Runnable loop(GRPCInferenceServiceGrpc.GRPCInferenceServiceStub stub, ClosedRun run);
    }

    private static ManagedChannel channel(LoadLoop loop, int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().eventLoopGroup(loop.group)
                .channelType(loop.channelType).directExecutor().maxInboundMessageSize(Integer.MAX_VALUE).build();
    }

    private static LoadResult closed(int port, LoadSpec spec, LoopFactory loops) throws InterruptedException {
        try (LoadLoop loop = new LoadLoop()) {
            ManagedChannel channel = channel(loop, port);
            try {
                GRPCInferenceServiceGrpc.GRPCInferenceServiceStub stub = GRPCInferenceServiceGrpc.newStub(channel);
                ClosedRun run = new ClosedRun(spec);
                run.tally.startFootprintAt(loop.group.next());
                for (int i = 0; i < spec.concurrency(); i++) {
                    Runnable first = loops.loop(stub, run);
                    loop.group.execute(() -> {
                        if (run.goOn()) {
                            first.run();
                        } else {
                            run.done.countDown();
                        }
                    });
                }
                if (!run.done.await(spec.deadline().toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("gRPC load run did not finish in time: " + spec);
                }
                return run.tally.result();
            } finally {
                channel.shutdownNow();
                channel.awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private static LoadResult openUnary(int port, ModelInferRequest request, LoadSpec spec)
            throws InterruptedException {
        try (LoadLoop loop = new LoadLoop()) {
            ManagedChannel channel = channel(loop, port);
            try {
                GRPCInferenceServiceGrpc.GRPCInferenceServiceStub stub = GRPCInferenceServiceGrpc.newStub(channel);
                OpenLoop schedule = new OpenLoop(loop.group.next(), spec, (self, slot, dueAt) ->
                        stub.modelInfer(request, new Observer<ModelInferResponse>() {
                            @Override
                            public void onError(Throwable t) {
                                self.completed(slot, dueAt, false);
                            }

                            @Override
                            public void onCompleted() {
                                self.completed(slot, dueAt, true);
                            }
                        }));
                schedule.start();
                if (!schedule.await(spec.deadline().toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("gRPC open-loop run did not finish in time: " + spec);
                }
                return schedule.tally().result();
            } finally {
                channel.shutdownNow();
                channel.awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }
}
