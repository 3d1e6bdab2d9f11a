package org.tritonosgi.http.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.tritonosgi.embedded.internal.EmbeddedInferenceServer;
import org.tritonosgi.embedded.internal.Settings;

/** Stalled clients are disconnected; a 64 MiB binary tensor round-trips with no heap copy of it on the server. */
@ExtendWith(LeakCheck.class)
class HttpConnectionLimitsTest {

    private static final int BIG = 64 << 20;

    @TempDir
    static Path repo;

    private static EmbeddedInferenceServer engine;
    private static HttpServer server;
    private static HttpServer impatient;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(repo.resolve("bytes/1"));
        Files.writeString(repo.resolve("bytes/config.pbtxt"), """
                backend: "identity"
                input [ { name: "INPUT0" data_type: TYPE_UINT8 dims: [ -1 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_UINT8 dims: [ -1 ] } ]
                """);
        engine = new EmbeddedInferenceServer(Settings.of(List.of(repo)).withExitTimeout(Duration.ofSeconds(5)), "t");
        server = new HttpServer(engine, HttpSettings.of(new InetSocketAddress("127.0.0.1", 0), 1, BIG + (1 << 20)));
        server.start();
        impatient = new HttpServer(engine, HttpSettings.of(new InetSocketAddress("127.0.0.1", 0), 1, 1 << 20),
                Duration.ofMillis(300));
        impatient.start();
    }

    @AfterAll
    static void stop() {
        server.stop();
        impatient.stop();
        engine.deactivate();
    }

    @Test
    void aClientThatStallsHalfwayThroughItsRequestIsDisconnected() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", impatient.localAddress().getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /v2/models/bytes/infer HTTP/1.1\r\nHost: t\r\nContent-Length: 500\r\n"
                    + "\r\n{\"inputs\":").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            assertEquals(-1, in.read(), "the server closed the silent connection");
        }
    }

    /** Bytes allocated so far by the server's own threads (event loops and engine executions). */
    private static long serverAllocations() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long total = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("triton-")) {
                total += threads.getThreadAllocatedBytes(thread.getId());
            }
        }
        return total;
    }

    @Test
    void a64MiBBinaryTensorRoundTripsWithNoHeapCopyOfItOnTheServer() throws Exception {
        byte[] header = ("{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[" + BIG + "],\"datatype\":\"UINT8\","
                + "\"parameters\":{\"binary_data_size\":" + BIG + "}}],\"parameters\":{\"binary_data_output\":true}}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] body = Arrays.copyOf(header, header.length + BIG);
        ByteBuffer.wrap(body, header.length, BIG).order(ByteOrder.LITTLE_ENDIAN).putLong(0x0102030405060708L);
        body[body.length - 1] = 42;
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.localAddress().getPort()
                + "/v2/models/bytes/infer")).header("Inference-Header-Content-Length", Integer.toString(header.length))
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();

        // the paranoid leak detector records a stack trace per buffer touch: not ours to count
        io.netty.util.ResourceLeakDetector.Level level = io.netty.util.ResourceLeakDetector.getLevel();
        io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
        long allocated;
        HttpResponse<byte[]> response;
        try {
            long before = serverAllocations();
            response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            allocated = serverAllocations() - before;
        } finally {
            io.netty.util.ResourceLeakDetector.setLevel(level);
        }

        assertEquals(200, response.statusCode());
        int jsonLength = Integer.parseInt(response.headers().firstValue("inference-header-content-length")
                .orElseThrow());
        byte[] blob = Arrays.copyOfRange(response.body(), jsonLength, response.body().length);
        assertEquals(BIG, blob.length);
        assertArrayEquals(Arrays.copyOfRange(body, header.length, header.length + 8), Arrays.copyOf(blob, 8));
        assertEquals(42, blob[BIG - 1]);
        // the aggregated request is merged once into pooled direct memory, not the heap: a heap copy of the
        // tensor would take the total past BIG / 2
        assertTrue(allocated < BIG / 2, "the server's threads allocated " + allocated + " bytes on the heap "
                + "for a " + BIG + "-byte tensor: a heap copy of it");
    }
}
