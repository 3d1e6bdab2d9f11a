package org.tritonosgi.bench;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.tritonosgi.grpc.internal.proto.GRPCInferenceServiceGrpc;
import org.tritonosgi.grpc.internal.proto.ModelInferRequest;
import org.tritonosgi.grpc.internal.proto.ModelInferResponse;
import org.tritonosgi.grpc.internal.proto.ModelStreamInferResponse;

/**
 * The raw limit: a bare grpc-java server on loopback with the same method descriptors
 * ({@code inference.GRPCInferenceService/ModelInfer} and {@code ModelStreamInfer}) and no engine. Each response is
 * the template our server answered with for the request's model (so it has the same fields and size) carrying the
 * request's id and its raw_input_contents as raw_output_contents. Threads shaped as our GrpcServer's: epoll where
 * available, one accept loop, one event loop per core and a fixed executor of the same size for the calls.
 */
final class GrpcEchoServer implements AutoCloseable {

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ExecutorService executor;
    private final Server server;

    /**
     * @param unary    what our server answered to a ModelInfer call, by model name
     * @param stream   what our server answered on a ModelStreamInfer stream, by model name
     * @param executorThreads threads for the calls, as our server's infer.thread.count
     */
    GrpcEchoServer(Map<String, ModelInferResponse> unary, Map<String, ModelStreamInferResponse> stream,
            int executorThreads) throws IOException {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class
                : NioServerSocketChannel.class;
        boss = new MultiThreadIoEventLoopGroup(1, factory);
        workers = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(), factory);
        executor = Executors.newFixedThreadPool(executorThreads, task -> {
            Thread thread = new Thread(task, "grpc-echo-call");
            thread.setDaemon(true);
            return thread;
        });
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .bossEventLoopGroup(boss).workerEventLoopGroup(workers).channelType(channelType)
                .executor(executor).maxInboundMessageSize(Integer.MAX_VALUE)
                .addService(new Echo(unary, stream)).build().start();
    }

    int port() {
        return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
        executor.shutdownNow();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private static final class Echo extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
        private final Map<String, ModelInferResponse> unary = new HashMap<>();
        private final Map<String, ModelStreamInferResponse> stream = new HashMap<>();

        /** Keeps the templates without their output bytes: each answer carries the request's. */
        Echo(Map<String, ModelInferResponse> unary, Map<String, ModelStreamInferResponse> stream) {
            unary.forEach((model, response) -> this.unary.put(model, response.toBuilder().clearRawOutputContents()
                    .build()));
            stream.forEach((model, response) -> this.stream.put(model, response.toBuilder().setInferResponse(
                    response.getInferResponse().toBuilder().clearRawOutputContents()).build()));
        }

        /** The template with the request's id, and its inputs' shapes and bytes as the outputs' (identity). */
        private static ModelInferResponse echo(ModelInferResponse template, ModelInferRequest request) {
            ModelInferResponse.Builder response = template.toBuilder().setId(request.getId())
                    .addAllRawOutputContents(request.getRawInputContentsList());
            for (int i = 0; i < request.getInputsCount() && i < response.getOutputsCount(); i++) {
                response.getOutputsBuilder(i).clearShape().addAllShape(request.getInputs(i).getShapeList());
            }
            return response.build();
        }

        private static <T> T template(Map<String, T> templates, ModelInferRequest request) {
            T template = templates.get(request.getModelName());
            if (template == null) {
                throw Status.NOT_FOUND.withDescription("no template for model '" + request.getModelName() + "'")
                        .asRuntimeException();
            }
            return template;
        }

        @Override
        public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> observer) {
            ModelInferResponse response;
            try {
                response = echo(template(unary, request), request);
            } catch (StatusRuntimeException e) {
                observer.onError(e);
                return;
            }
            observer.onNext(response);
            observer.onCompleted();
        }

        @Override
        public StreamObserver<ModelInferRequest> modelStreamInfer(
                StreamObserver<ModelStreamInferResponse> observer) {
            return new StreamObserver<>() {
                @Override
                public void onNext(ModelInferRequest request) {
                    ModelStreamInferResponse template = template(stream, request);
                    observer.onNext(template.toBuilder().setInferResponse(echo(template.getInferResponse(), request))
                            .build());
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    observer.onCompleted();
                }
            };
        }
    }
}
