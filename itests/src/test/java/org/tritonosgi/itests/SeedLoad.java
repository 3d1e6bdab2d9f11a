package org.tritonosgi.itests;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.tritonosgi.grpc.internal.proto.GRPCInferenceServiceGrpc;
import org.tritonosgi.grpc.internal.proto.InferTensorContents;
import org.tritonosgi.grpc.internal.proto.ModelInferRequest;
import org.tritonosgi.grpc.internal.proto.ModelInferResponse;

/**
 * HTTP and gRPC clients sending the seed's request ("Roger Roger" through identity) in a loop to a distribution,
 * counting how each request ended. The targets may move while they run (the clients follow, as behind a load
 * balancer).
 */
final class SeedLoad {

    static final Duration REQUEST_LIMIT = Duration.ofSeconds(20);
    static final String SEED = "{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1,1],\"datatype\":\"BYTES\","
            + "\"data\":[[\"Roger Roger\"]]}]}";

    /** How one request ended. */
    enum Outcome {
        ANSWERED, UNAVAILABLE, CONNECTION_REFUSED, OTHER
    }

    final Map<Outcome, AtomicLong> counts = new EnumMap<>(Outcome.class);
    final List<String> others = new CopyOnWriteArrayList<>();
    /** Where the clients send. */
    final AtomicInteger httpTarget = new AtomicInteger();
    final AtomicReference<ManagedChannel> grpcTarget = new AtomicReference<>();
    private final AtomicBoolean loading = new AtomicBoolean(true);
    private final List<Thread> clients = new ArrayList<>();

    SeedLoad(int httpPort, int grpcPort) {
        for (Outcome outcome : Outcome.values()) {
            counts.put(outcome, new AtomicLong());
        }
        httpTarget.set(httpPort);
        grpcTarget.set(channel(grpcPort));
    }

    static ManagedChannel channel(int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    /** Starts this many HTTP and as many gRPC clients. */
    SeedLoad start(int each) {
        for (int i = 0; i < each; i++) {
            clients.add(new Thread(this::httpClient, "http-client-" + i));
            clients.add(new Thread(this::grpcClient, "grpc-client-" + i));
        }
        clients.forEach(Thread::start);
        return this;
    }

    /** Stops the clients, waits for each to end (bounded by the request limit) and closes the channel. */
    void stop() throws InterruptedException {
        loading.set(false);
        for (Thread client : clients) {
            client.join(REQUEST_LIMIT.toMillis() + 5000);
        }
        grpcTarget.get().shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    /** The clients still running (none should be after {@link #stop()}). */
    List<String> alive() {
        return clients.stream().filter(Thread::isAlive).map(Thread::getName).toList();
    }

    long count(Outcome outcome) {
        return counts.get(outcome).get();
    }

    long answered() {
        return count(Outcome.ANSWERED);
    }

    private void count(Outcome outcome, String detail) {
        counts.get(outcome).incrementAndGet();
        if (outcome == Outcome.OTHER && others.size() < 20) {
            others.add(detail);
        }
        if (outcome != Outcome.ANSWERED) {
            pace();
        }
    }

    /** A client that was refused waits a little before its next try, as a real one would, bounding the count. */
    private static void pace() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void httpClient() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        while (loading.get()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpTarget.get()
                    + "/v2/models/identity/infer")).timeout(REQUEST_LIMIT)
                    .POST(HttpRequest.BodyPublishers.ofString(SEED)).build();
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && response.body().contains("\"data\":[\"Roger Roger\"]")) {
                    count(Outcome.ANSWERED, null);
                } else if (response.statusCode() == 503 && response.body().contains("\"error\"")) {
                    count(Outcome.UNAVAILABLE, null);
                } else {
                    count(Outcome.OTHER, "HTTP " + response.statusCode() + " " + response.body());
                }
            } catch (HttpTimeoutException e) {
                count(Outcome.OTHER, "HTTP request hung past " + REQUEST_LIMIT.toSeconds() + " s");
            } catch (IOException e) {
                count(Outcome.CONNECTION_REFUSED, null);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void grpcClient() {
        ModelInferRequest request = ModelInferRequest.newBuilder().setModelName("identity")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("INPUT0").setDatatype("BYTES")
                        .addShape(1).addShape(1).setContents(InferTensorContents.newBuilder()
                                .addBytesContents(ByteString.copyFromUtf8("Roger Roger")))).build();
        while (loading.get()) {
            try {
                var stub = GRPCInferenceServiceGrpc.newBlockingStub(grpcTarget.get());
                ModelInferResponse response = stub.withDeadlineAfter(REQUEST_LIMIT.toMillis(), TimeUnit.MILLISECONDS)
                        .modelInfer(request);
                ByteString raw = response.getRawOutputContents(0);
                if (raw.size() == 15 && raw.substring(4).toStringUtf8().equals("Roger Roger")) {
                    count(Outcome.ANSWERED, null);
                } else {
                    count(Outcome.OTHER, "gRPC wrong answer " + response);
                }
            } catch (StatusRuntimeException e) {
                switch (e.getStatus().getCode()) {
                    case UNAVAILABLE -> count(Outcome.UNAVAILABLE, null);
                    default -> count(Outcome.OTHER, "gRPC " + e.getStatus());
                }
            }
        }
    }

    @Override
    public String toString() {
        return counts.toString();
    }
}
