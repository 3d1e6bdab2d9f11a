package org.tritonosgi.bench;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.tritonosgi.grpc.internal.GrpcServer;
import org.tritonosgi.grpc.internal.GrpcSettings;
import org.tritonosgi.grpc.internal.proto.GRPCInferenceServiceGrpc;
import org.tritonosgi.grpc.internal.proto.ModelInferRequest;
import org.tritonosgi.grpc.internal.proto.ModelInferResponse;
import org.tritonosgi.grpc.internal.proto.ModelStreamInferResponse;

/**
 * Our gRPC frontend against a bare grpc-java echo answering responses of the same size, in one run: ModelInfer and
 * ModelStreamInfer of identity FP32[1,16] (raw_input_contents) on (a) the embedded engine and (b) the native core on
 * the C double, ModelInfer of BYTES "Roger Roger" and of FP32 tensors of 1 MiB and 64 MiB (closed loop), and
 * ModelInfer FP32[1,16] in an open loop at a fraction of the echo's closed-loop throughput. (b) rows reuse the echo
 * run of the matching (a) row. Prints Markdown tables; see {@link Plan} for the arguments.
 */
public final class GrpcBench {

    static final String UNARY = "ModelInfer FP32[1,16]";
    static final String STREAM = "ModelStreamInfer FP32[1,16]";
    static final String BYTES = "ModelInfer BYTES[1,1] \"Roger Roger\"";

    /** The rows, and the serialized size of a FP32[1,16] response from each side (they should be equal). */
    public record Report(List<LoadResult.Row> rows, int oursUnaryBytes, int echoUnaryBytes, int oursStreamBytes,
            int echoStreamBytes) {
    }

    private GrpcBench() {
    }

    public static void main(String[] args) throws Exception {
        Report report = run(Plan.fromArgs(args));
        System.out.println(table(report.rows()));
        System.out.printf(Locale.ROOT, "response bytes: ModelInfer ours %d, echo %d; ModelStreamInfer ours %d,"
                + " echo %d%n", report.oursUnaryBytes(), report.echoUnaryBytes(), report.oursStreamBytes(),
                report.echoStreamBytes());
    }

    public static Report run(Plan plan) throws Exception {
        List<LoadResult.Row> rows = new ArrayList<>();
        ModelInferRequest small = fp32(Engines.FP32, 16);
        ModelInferRequest smallNative = fp32(Engines.CORE_IDENTITY, 16);
        try (Engines engines = Engines.start()) {
            GrpcSettings settings = GrpcSettings.plain(new InetSocketAddress("127.0.0.1", 0));
            GrpcServer embedded = new GrpcServer(engines.embedded, settings);
            GrpcServer core = new GrpcServer(engines.core, settings);
            embedded.start();
            core.start();
            try {
                int ours = embedded.localAddress().getPort();
                int native_ = core.localAddress().getPort();
                Map<String, ModelInferResponse> unary = new HashMap<>();
                Map<String, ModelStreamInferResponse> stream = new HashMap<>();
                for (ModelInferRequest template : List.of(small, bytes(), fp32(Engines.FP32_ANY, 16))) {
                    unary.put(template.getModelName(), call(ours, template));
                    stream.put(template.getModelName(), firstStreamResponse(ours, template));
                }
                try (GrpcEchoServer echo = new GrpcEchoServer(unary, stream, settings.inferThreads())) {
                    // one warm-up of every side and of the client code before any row, so that the first row's
                    // side does not pay for the JIT of the client alone; each row still warms up again
                    int most = Arrays.stream(plan.concurrency()).max().orElse(1);
                    LoadSpec prewarm = LoadSpec.closed(most, plan.warmup(), plan.measure().dividedBy(10));
                    for (int port : new int[] {ours, native_, echo.port()}) {
                        ModelInferRequest request = port == native_ ? smallNative : small;
                        GrpcLoad.unary(port, request, prewarm);
                        GrpcLoad.stream(port, request, prewarm);
                    }
                    LoadResult openEcho = null;
                    for (int n : plan.concurrency()) {
                        LoadSpec load = plan.closed(n);
                        Row unaryRow = row(UNARY, load, GrpcLoad.unary(ours, small, load),
                                GrpcLoad.unary(echo.port(), small, load));
                        Row streamRow = row(STREAM, load, GrpcLoad.stream(ours, small, load),
                                GrpcLoad.stream(echo.port(), small, load));
                        rows.add(unaryRow.embedded());
                        rows.add(streamRow.embedded());
                        rows.add(unaryRow.native_(GrpcLoad.unary(native_, smallNative, load)));
                        rows.add(streamRow.native_(GrpcLoad.stream(native_, smallNative, load)));
                        rows.add(new LoadResult.Row(BYTES + HttpBench.EMBEDDED, load.label(),
                                GrpcLoad.unary(ours, bytes(), load), GrpcLoad.unary(echo.port(), bytes(), load)));
                        if (n == plan.openAt()) {
                            openEcho = unaryRow.echo();
                        }
                    }
                    for (int mib : plan.largeMiB()) {
                        ModelInferRequest large = fp32(Engines.FP32_ANY, mib * (1 << 20) / 4);
                        for (int n : plan.largeConcurrency()) {
                            LoadSpec load = plan.large(n);
                            rows.add(new LoadResult.Row(large(mib) + HttpBench.EMBEDDED, load.label(),
                                    GrpcLoad.unary(ours, large, load), GrpcLoad.unary(echo.port(), large, load)));
                        }
                    }
                    for (double fraction : openEcho == null ? new double[0] : plan.openFractions()) {
                        LoadSpec load = plan.open(openEcho.throughput(), fraction);
                        rows.add(new LoadResult.Row(UNARY + HttpBench.EMBEDDED, load.label(),
                                GrpcLoad.unary(ours, small, load), GrpcLoad.unary(echo.port(), small, load)));
                    }
                    return new Report(rows, unary.get(Engines.FP32).getSerializedSize(),
                            call(echo.port(), small).getSerializedSize(),
                            stream.get(Engines.FP32).getSerializedSize(),
                            firstStreamResponse(echo.port(), small).getSerializedSize());
                }
            } finally {
                core.stop();
                embedded.stop();
            }
        }
    }

    /** One scenario's runs at one load, before the (b) row is known. */
    private record Row(String scenario, LoadSpec load, LoadResult ours, LoadResult echo) {
        LoadResult.Row embedded() {
            return new LoadResult.Row(scenario + HttpBench.EMBEDDED, load.label(), ours, echo);
        }

        LoadResult.Row native_(LoadResult result) {
            return new LoadResult.Row(scenario + HttpBench.NATIVE, load.label(), result, echo);
        }
    }

    private static Row row(String scenario, LoadSpec load, LoadResult ours, LoadResult echo) {
        return new Row(scenario, load, ours, echo);
    }

    static String large(int mib) {
        return "ModelInfer FP32[1," + mib * (1 << 20) / 4 + "] (" + mib + " MiB)";
    }

    /** As tritonclient.grpc sends it: one FP32 [1,elements] input in raw_input_contents, all outputs. */
    static ModelInferRequest fp32(String model, int elements) {
        ByteBuffer data = ByteBuffer.allocate(elements * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < elements; i++) {
            data.putFloat(i + 0.5f);
        }
        return ModelInferRequest.newBuilder().setModelName(model)
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("INPUT0").setDatatype("FP32")
                        .addShape(1).addShape(elements))
                .addRawInputContents(ByteString.copyFrom(data.flip())).build();
    }

    /** BYTES [1,1] "Roger Roger" in raw_input_contents: a little-endian 4-byte length, then the bytes. */
    static ModelInferRequest bytes() {
        byte[] text = "Roger Roger".getBytes(StandardCharsets.UTF_8);
        ByteBuffer data = ByteBuffer.allocate(4 + text.length).order(ByteOrder.LITTLE_ENDIAN).putInt(text.length)
                .put(text);
        return ModelInferRequest.newBuilder().setModelName(Engines.BYTES)
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("INPUT0").setDatatype("BYTES")
                        .addShape(1).addShape(1))
                .addRawInputContents(ByteString.copyFrom(data.flip())).build();
    }

    private static ManagedChannel channel(int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                .maxInboundMessageSize(Integer.MAX_VALUE).build();
    }

    private static ModelInferResponse call(int port, ModelInferRequest request) throws InterruptedException {
        ManagedChannel channel = channel(port);
        try {
            return GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .modelInfer(request);
        } finally {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Opens a stream, sends the request, and returns the first response (the stream is then closed). */
    private static ModelStreamInferResponse firstStreamResponse(int port, ModelInferRequest request)
            throws Exception {
        ManagedChannel channel = channel(port);
        CompletableFuture<ModelStreamInferResponse> first = new CompletableFuture<>();
        try {
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
            ModelStreamInferResponse response = first.get(10, TimeUnit.SECONDS);
            requests.onCompleted();
            if (!response.getErrorMessage().isEmpty()) {
                throw new IllegalStateException("the stream answered with: " + response.getErrorMessage());
            }
            return response;
        } finally {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    static String table(List<LoadResult.Row> rows) {
        return LoadResult.table(rows);
    }
}
