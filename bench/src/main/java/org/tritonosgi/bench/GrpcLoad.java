package org.tritonosgi.bench;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;
import org.tritonosgi.grpc.internal.proto.GRPCInferenceServiceGrpc;
import org.tritonosgi.grpc.internal.proto.ModelInferRequest;
import org.tritonosgi.grpc.internal.proto.ModelInferResponse;
import org.tritonosgi.grpc.internal.proto.ModelStreamInferResponse;

/**
 * A closed-loop gRPC load generator on grpc-java's async stubs, loopback only: one HTTP/2 channel on one client
 * event loop (callbacks run on it, no executor hop), and a fixed number of outstanding calls for a warm-up and then
 * a measured period. Unary: each ModelInfer call is issued again as soon as it completes. Streaming: that many
 * ModelStreamInfer streams, each sending its next request when the previous response arrives. Latency goes to an
 * HdrHistogram; a failed call, a stream ended by an error or a response carrying an error_message counts as an
 * error. Bounded: nothing is re-issued after the period or after {@value #MAX_ERRORS} errors, and the run gives up
 * waiting 30 s after the period.
 */
final class GrpcLoad {

    /** After this many errors a run stops issuing calls (a dead server must not make a busy loop). */
    static final long MAX_ERRORS = 1000;

    private GrpcLoad() {
    }

    /** N concurrent unary ModelInfer calls, each re-issued on completion. */
    static LoadResult unary(int port, ModelInferRequest request, int concurrency, Duration warmup, Duration measure)
            throws InterruptedException {
        return run(port, concurrency, warmup, measure, (stub, state) -> new Runnable() {
            @Override
            public void run() {
                long sentAt = System.nanoTime();
                stub.modelInfer(request, new StreamObserver<ModelInferResponse>() {
                    @Override
                    public void onNext(ModelInferResponse response) {
                    }

                    @Override
                    public void onError(Throwable t) {
                        state.errors.incrementAndGet();
                        next();
                    }

                    @Override
                    public void onCompleted() {
                        state.record(sentAt, System.nanoTime());
                        next();
                    }

                    private void next() {
                        if (state.goOn()) {
                            run();
                        } else {
                            state.done.countDown();
                        }
                    }
                });
            }
        });
    }

    /** N concurrent ModelStreamInfer streams, each sending a request when the previous response arrives. */
    static LoadResult stream(int port, ModelInferRequest request, int concurrency, Duration warmup, Duration measure)
            throws InterruptedException {
        return run(port, concurrency, warmup, measure,
                (stub, state) -> () -> new StreamLoop(request, state).start(stub));
    }

    /** One stream: sends its next request when the previous response arrives. */
    private static final class StreamLoop implements StreamObserver<ModelStreamInferResponse> {
        private final ModelInferRequest request;
        private final State state;
        private StreamObserver<ModelInferRequest> requests;
        private long sentAt;

        StreamLoop(ModelInferRequest request, State state) {
            this.request = request;
            this.state = state;
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
                state.errors.incrementAndGet();
            } else {
                state.record(sentAt, now);
            }
            if (state.goOn()) {
                sentAt = System.nanoTime();
                requests.onNext(request);
            } else {
                requests.onCompleted();
            }
        }

        @Override
        public void onError(Throwable t) {
            state.errors.incrementAndGet();
            state.done.countDown();
        }

        @Override
        public void onCompleted() {
            state.done.countDown();
        }
    }

    /** Makes the loop of one outstanding call (or stream) on the channel's stub; running it starts it. */
    private interface LoopFactory {
        Runnable loop(GRPCInferenceServiceGrpc.GRPCInferenceServiceStub stub, State state);
    }

    /** What the loops of one run share. */
    private static final class State {
        final Recorder recorder = new Recorder(3);
        final AtomicLong completed = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final long measureFrom;
        final long stopAt;
        final CountDownLatch done;

        State(long measureFrom, long stopAt, int concurrency) {
            this.measureFrom = measureFrom;
            this.stopAt = stopAt;
            this.done = new CountDownLatch(concurrency);
        }

        void record(long sentAt, long now) {
            if (sentAt >= measureFrom) {
                recorder.recordValue(now - sentAt);
                completed.incrementAndGet();
            }
        }

        boolean goOn() {
            return System.nanoTime() < stopAt && errors.get() < MAX_ERRORS;
        }
    }

    private static LoadResult run(int port, int concurrency, Duration warmup, Duration measure, LoopFactory loops)
            throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                .eventLoopGroup(group).channelType(NioSocketChannel.class).directExecutor()
                .maxInboundMessageSize(Integer.MAX_VALUE).build();
        try {
            GRPCInferenceServiceGrpc.GRPCInferenceServiceStub stub = GRPCInferenceServiceGrpc.newStub(channel);
            long start = System.nanoTime();
            State state = new State(start + warmup.toNanos(), start + warmup.toNanos() + measure.toNanos(),
                    concurrency);
            for (int i = 0; i < concurrency; i++) {
                loops.loop(stub, state).run();
            }
            if (!state.done.await(warmup.toMillis() + measure.toMillis() + 30_000, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("gRPC load run did not finish in time");
            }
            var histogram = state.recorder.getIntervalHistogram();
            double seconds = measure.toNanos() / 1e9;
            return new LoadResult(state.completed.get() / seconds, histogram.getValueAtPercentile(50) / 1000.0,
                    histogram.getValueAtPercentile(99) / 1000.0, state.errors.get());
        } finally {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
