package org.tritonosgi.http.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.Tensor;

/**
 * The HTTP frontend's infer codecs on FP32[1,16] (package-private, hence this package): {@link InferRequestDecoder}
 * on a JSON body and on a binary-extension body, {@link InferResponseEncoder} to JSON data and to a binary output.
 * Each beside its raw limit, Jackson alone doing the least any such codec must: walking the same request's tokens
 * (and reading the floats), or writing the same response's fields.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class HttpCodecBenchmark {

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private ByteBuf json;
    private ByteBuf binary;
    private String headerLength;
    private InferenceResponse response;
    private InferRequestDecoder.Decoded jsonRequest;
    private InferRequestDecoder.Decoded binaryRequest;

    @Setup(Level.Trial)
    public void start() {
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            data.append(i == 0 ? "" : ",").append(i + 0.5);
        }
        json = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(("{\"inputs\":[{\"name\":\"INPUT0\","
                + "\"shape\":[1,16],\"datatype\":\"FP32\",\"data\":[" + data + "]}]}").getBytes(StandardCharsets.UTF_8)));
        byte[] header = ("{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1,16],\"datatype\":\"FP32\",\"parameters\":"
                + "{\"binary_data_size\":64}}],\"parameters\":{\"binary_data_output\":true}}")
                .getBytes(StandardCharsets.UTF_8);
        headerLength = Integer.toString(header.length);
        binary = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(header).writeBytes(floats()));
        response = new InferenceResponse("", "identity_fp32", 1, List.of(new Tensor("OUTPUT0", DataType.FP32,
                new long[] {1, 16}, floats())), Map.of(), true, null);
        jsonRequest = InferRequestDecoder.decode(json.duplicate(), null);
        binaryRequest = InferRequestDecoder.decode(binary.duplicate(), headerLength);
    }

    private static ByteBuffer floats() {
        ByteBuffer data = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 16; i++) {
            data.putFloat(i + 0.5f);
        }
        return data.flip();
    }

    @TearDown(Level.Trial)
    public void stop() {
        response.close();
    }

    /** Ours: a JSON body (the aggregated request, direct as Netty hands it over) to an InferenceRequest. */
    @Benchmark
    public float decodeJson() {
        return InferRequestDecoder.decode(json.duplicate(), null).request().input("INPUT0").data().getFloat(60);
    }

    /** The limit: copy the body out and walk its tokens with Jackson, reading every number. */
    @Benchmark
    public double bareJsonWalk() throws IOException {
        byte[] bytes = ByteBufUtil.getBytes(json);
        double sum = 0;
        try (JsonParser parser = Json.FACTORY.createParser(bytes)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.VALUE_NUMBER_FLOAT || token == JsonToken.VALUE_NUMBER_INT) {
                    sum += parser.getFloatValue();
                }
            }
        }
        return sum;
    }

    /** Ours: a binary-extension body (JSON header, then 64 bytes) to an InferenceRequest viewing the bytes. */
    @Benchmark
    public float decodeBinary() {
        return InferRequestDecoder.decode(binary.duplicate(), headerLength).request().input("INPUT0").data()
                .getFloat(60);
    }

    /** The limit: walk the header's tokens with Jackson and take a view of the bytes after it. */
    @Benchmark
    public float bareBinaryWalk() throws IOException {
        int length = Integer.parseInt(headerLength);
        byte[] bytes = ByteBufUtil.getBytes(binary, binary.readerIndex(), length, false);
        int tokens = 0;
        try (JsonParser parser = Json.FACTORY.createParser(bytes)) {
            while (parser.nextToken() != null) {
                tokens++;
            }
        }
        return binary.nioBuffer(length, 64).order(ByteOrder.LITTLE_ENDIAN).getFloat(60) + tokens;
    }

    /** Ours: the response with JSON data, to a pooled buffer (released here, as the channel would). */
    @Benchmark
    public int encodeJson() {
        return release(InferResponseEncoder.encode(alloc, response, jsonRequest));
    }

    /** The limit: Jackson writing the same fields and numbers into a pooled buffer. */
    @Benchmark
    public int bareJsonWrite() throws IOException {
        return bareWrite(false);
    }

    /** Ours: the response with a binary output, JSON header plus a wrapped view of the bytes. */
    @Benchmark
    public int encodeBinary() {
        return release(InferResponseEncoder.encode(alloc, response, binaryRequest));
    }

    /** The limit: Jackson writing the same header into a pooled buffer, and a wrapped view of the bytes. */
    @Benchmark
    public int bareBinaryWrite() throws IOException {
        return bareWrite(true);
    }

    private int bareWrite(boolean binaryOutput) throws IOException {
        ByteBuf out = alloc.buffer();
        Tensor output = response.outputs().get(0);
        try (JsonGenerator generator = Json.FACTORY.createGenerator((java.io.OutputStream) new ByteBufOutputStream(
                out))) {
            generator.writeStartObject();
            generator.writeStringField("model_name", response.modelName());
            generator.writeStringField("model_version", "1");
            generator.writeArrayFieldStart("outputs");
            generator.writeStartObject();
            generator.writeStringField("name", output.name());
            generator.writeStringField("datatype", "FP32");
            generator.writeArrayFieldStart("shape");
            generator.writeNumber(1);
            generator.writeNumber(16);
            generator.writeEndArray();
            if (binaryOutput) {
                generator.writeObjectFieldStart("parameters");
                generator.writeNumberField("binary_data_size", 64);
                generator.writeEndObject();
            } else {
                generator.writeArrayFieldStart("data");
                ByteBuffer data = output.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < 16; i++) {
                    generator.writeNumber(data.getFloat());
                }
                generator.writeEndArray();
            }
            generator.writeEndObject();
            generator.writeEndArray();
            generator.writeEndObject();
        }
        int size = out.readableBytes();
        if (binaryOutput) {
            ByteBuf blob = Unpooled.wrappedBuffer(output.data());
            size += blob.readableBytes();
            blob.release();
        }
        out.release();
        return size;
    }

    private static int release(InferResponseEncoder.Encoded encoded) {
        int size = (int) encoded.length();
        encoded.json().release();
        encoded.blobs().forEach(ByteBuf::release);
        return size;
    }
}
