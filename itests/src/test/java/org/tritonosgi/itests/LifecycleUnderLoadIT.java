package org.tritonosgi.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

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
import java.nio.file.Files;
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
import org.junit.Test;
import org.tritonosgi.grpc.internal.proto.GRPCInferenceServiceGrpc;
import org.tritonosgi.grpc.internal.proto.InferTensorContents;
import org.tritonosgi.grpc.internal.proto.ModelInferRequest;
import org.tritonosgi.grpc.internal.proto.ModelInferResponse;

/**
 * A running distribution, while 32 HTTP and 32 gRPC clients send the seed's request: the engine bundle is stopped
 * and started, the api bundle refreshed (restarting everything that uses it), the HTTP and gRPC ports moved and
 * moved back (the clients follow once the new port answers, as behind a load balancer), and the triton feature
 * uninstalled and installed again. Every request gets the right answer, 503 / UNAVAILABLE, or a refused connection while the
 * ports are closed; none gets a wrong answer, another error or hangs; Karaf's log holds no ERROR.
 */
public class LifecycleUnderLoadIT {

    private static final Duration REQUEST_LIMIT = Duration.ofSeconds(20);
    private static final String SEED = "{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1,1],\"datatype\":\"BYTES\","
            + "\"data\":[[\"Roger Roger\"]]}]}";

    /** How one request ended. */
    enum Outcome {
        ANSWERED, UNAVAILABLE, CONNECTION_REFUSED, OTHER
    }

    private final Map<Outcome, AtomicLong> counts = new EnumMap<>(Outcome.class);
    private final List<String> others = new CopyOnWriteArrayList<>();
    private final AtomicBoolean loading = new AtomicBoolean(true);
    /** Where the clients send: the ports move during the test. */
    private final AtomicInteger httpTarget = new AtomicInteger();
    private final AtomicReference<ManagedChannel> grpcTarget = new AtomicReference<>();

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

    private long answered() {
        return counts.get(Outcome.ANSWERED).get();
    }

    /**
     * Runs the down command (if any) and waits for the frontends' ports to close, then the up command, then waits
     * until the distribution answers again and 200 more requests were answered.
     */
    private void cycle(Distribution karaf, String down, String up) throws Exception {
        if (down != null) {
            karaf.shell(down, "the HTTP and gRPC ports close",
                    () -> !TritonKaraf.listening(karaf.httpPort) && !TritonKaraf.listening(karaf.grpcPort));
        }
        long before = answered();
        karaf.shell(up, "the distribution answers ready", karaf::ready);
        TritonKaraf.await("200 more requests answered after '" + up + "'", Duration.ofSeconds(60),
                () -> answered() >= before + 200);
        System.out.println("after '" + (down == null ? "" : down + "' and '") + up + "': " + counts);
    }

    private static ManagedChannel channel(int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    /**
     * Moves HTTP and gRPC to these ports with config:property-set, waits until the old ports close and the new ones
     * answer, points the clients there, then waits until 200 more requests were answered.
     */
    private void movePorts(Distribution karaf, int http, int grpc) throws Exception {
        int oldHttp = httpTarget.get();
        karaf.shell("config:property-set -p org.tritonosgi.http port " + http, "HTTP moves from " + oldHttp + " to "
                + http, () -> Distribution.ready(http) && !TritonKaraf.listening(oldHttp));
        httpTarget.set(http);
        ManagedChannel old = grpcTarget.get();
        int oldGrpc = grpcPort(old);
        karaf.shell("config:property-set -p org.tritonosgi.grpc port " + grpc, "gRPC moves from " + oldGrpc + " to "
                + grpc, () -> TritonKaraf.listening(grpc) && !TritonKaraf.listening(oldGrpc));
        grpcTarget.set(channel(grpc));
        old.shutdown();
        long before = answered();
        TritonKaraf.await("200 more requests answered on ports " + http + " and " + grpc, Duration.ofSeconds(60),
                () -> answered() >= before + 200);
        assertTrue("the old channel ends", old.awaitTermination(REQUEST_LIMIT.toSeconds(), TimeUnit.SECONDS));
        System.out.println("after moving to ports " + http + " and " + grpc + ": " + counts);
    }

    private static int grpcPort(ManagedChannel channel) {
        String authority = channel.authority();
        return Integer.parseInt(authority.substring(authority.lastIndexOf(':') + 1));
    }

    @Test
    public void stoppingRefreshingAndReinstallingUnderLoadLosesAndBreaksNothing() throws Exception {
        for (Outcome outcome : Outcome.values()) {
            counts.put(outcome, new AtomicLong());
        }
        try (Distribution karaf = new Distribution("lifecycle-it")) {
            karaf.start(Duration.ofSeconds(120));
            TritonKaraf.await("gRPC listens", Duration.ofSeconds(60), () -> TritonKaraf.listening(karaf.grpcPort));
            httpTarget.set(karaf.httpPort);
            grpcTarget.set(channel(karaf.grpcPort));
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                clients.add(new Thread(this::httpClient, "http-client-" + i));
                clients.add(new Thread(this::grpcClient, "grpc-client-" + i));
            }
            clients.forEach(Thread::start);
            try {
                TritonKaraf.await("200 requests answered", Duration.ofSeconds(60), () -> answered() >= 200);
                cycle(karaf, "bundle:stop org.tritonosgi.embedded", "bundle:start org.tritonosgi.embedded");
                cycle(karaf, null, "bundle:refresh org.tritonosgi.api");
                movePorts(karaf, Integer.parseInt(TritonKaraf.freePort()), Integer.parseInt(TritonKaraf.freePort()));
                movePorts(karaf, karaf.httpPort, karaf.grpcPort);
                cycle(karaf, "feature:uninstall triton", "feature:install triton");
            } finally {
                loading.set(false);
                for (Thread client : clients) {
                    client.join(REQUEST_LIMIT.toMillis() + 5000);
                }
                grpcTarget.get().shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            System.out.println("stop/start under load, outcomes: " + counts);
            assertEquals("no request got a wrong answer, another error or hung: " + others, 0,
                    counts.get(Outcome.OTHER).get());
            for (Thread client : clients) {
                assertTrue(client.getName() + " ended", !client.isAlive());
            }
            List<String> errors = Files.readAllLines(karaf.home.resolve("data/log/karaf.log")).stream()
                    .filter(line -> line.contains("| ERROR |")).toList();
            assertEquals("Karaf's log holds no ERROR", List.of(), errors);
        }
    }
}
