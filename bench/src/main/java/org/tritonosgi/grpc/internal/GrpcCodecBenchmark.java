package org.tritonosgi.grpc.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.tritonosgi.api.DataType;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.grpc.internal.proto.ModelInferRequest;
import org.tritonosgi.grpc.internal.proto.ModelInferResponse;

/**
 * Protobuf ModelInferRequest and ModelInferResponse of FP32[1,16] in raw contents, with the gRPC bundle's generated
 * classes: what a client pays (build and serialize a request, parse a response), and our frontend's side
 * (package-private, hence this package) beside its raw limit: parsing a request and turning it into an
 * InferenceRequest ({@link InferRequests}) vs parsing alone; building a response from an InferenceResponse
 * ({@link InferResponses}) and serializing it vs building the same message by hand and serializing it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class GrpcCodecBenchmark {

    private byte[] data;
    private byte[] request;
    private byte[] response;
    private InferenceResponse inferenceResponse;

    @Setup(Level.Trial)
    public void start() {
        ByteBuffer floats = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 16; i++) {
            floats.putFloat(i + 0.5f);
        }
        data = floats.array();
        request = buildRequest();
        inferenceResponse = new InferenceResponse("", "identity_fp32", 1, List.of(new Tensor("OUTPUT0",
                DataType.FP32, new long[] {1, 16}, ByteBuffer.wrap(data))), Map.of(), true, null);
        response = encodeResponse();
    }

    @TearDown(Level.Trial)
    public void stop() {
        inferenceResponse.close();
    }

    /** Client: a request as tritonclient.grpc builds it, serialized. */
    @Benchmark
    public byte[] buildRequest() {
        return ModelInferRequest.newBuilder().setModelName("identity_fp32")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("INPUT0").setDatatype("FP32")
                        .addShape(1).addShape(16))
                .addRawInputContents(ByteString.copyFrom(data)).build().toByteArray();
    }

    /** The limit of our decoding: protobuf parsing alone. */
    @Benchmark
    public int parseRequest() throws InvalidProtocolBufferException {
        return ModelInferRequest.parseFrom(request).getRawInputContents(0).size();
    }

    /** Ours: parse, then the InferenceRequest our frontend hands to the engine. */
    @Benchmark
    public float decodeRequest() throws InvalidProtocolBufferException {
        InferenceRequest decoded = InferRequests.decode(ModelInferRequest.parseFrom(request), null, null);
        return decoded.input("INPUT0").data().getFloat(60);
    }

    /** Ours: the message for an InferenceResponse (outputs wrapped, not copied), serialized. */
    @Benchmark
    public byte[] encodeResponse() {
        return InferResponses.encode(inferenceResponse).build().toByteArray();
    }

    /** The limit of our encoding: the same message built by hand from the bytes, serialized. */
    @Benchmark
    public byte[] buildResponse() {
        return ModelInferResponse.newBuilder().setModelName("identity_fp32").setModelVersion("1")
                .addOutputs(ModelInferResponse.InferOutputTensor.newBuilder().setName("OUTPUT0").setDatatype("FP32")
                        .addShape(1).addShape(16))
                .addRawOutputContents(ByteString.copyFrom(data)).build().toByteArray();
    }

    /** Client: parsing the response. */
    @Benchmark
    public float parseResponse() throws InvalidProtocolBufferException {
        return ModelInferResponse.parseFrom(response).getRawOutputContents(0).asReadOnlyByteBuffer()
                .order(ByteOrder.LITTLE_ENDIAN).getFloat(60);
    }
}
