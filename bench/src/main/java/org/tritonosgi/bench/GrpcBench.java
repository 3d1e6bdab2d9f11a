package org.tritonosgi.bench;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.tritonosgi.embedded.internal.EmbeddedInferenceServer;
import org.tritonosgi.embedded.internal.Settings;
import org.tritonosgi.grpc.internal.GrpcServer;
import org.tritonosgi.grpc.internal.GrpcSettings;
import org.tritonosgi.grpc.internal.proto.GRPCInferenceServiceGrpc;
import org.tritonosgi.grpc.internal.proto.ModelInferRequest;
import org.tritonosgi.grpc.internal.proto.ModelInferResponse;
import org.tritonosgi.grpc.internal.proto.ModelStreamInferResponse;

/**
 * Our gRPC ModelInfer and ModelStreamInfer (identity FP32[1,16] on the embedded engine, raw_input_contents) against
 * a bare grpc-java echo of the same bytes, at 1, 16 and 64 concurrent calls (or streams), in one run; prints a
 * Markdown table of ratios. Usage: GrpcBench [warm-up seconds] [measured seconds] [concurrency,...]
 */
public final class GrpcBench {

    static final String UNARY = "ModelInfer identity FP32[1,16]";
    static final String STREAM = "ModelStreamInfer identity FP32[1,16]";

    /** The rows, and the serialized size of a response from each side (they should be equal). */
    public record Report(List<LoadResult.Row> rows, int oursUnaryBytes, int echoUnaryBytes, int oursStreamBytes,
            int echoStreamBytes) {
    }

    private GrpcBench() {
    }

    public static void main(String[] args) throws Exception {
        Duration warmup = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 2);
        Duration measure = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 5);
        int[] concurrency = args.length > 2 ? Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, 16, 64};
        Report report = run(warmup, measure, concurrency);
        System.out.println(table(report.rows()));
        System.out.printf(Locale.ROOT, "response bytes: ModelInfer ours %d, echo %d; ModelStreamInfer ours %d,"
                + " echo %d%n", report.oursUnaryBytes(), report.echoUnaryBytes(), report.oursStreamBytes(),
                report.echoStreamBytes());
    }

    public static Report run(Duration warmup, Duration measure, int... concurrency) throws Exception {
        Path repo = Files.createTempDirectory("tritonosgi-grpc-bench");
        Files.createDirectories(repo.resolve("identity_fp32/1"));
        Files.writeString(repo.resolve("identity_fp32/config.pbtxt"), """
                backend: "identity"
                max_batch_size: 8
                input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 16 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 16 ] } ]
                """);
        ModelInferRequest request = request();
        List<LoadResult.Row> rows = new ArrayList<>();
        EmbeddedInferenceServer engine = new EmbeddedInferenceServer(Settings.of(List.of(repo))
                .withExitTimeout(Duration.ofSeconds(5)), "bench");
        GrpcSettings settings = GrpcSettings.plain(new InetSocketAddress("127.0.0.1", 0));
        GrpcServer ours = new GrpcServer(engine, settings);
        ours.start();
        try {
            int port = ours.localAddress().getPort();
            ModelInferResponse unary;
            ModelStreamInferResponse stream;
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            try {
                unary = GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .modelInfer(request);
                stream = firstStreamResponse(channel, request);
            } finally {
                channel.shutdownNow();
                channel.awaitTermination(5, TimeUnit.SECONDS);
            }
            if (!stream.getErrorMessage().isEmpty()) {
                throw new IllegalStateException("our server answered the stream with: " + stream.getErrorMessage());
            }
            try (GrpcEchoServer echo = new GrpcEchoServer(unary, stream, settings.inferThreads())) {
                // one warm-up of both servers and of the client code they share before any row, so that the
                // first row's side does not pay for the JIT of the client alone; each row still warms up again
                int most = Arrays.stream(concurrency).max().orElse(1);
                for (int side : new int[] {port, echo.port()}) {
                    GrpcLoad.unary(side, request, most, warmup, Duration.ofMillis(100));
                    GrpcLoad.stream(side, request, most, warmup, Duration.ofMillis(100));
                }
                for (int n : concurrency) {
                    rows.add(new LoadResult.Row(UNARY, n, GrpcLoad.unary(port, request, n, warmup, measure),
                            GrpcLoad.unary(echo.port(), request, n, warmup, measure)));
                    rows.add(new LoadResult.Row(STREAM, n, GrpcLoad.stream(port, request, n, warmup, measure),
                            GrpcLoad.stream(echo.port(), request, n, warmup, measure)));
                }
                ManagedChannel echoChannel = NettyChannelBuilder.forAddress("127.0.0.1", echo.port()).usePlaintext()
                        .build();
                try {
                    return new Report(rows, unary.getSerializedSize(),
                            GRPCInferenceServiceGrpc.newBlockingStub(echoChannel)
                                    .withDeadlineAfter(10, TimeUnit.SECONDS).modelInfer(request).getSerializedSize(),
                            stream.getSerializedSize(), firstStreamResponse(echoChannel, request).getSerializedSize());
                } finally {
                    echoChannel.shutdownNow();
                    echoChannel.awaitTermination(5, TimeUnit.SECONDS);
                }
            }
        } finally {
            ours.stop();
            engine.deactivate();
        }
    }

    /** As tritonclient.grpc sends it: one FP32 [1,16] input in raw_input_contents (64 bytes), all outputs. */
    static ModelInferRequest request() {
        ByteBuffer data = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 16; i++) {
            data.putFloat(i + 0.5f);
        }
        return ModelInferRequest.newBuilder().setModelName("identity_fp32")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("INPUT0").setDatatype("FP32")
                        .addShape(1).addShape(16))
                .addRawInputContents(ByteString.copyFrom(data.array())).build();
    }

    /** Opens a stream, sends the request, and returns the first response (the stream is then closed). */
    private static ModelStreamInferResponse firstStreamResponse(ManagedChannel channel, ModelInferRequest request)
            throws Exception {
        CompletableFuture<ModelStreamInferResponse> first = new CompletableFuture<>();
        StreamObserver<ModelInferRequest> requests = GRPCInferenceServiceGrpc.newStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS).modelStreamInfer(new StreamObserver<>() {
                    @Override
                    public void onNext(ModelStreamInferResponse response) {
                        first.complete(response);
                    }

                    @Override
                    public void onError(Throwable t) {
                        first.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        first.completeExceptionally(new IllegalStateException("stream ended without a response"));
                    }
                });
        requests.onNext(request);
        try {
            return first.get(10, TimeUnit.SECONDS);
        } finally {
            requests.onCompleted();
        }
    }

    static String table(List<LoadResult.Row> rows) {
        return LoadResult.table("concurrency", rows);
    }
}
