package org.tritonosgi.http.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tritonosgi.http.internal.HttpFixture.assertError;
import static org.tritonosgi.http.internal.HttpFixture.json;
import static org.tritonosgi.http.internal.HttpFixture.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tritonosgi.embedded.internal.Settings;

/**
 * What Triton's own clients and QA suites (tritonclient.http.aio, L0_http) rely on: compression only of infer
 * responses, chunked bodies on every POST route, Triton's raw-binary refusals and Triton's error texts.
 */
@org.junit.jupiter.api.extension.ExtendWith(LeakCheck.class)
class HttpTritonParityTest {

    private static final String ROGER = "{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1,1],\"datatype\":\"BYTES\","
            + "\"data\":[[\"Roger Roger\"]]}]}";

    @TempDir
    static Path repo;

    private static HttpFixture http;

    @BeforeAll
    static void start() {
        HttpFixture.model(repo, "identity", """
                backend: "identity"
                max_batch_size: 8
                input [ { name: "INPUT0" data_type: TYPE_STRING dims: [ -1 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_STRING dims: [ -1 ] } ]
                """);
        HttpFixture.model(repo, "gen", """
                backend: "identity"
                input [ { name: "text_input" data_type: TYPE_STRING dims: [ 1 ] } ]
                output [ { name: "text_output" data_type: TYPE_STRING dims: [ 1 ] } ]
                """);
        HttpFixture.model(repo, "zero_1_float32_queue", """
                backend: "identity"
                max_batch_size: 8
                dynamic_batching { default_queue_policy { max_queue_size: 1 } }
                input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ -1 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ -1 ] } ]
                """);
        HttpFixture.model(repo, "versions", """
                backend: "identity"
                version_policy: { all { } }
                input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ -1 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ -1 ] } ]
                """);
        try {
            java.nio.file.Files.createDirectories(repo.resolve("versions/2"));
            java.nio.file.Files.createDirectories(repo.resolve("versions/3"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        HttpFixture.model(repo, "zero_1_float32", """
                backend: "identity"
                max_batch_size: 8
                input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ -1 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ -1 ] } ]
                """);
        HttpFixture.model(repo, "zero_1_object_1_element", """
                backend: "identity"
                max_batch_size: 8
                input [ { name: "INPUT0" data_type: TYPE_STRING dims: [ 1 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_STRING dims: [ 1 ] } ]
                """);
        HttpFixture.model(repo, "zero_1_float16", """
                backend: "identity"
                input [ { name: "INPUT0" data_type: TYPE_FP16 dims: [ -1, -1 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_FP16 dims: [ -1, -1 ] } ]
                """);
        HttpFixture.model(repo, "zero_3_float32", """
                backend: "identity"
                max_batch_size: 8
                input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 8 ] },
                        { name: "INPUT1" data_type: TYPE_FP32 dims: [ 8 ] },
                        { name: "INPUT2" data_type: TYPE_FP32 dims: [ 8 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 8 ] },
                         { name: "OUTPUT1" data_type: TYPE_FP32 dims: [ 8 ] },
                         { name: "OUTPUT2" data_type: TYPE_FP32 dims: [ 8 ] } ]
                """);
        http = new HttpFixture(Settings.of(List.of(repo)).withExitTimeout(Duration.ofSeconds(5))
                .withControlMode(Settings.ControlMode.EXPLICIT, "*"), settings -> settings);
    }

    @AfterAll
    static void stop() {
        http.close();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(zipped)) {
            out.write(data);
        }
        return zipped.toByteArray();
    }

    private static byte[] floats(int count) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * count).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            buffer.putFloat(i);
        }
        return buffer.array();
    }

    // --- 1. compression: only infer responses, as Triton; tritonclient.http.aio reads the others undecoded

    @Test
    void onlyInferResponsesAreCompressedWhateverTheClientAccepts() throws Exception {
        String[] accept = {"Accept-Encoding", "gzip, deflate"};
        Map<String, HttpResponse<byte[]>> answers = new LinkedHashMap<>();
        answers.put("server metadata", http.get("/v2", accept));
        answers.put("model metadata", http.get("/v2/models/identity", accept));
        answers.put("model config", http.get("/v2/models/identity/config", accept));
        answers.put("statistics", http.get("/v2/models/stats", accept));
        answers.put("model statistics", http.get("/v2/models/identity/stats", accept));
        answers.put("repository index", http.post("/v2/repository/index", "{}", accept));
        answers.put("trace settings", http.get("/v2/trace/setting", accept));
        answers.put("log settings", http.get("/v2/logging", accept));
        answers.put("shared memory status", http.get("/v2/systemsharedmemory/status", accept));
        answers.put("an error", http.get("/v2/models/nosuch", accept));
        answers.put("an infer error", http.post("/v2/models/nosuch/infer", ROGER, accept));
        for (Map.Entry<String, HttpResponse<byte[]>> answer : answers.entrySet()) {
            HttpResponse<byte[]> response = answer.getValue();
            assertFalse(response.headers().firstValue("content-encoding").isPresent(), answer.getKey()
                    + " must not be compressed, got Content-Encoding "
                    + response.headers().firstValue("content-encoding").orElse(""));
            json(response); // plain JSON, readable without decompression
        }
        HttpResponse<byte[]> infer = http.post("/v2/models/identity/infer", ROGER, accept);
        assertEquals(200, infer.statusCode());
        assertEquals("gzip", infer.headers().firstValue("content-encoding").orElse(""));
        String body = new String(new GZIPInputStream(new ByteArrayInputStream(infer.body())).readAllBytes(),
                StandardCharsets.UTF_8);
        assertTrue(body.contains("\"Roger Roger\""), body);
    }

    // --- 2. chunked request bodies on every POST route, also gzip'd

    /** Sends one POST with a chunked body (in pieces of {@code piece} bytes) and returns status and body. */
    private static String[] chunked(String path, byte[] body, int piece, String... headers) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", http.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: t\r\n"
                    + "Transfer-Encoding: chunked\r\n");
            for (int i = 0; i < headers.length; i += 2) {
                head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            for (int at = 0; at < body.length; at += piece) {
                int length = Math.min(piece, body.length - at);
                out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body, at, length);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return readResponse(socket.getInputStream());
        }
    }

    private static String[] readResponse(InputStream in) throws IOException {
        HttpFixture.RawResponse response = HttpFixture.readResponse(in);
        return new String[] {Integer.toString(response.status()), response.head(),
                new String(response.body(), StandardCharsets.ISO_8859_1)};
    }

    @Test
    void rawBinaryWithChunkedTransferEncodingIsServed() throws Exception {
        byte[] input = floats(8);
        for (int piece : new int[] {32, 5, 1}) {
            String[] answer = chunked("/v2/models/zero_1_float32/infer", input, piece,
                    "Inference-Header-Content-Length", "0");
            assertEquals("200", answer[0], answer[2]);
            byte[] body = answer[2].getBytes(StandardCharsets.ISO_8859_1);
            int jsonLength = headerLength(answer[1]);
            assertArrayEquals(input, Arrays.copyOfRange(body, jsonLength, body.length), "pieces of " + piece);
        }
        // as Python requests sends L0_http's manually chunked body: Content-Length (of the encoded body) too
        int encodedLength = Integer.toHexString(input.length).length() + 2 + input.length + 2 + 5;
        String[] both = chunked("/v2/models/zero_1_float32/infer", input, input.length,
                "Inference-Header-Content-Length", "0", "Content-Length", Integer.toString(encodedLength));
        assertEquals("200", both[0], both[2]);
        byte[] bothBody = both[2].getBytes(StandardCharsets.ISO_8859_1);
        assertArrayEquals(input, Arrays.copyOfRange(bothBody, headerLength(both[1]), bothBody.length));
        String[] zipped = chunked("/v2/models/zero_1_float32/infer", gzip(input), 7,
                "Inference-Header-Content-Length", "0", "Content-Encoding", "gzip");
        assertEquals("200", zipped[0], zipped[2]);
        byte[] body = zipped[2].getBytes(StandardCharsets.ISO_8859_1);
        assertArrayEquals(input, Arrays.copyOfRange(body, headerLength(zipped[1]), body.length));
    }

    private static int headerLength(String headers) {
        String lower = headers.toLowerCase(java.util.Locale.ROOT);
        int at = lower.indexOf("inference-header-content-length:");
        return Integer.parseInt(lower.substring(at + 32, lower.indexOf("\r\n", at)).trim());
    }

    @Test
    void everyPostRouteReadsChunkedAndGzipChunkedBodies() throws Exception {
        byte[] blob = floats(4);
        String binaryHeader = "{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1,4],\"datatype\":\"FP32\","
                + "\"parameters\":{\"binary_data_size\":16}}],\"outputs\":[{\"name\":\"OUTPUT0\","
                + "\"parameters\":{\"binary_data\":false}}]}";
        byte[] binary = Arrays.copyOf(binaryHeader.getBytes(StandardCharsets.UTF_8), binaryHeader.length() + 16);
        System.arraycopy(blob, 0, binary, binaryHeader.length(), 16);
        record Case(String path, byte[] body, String expected, String... headers) {
        }
        List<Case> cases = List.of(
                new Case("/v2/models/identity/infer", ROGER.getBytes(StandardCharsets.UTF_8), "\"Roger Roger\""),
                new Case("/v2/models/zero_1_float32/infer", binary, "[0.0,1.0,2.0,3.0]",
                        "Inference-Header-Content-Length", Integer.toString(binaryHeader.length())),
                new Case("/v2/repository/index", "{\"ready\":true}".getBytes(StandardCharsets.UTF_8),
                        "\"zero_3_float32\""),
                new Case("/v2/repository/models/identity/load", "{}".getBytes(StandardCharsets.UTF_8), ""),
                new Case("/v2/models/gen/generate", "{\"text_input\":\"hi\"}".getBytes(StandardCharsets.UTF_8),
                        "\"text_output\":\"hi\""),
                new Case("/v2/logging", "{\"log_verbose_level\":0}".getBytes(StandardCharsets.UTF_8),
                        "\"log_verbose_level\":0"));
        for (Case c : cases) {
            String[] plain = chunked(c.path(), c.body(), 9, c.headers());
            assertEquals("200", plain[0], c.path() + ": " + plain[2]);
            assertTrue(plain[2].contains(c.expected()), c.path() + ": " + plain[2]);
            String[] headers = Arrays.copyOf(c.headers(), c.headers().length + 2);
            headers[headers.length - 2] = "Content-Encoding";
            headers[headers.length - 1] = "gzip";
            String[] zipped = chunked(c.path(), gzip(c.body()), 9, headers);
            assertEquals("200", zipped[0], c.path() + " gzip: " + zipped[2]);
            assertTrue(zipped[2].contains(c.expected()), c.path() + " gzip: " + zipped[2]);
        }
    }

    // --- 3. raw binary requests Triton refuses, with Triton's words

    @Test
    void rawBinaryRequestsAreRefusedWhereTritonRefusesThem() throws Exception {
        String[] raw = {"Inference-Header-Content-Length", "0"};
        assertError(http.post("/v2/models/zero_3_float32/infer", floats(24), raw), 400,
                "Raw request must only have 1 input (found 1) to be deduced but got 3 inputs in 'zero_3_float32' "
                        + "model configuration");
        assertError(http.post("/v2/models/identity/infer", "427".getBytes(StandardCharsets.UTF_8), raw), 400,
                "For BYTE datatype raw input 'INPUT0', the model must have input shape [1]");
        assertError(http.post("/v2/models/zero_1_float16/infer", new byte[8], raw), 400,
                "The shape of the raw input 'INPUT0' can not be deduced because there are more than one "
                        + "variable-sized dimension");
        HttpResponse<byte[]> one = http.post("/v2/models/zero_1_object_1_element/infer",
                "427".getBytes(StandardCharsets.UTF_8), raw);
        assertEquals(200, one.statusCode(), text(one));
        int jsonLength = Integer.parseInt(one.headers().firstValue("inference-header-content-length").orElseThrow());
        assertEquals("427", new String(one.body(), jsonLength + 4, 3, StandardCharsets.UTF_8));
        assertEquals("[1,1]", HttpFixture.JSON.readTree(Arrays.copyOf(one.body(), jsonLength)).get("outputs").get(0)
                .get("shape").toString());
    }

    // --- 4. Triton's texts for what Triton's tests and users grep for

    @Test
    void errorTextsAreTritons() throws Exception {
        assertError(http.post("/v2/models/zero_1_float32/infer", "{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1,1],"
                + "\"datatype\":\"FP32\",\"data\":[1]}],\"outputs\":[{\"name\":\"OUTPUT0\"},{\"name\":\"OUTPUT0\"}]}"),
                400, "output 'OUTPUT0' already exists in request");
        assertError(http.post("/v2/models/zero_1_float32/infer", "{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1,1],"
                + "\"datatype\":\"FP32\",\"data\":[1]},{\"name\":\"INPUT0\",\"shape\":[1,1],\"datatype\":\"FP32\","
                + "\"data\":[1]}]}"), 400, "input 'INPUT0' already exists in request");
        assertError(http.post("/v2/models/zero_1_float32/infer", "{\"inputs\":[{\"name\":\"INPUT0\","
                + "\"shape\":[16,1152921504606846978],\"datatype\":\"FP32\",\"data\":[1.0]}]}"), 400,
                "causes total element count to exceed maximum size of");
        assertError(http.post("/v2/models/zero_1_float32/infer", "{\"inputs\":[{\"name\":\"INPUT0\","
                + "\"shape\":[4,1152921504606846978],\"datatype\":\"FP32\",\"data\":[1.0]}]}"), 400,
                "byte size overflow for input 'INPUT0'");
        String deep = "[".repeat(120) + "\"hello\"" + "]".repeat(120);
        assertError(http.post("/v2/models/identity/infer", "{\"inputs\":[{\"name\":\"INPUT0\",\"datatype\":\"BYTES\","
                + "\"shape\":[1,1],\"data\":" + deep + "}]}"), 400,
                "JSON nesting depth exceeds maximum allowed limit (100)");
        String fifty = "[".repeat(50) + "\"hello\"" + "]".repeat(50);
        HttpResponse<byte[]> accepted = http.post("/v2/models/identity/infer", "{\"inputs\":[{\"name\":\"INPUT0\","
                + "\"datatype\":\"BYTES\",\"shape\":[1,1],\"data\":" + fifty + "}]}");
        assertEquals(200, accepted.statusCode(), text(accepted));
        assertError(http.post("/v2/models/identity/infer", new byte[2 << 20]), 413,
                "Request JSON size of 2097152 bytes exceeds the maximum allowed value of 1048576 bytes. "
                        + "Use --http-max-input-size to increase the limit", "max.input.size");
        String deepObject = "{\"a\":".repeat(150) + "1" + "}".repeat(150);
        assertError(http.post("/v2/repository/index", deepObject), 400,
                "JSON nesting depth exceeds maximum allowed limit (100)");
    }

    // --- 5. Triton's overload control: a full queue is 503

    @Test
    void aRequestPastTheQueueIs503ExceedsMaximumQueueSize() throws Exception {
        String slow = "{\"parameters\":{\"delay_ms\":3000},\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1,1],"
                + "\"datatype\":\"FP32\",\"data\":[1]}]}";
        List<java.util.concurrent.CompletableFuture<HttpResponse<byte[]>>> held = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            held.add(http.client.sendAsync(http.request("/v2/models/zero_1_float32_queue/infer")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(slow)).build(),
                    HttpResponse.BodyHandlers.ofByteArray()));
        }
        // one executes, one waits in the queue of one
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (http.engine.statistics("zero_1_float32_queue", 0).get(0).pendingRequestCount() != 1) {
            assertTrue(System.nanoTime() < deadline, "the second request never queued");
            Thread.sleep(2);
        }
        HttpResponse<byte[]> refused = http.post("/v2/models/zero_1_float32_queue/infer", floats(1),
                "Inference-Header-Content-Length", "0");
        assertError(refused, 503, "Exceeds maximum queue size");
        for (var response : held) {
            assertEquals(200, response.get(30, java.util.concurrent.TimeUnit.SECONDS).statusCode());
        }
    }

    @Test
    void aDrainingServerIsLiveButReadyAnswers503ServerExiting() throws Exception {
        try (HttpFixture draining = new HttpFixture(Settings.of(List.of(repo)).withExitTimeout(Duration.ofSeconds(5)),
                settings -> settings)) {
            assertEquals(200, draining.get("/v2/health/ready").statusCode());
            assertTrue(((org.tritonosgi.embedded.internal.EmbeddedInferenceServer) draining.engine).drain());
            assertError(draining.get("/v2/health/ready"), 503, "Server exiting");
            assertEquals(200, draining.get("/v2/health/live").statusCode(), "live until it stops");
            assertError(draining.post("/v2/models/identity/infer", ROGER), 503, "Server exiting");
        }
    }

    @Test
    void negativeDimensionsStay400AndCarryTritonsText() throws Exception {
        assertError(http.post("/v2/models/zero_1_float32/infer", "{\"inputs\":[{\"name\":\"INPUT0\","
                + "\"shape\":[2,-5],\"datatype\":\"FP32\",\"data\":[1.0]}]}"), 400,
                "Unable to parse 'shape': attempt to access JSON non-unsigned-integer as unsigned-integer");
    }

    @Test
    void repositoryIndexHasOneRowPerVersion() throws Exception {
        JsonNode index = json(http.post("/v2/repository/index", "{\"ready\":true}"));
        List<String> rows = new java.util.ArrayList<>();
        index.forEach(row -> {
            if (row.get("name").asText().equals("versions")) {
                rows.add(row.toString());
            }
        });
        assertEquals(List.of("{\"name\":\"versions\",\"version\":\"1\",\"state\":\"READY\"}",
                "{\"name\":\"versions\",\"version\":\"2\",\"state\":\"READY\"}",
                "{\"name\":\"versions\",\"version\":\"3\",\"state\":\"READY\"}"), rows);
    }

    @Test
    void wrongReadyTypeInRepositoryIndexIs400() throws Exception {
        // Triton answers 500 here; the fault is the client's
        assertError(http.post("/v2/repository/index", "{\"ready\":\"yes\"}"), 400, "'ready' must be a bool");
    }
}
