package org.tritonosgi.http.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives the HTTP frontend over loopback with a real HTTP client, against the embedded engine. */
@org.junit.jupiter.api.extension.ExtendWith(LeakCheck.class)
class HttpProtocolTest {

    private static final ObjectMapper JSON = HttpFixture.JSON;
    private static final List<String> TYPES = List.of("BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8",
            "INT16", "INT32", "INT64", "FP16", "FP32", "FP64", "BYTES");

    @TempDir
    static Path repo;

    private static HttpFixture fixture;

    @BeforeAll
    static void start() throws IOException {
        Path identity = Files.createDirectories(repo.resolve("identity/1"));
        Files.writeString(identity.getParent().resolve("config.pbtxt"), """
                name: "identity"
                backend: "identity"
                max_batch_size: 8
                input [ { name: "INPUT0" data_type: TYPE_STRING dims: [ -1 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_STRING dims: [ -1 ] } ]
                """);
        StringBuilder allTypes = new StringBuilder("backend: \"identity\"\n");
        for (String type : TYPES) {
            String config = type.equals("BYTES") ? "STRING" : type;
            allTypes.append("input { name: \"IN_").append(type).append("\" data_type: TYPE_").append(config)
                    .append(" dims: [ -1 ] optional: true }\n");
            allTypes.append("output { name: \"OUT_").append(type).append("\" data_type: TYPE_").append(config)
                    .append(" dims: [ -1 ] }\n");
        }
        Files.createDirectories(repo.resolve("all_types/1"));
        Files.writeString(repo.resolve("all_types/config.pbtxt"), allTypes.toString());
        fixture = new HttpFixture(repo);
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    private static HttpResponse<byte[]> get(String path) throws Exception {
        return fixture.get(path);
    }

    private static HttpResponse<byte[]> post(String path, byte[] body, String... headers) throws Exception {
        return fixture.post(path, body, headers);
    }

    private static HttpResponse<byte[]> post(String path, String json) throws Exception {
        return fixture.post(path, json);
    }

    private static JsonNode json(HttpResponse<byte[]> response) throws IOException {
        return HttpFixture.json(response);
    }

    private static void assertError(HttpResponse<byte[]> response, int status, String... fragments)
            throws IOException {
        HttpFixture.assertError(response, status, fragments);
    }

    @Test
    void healthEndpointsAnswer200WithEmptyBody() throws Exception {
        for (String path : List.of("/v2/health/live", "/v2/health/ready", "/v2/models/identity/ready",
                "/v2/models/identity/versions/1/ready")) {
            HttpResponse<byte[]> response = get(path);
            assertEquals(200, response.statusCode(), path);
            assertEquals(0, response.body().length, path);
        }
    }

    @Test
    void serverMetadataListsIdVersionAndExtensions() throws Exception {
        JsonNode metadata = json(get("/v2"));
        assertEquals("triton", metadata.get("name").asText());
        assertEquals("1.2.3", metadata.get("version").asText());
        List<String> extensions = JSON.convertValue(metadata.get("extensions"), List.class);
        assertTrue(extensions.contains("binary_tensor_data"), extensions.toString());
    }

    @Test
    void modelMetadataShowsVersionsPlatformAndBatchDimension() throws Exception {
        JsonNode metadata = json(get("/v2/models/identity"));
        assertEquals("identity", metadata.get("name").asText());
        assertEquals("[\"1\"]", metadata.get("versions").toString());
        assertEquals("identity", metadata.get("platform").asText());
        assertEquals("{\"name\":\"INPUT0\",\"datatype\":\"BYTES\",\"shape\":[-1,-1]}",
                metadata.get("inputs").get(0).toString());
        assertEquals("OUTPUT0", json(get("/v2/models/identity/versions/1")).get("outputs").get(0).get("name")
                .asText());
    }

    @Test
    void seedRequestRogerRogerComesBackUnchanged() throws Exception {
        HttpResponse<byte[]> response = post("/v2/models/identity/infer", """
                {"id": "seed", "inputs": [{"name": "INPUT0", "shape": [1, 1], "datatype": "BYTES",
                  "data": [["Roger Roger"]]}]}""");
        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        JsonNode body = json(response);
        assertEquals("identity", body.get("model_name").asText());
        assertEquals("1", body.get("model_version").asText());
        assertEquals("seed", body.get("id").asText());
        assertEquals("{\"name\":\"OUTPUT0\",\"datatype\":\"BYTES\",\"shape\":[1,1],\"data\":[\"Roger Roger\"]}",
                body.get("outputs").get(0).toString());
    }

    @Test
    void everyJsonDatatypeRoundTripsIncludingExtremes() throws Exception {
        String[][] cases = {
                {"BOOL", "[true,false]"},
                {"UINT8", "[0,255]"},
                {"UINT16", "[0,65535]"},
                {"UINT32", "[0,4294967295]"},
                {"UINT64", "[0,18446744073709551615]"},
                {"INT8", "[-128,127]"},
                {"INT16", "[-32768,32767]"},
                {"INT32", "[-2147483648,2147483647]"},
                {"INT64", "[-9223372036854775808,9223372036854775807]"},
                {"FP32", "[1.5,-0.25]"},
                {"FP64", "[1.0E300,-2.5E-300]"},
                {"BYTES", "[\"\",\"h\\u00e9llo\"]"}};
        StringBuilder request = new StringBuilder("{\"inputs\":[");
        for (String[] c : cases) {
            request.append("{\"name\":\"IN_").append(c[0]).append("\",\"datatype\":\"").append(c[0])
                    .append("\",\"shape\":[2],\"data\":").append(c[1]).append("},");
        }
        request.setLength(request.length() - 1);
        request.append("]}");
        HttpResponse<byte[]> response = post("/v2/models/all_types/infer", request.toString());
        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        JsonNode outputs = json(response).get("outputs");
        assertEquals(cases.length, outputs.size());
        for (int i = 0; i < cases.length; i++) {
            JsonNode output = outputs.get(i);
            assertEquals("OUT_" + cases[i][0], output.get("name").asText());
            assertEquals(cases[i][0], output.get("datatype").asText());
            assertEquals(JSON.readTree(cases[i][1]), output.get("data"), cases[i][0]);
        }
    }

    @Test
    void binaryTensorExtensionRoundTripsAsTritonclientSendsIt() throws Exception {
        byte[] roger = "Roger Roger".getBytes(StandardCharsets.UTF_8);
        ByteBuffer blob = ByteBuffer.allocate(4 + roger.length).order(ByteOrder.LITTLE_ENDIAN);
        blob.putInt(roger.length).put(roger);
        byte[] header = ("{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1,1],\"datatype\":\"BYTES\","
                + "\"parameters\":{\"binary_data_size\":" + blob.capacity() + "}}],"
                + "\"parameters\":{\"binary_data_output\":true}}").getBytes(StandardCharsets.UTF_8);
        byte[] body = Arrays.copyOf(header, header.length + blob.capacity());
        System.arraycopy(blob.array(), 0, body, header.length, blob.capacity());

        HttpResponse<byte[]> response = post("/v2/models/identity/infer", body,
                "Inference-Header-Content-Length", Integer.toString(header.length));

        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        assertEquals("application/octet-stream", response.headers().firstValue("content-type").orElse(""));
        int jsonLength = Integer.parseInt(response.headers().firstValue("inference-header-content-length")
                .orElseThrow());
        JsonNode json = JSON.readTree(Arrays.copyOf(response.body(), jsonLength));
        JsonNode output = json.get("outputs").get(0);
        assertEquals(blob.capacity(), output.get("parameters").get("binary_data_size").asInt());
        assertTrue(output.get("data") == null);
        assertArrayEquals(blob.array(), Arrays.copyOfRange(response.body(), jsonLength, response.body().length));
    }

    @Test
    void binaryFp16InputComesBackAsRequestedPerOutput() throws Exception {
        byte[] header = ("{\"inputs\":[{\"name\":\"IN_FP16\",\"shape\":[2],\"datatype\":\"FP16\","
                + "\"parameters\":{\"binary_data_size\":4}}],"
                + "\"outputs\":[{\"name\":\"OUT_FP16\",\"parameters\":{\"binary_data\":true}}]}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] body = Arrays.copyOf(header, header.length + 4);
        body[header.length] = 0x00;
        body[header.length + 1] = 0x3C;
        body[header.length + 2] = 0x00;
        body[header.length + 3] = (byte) 0xC0;
        HttpResponse<byte[]> response = post("/v2/models/all_types/infer", body,
                "Inference-Header-Content-Length", Integer.toString(header.length));
        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        byte[] tail = Arrays.copyOfRange(response.body(), response.body().length - 4, response.body().length);
        assertArrayEquals(Arrays.copyOfRange(body, header.length, body.length), tail);
    }

    @Test
    void unknownModelGives400NamingTheModel() throws Exception {
        assertError(post("/v2/models/nosuch/infer", "{\"inputs\":[]}"), 400, "'nosuch'");
        assertError(get("/v2/models/nosuch"), 400, "'nosuch'");
        assertError(get("/v2/models/nosuch/ready"), 400, "'nosuch'");
    }

    @Test
    void missingVersionGives404() throws Exception {
        assertError(get("/v2/models/identity/versions/9"), 404, "'identity'", "version 9");
        assertError(post("/v2/models/identity/versions/9/infer", "{\"inputs\":[]}"), 404, "version 9");
    }

    @Test
    void malformedJsonGives400WithPosition() throws Exception {
        assertError(post("/v2/models/identity/infer", "{\"inputs\": [ {\"name\": \"INPUT0\", }"), 400,
                "failed to parse the request JSON", "line 1");
        assertError(post("/v2/models/identity/infer", "[1]"), 400, "the request must be an object");
        assertError(post("/v2/models/identity/infer", "{\"inputs\": []} {}"), 400, "after the request");
    }

    @Test
    void wrongDatatypeGives400NamingInputAndTypes() throws Exception {
        assertError(post("/v2/models/identity/infer",
                "{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1,1],\"datatype\":\"FP32\",\"data\":[1.0]}]}"),
                400, "'INPUT0'", "FP32", "BYTES");
        assertError(post("/v2/models/identity/infer",
                "{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1,1],\"datatype\":\"FLOAT\",\"data\":[1.0]}]}"),
                400, "'INPUT0'", "invalid datatype 'FLOAT'");
        assertError(post("/v2/models/all_types/infer",
                "{\"inputs\":[{\"name\":\"IN_INT8\",\"shape\":[1],\"datatype\":\"INT8\",\"data\":[300]}]}"),
                400, "'IN_INT8'", "300", "INT8");
    }

    @Test
    void shapeAndDataSizeMismatchGives400NamingInput() throws Exception {
        assertError(post("/v2/models/identity/infer",
                "{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1,2],\"datatype\":\"BYTES\",\"data\":[\"a\"]}]}"),
                400, "'INPUT0'", "1 elements", "holds 2");
        assertError(post("/v2/models/identity/infer",
                "{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1,-1],\"datatype\":\"BYTES\",\"data\":[\"a\"]}]}"),
                400, "input 'INPUT0' 'shape' element 1");
        assertError(post("/v2/models/identity/infer",
                "{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[2],\"datatype\":\"BYTES\",\"data\":[\"a\",\"b\"]}]}"),
                400, "unexpected shape for input 'INPUT0'");
    }

    @Test
    void binarySizeThatDisagreesWithTheBodyGives400() throws Exception {
        byte[] header = ("{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1,1],\"datatype\":\"BYTES\","
                + "\"parameters\":{\"binary_data_size\":99}}]}").getBytes(StandardCharsets.UTF_8);
        assertError(post("/v2/models/identity/infer", Arrays.copyOf(header, header.length + 5),
                "Inference-Header-Content-Length", Integer.toString(header.length)), 400, "'INPUT0'", "99");
        assertError(post("/v2/models/identity/infer", header, "Inference-Header-Content-Length", "99999999999"),
                400, "Inference-Header-Content-Length");
    }

    @Test
    void fp16AsJsonAndReservedParametersGive400() throws Exception {
        assertError(post("/v2/models/all_types/infer",
                "{\"inputs\":[{\"name\":\"IN_FP16\",\"shape\":[1],\"datatype\":\"FP16\",\"data\":[1.0]}]}"),
                400, "'IN_FP16'", "FP16", "binary");
        assertError(post("/v2/models/identity/infer", "{\"parameters\":{\"triton_x\":1},\"inputs\":[]}"),
                400, "'triton_x'", "reserved");
    }

    @Test
    void unknownPathGives404AndWrongMethodGives405() throws Exception {
        assertError(get("/v2/nothing"), 404, "Not Found");
        assertError(get("/v2/models/identity/versions/x"), 404, "Not Found");
        assertError(get("/v2/models/identity/infer"), 405, "Method Not Allowed");
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderOnOneConnection() throws Exception {
        String[] words = {"first", "second", "third"};
        StringBuilder pipelined = new StringBuilder();
        for (String word : words) {
            String body = "{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1,1],\"datatype\":\"BYTES\",\"data\":[\""
                    + word + "\"]}]}";
            pipelined.append("POST /v2/models/identity/infer HTTP/1.1\r\nHost: test\r\nContent-Length: ")
                    .append(body.length()).append("\r\n\r\n").append(body);
        }
        try (Socket socket = new Socket("127.0.0.1", fixture.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(pipelined.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            for (String word : words) {
                JsonNode body = JSON.readTree(HttpFixture.readResponseBody(in));
                assertEquals("[\"" + word + "\"]", body.get("outputs").get(0).get("data").toString());
            }
        }
    }

    @Test
    void invalidSettingsNamePidPropertyAndValue() {
        var config = org.osgi.util.converter.Converters.standardConverter()
                .convert(java.util.Map.of("port", 70000)).to(HttpConfig.class);
        IllegalArgumentException error = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> HttpSettings.from(config));
        assertEquals("PID org.tritonosgi.http: invalid value '70000' for property 'port': expected a TCP port "
                + "from 0 to 65535", error.getMessage());
    }

    @Test
    void rawBinaryRequestFeedsTheOnlyInputAndAnswersBinary() throws Exception {
        byte[] floats = new byte[12];
        ByteBuffer.wrap(floats).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f).putFloat(8f);
        HttpResponse<byte[]> response = post("/v2/models/all_types/infer", floats, "Inference-Header-Content-Length",
                "0");
        assertError(response, 400, "Raw request must only have 1 input (found 1) to be deduced but got 13 inputs");
        response = post("/v2/models/identity/infer", "Roger Roger".getBytes(StandardCharsets.UTF_8),
                "Inference-Header-Content-Length", "0");
        assertError(response, 400, "For BYTE datatype raw input 'INPUT0', the model must have input shape [1]");
    }

    @Test
    void classificationReturnsTopValuesAsBytes() throws Exception {
        HttpResponse<byte[]> response = post("/v2/models/all_types/infer", ("{\"inputs\":[{\"name\":\"IN_FP32\","
                + "\"datatype\":\"FP32\",\"shape\":[3],\"data\":[0.5,2.5,1.0]}],\"outputs\":[{\"name\":"
                + "\"OUT_FP32\",\"parameters\":{\"classification\":2}}]}").getBytes(StandardCharsets.UTF_8));
        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        assertEquals("{\"name\":\"OUT_FP32\",\"datatype\":\"BYTES\",\"shape\":[2],"
                + "\"data\":[\"2.500000:1\",\"1.000000:2\"]}", json(response).get("outputs").get(0).toString());
    }

    @Test
    void everyDatatypeRoundTripsAsTritonclientSendsBinaryData() throws Exception {
        java.util.Random random = new java.util.Random(7);
        for (String type : TYPES) {
            byte[] blob;
            if (type.equals("BYTES")) {
                blob = new byte[] {3, 0, 0, 0, 'a', 'b', 'c', 0, 0, 0, 0};
            } else {
                int size = org.tritonosgi.api.DataType.parse(type).elementSize();
                blob = new byte[2 * size];
                random.nextBytes(blob);
                if (type.equals("BOOL")) {
                    blob = new byte[] {1, 0};
                }
            }
            byte[] header = ("{\"inputs\":[{\"name\":\"IN_" + type + "\",\"shape\":[2],\"datatype\":\"" + type
                    + "\",\"parameters\":{\"binary_data_size\":" + blob.length + "}}],\"outputs\":[{\"name\":\"OUT_"
                    + type + "\",\"parameters\":{\"binary_data\":true}}]}").getBytes(StandardCharsets.UTF_8);
            byte[] body = Arrays.copyOf(header, header.length + blob.length);
            System.arraycopy(blob, 0, body, header.length, blob.length);
            HttpResponse<byte[]> response = post("/v2/models/all_types/infer", body,
                    "Inference-Header-Content-Length", Integer.toString(header.length));
            assertEquals(200, response.statusCode(), type + ": " + new String(response.body(),
                    StandardCharsets.UTF_8));
            int jsonLength = Integer.parseInt(response.headers().firstValue("inference-header-content-length")
                    .orElseThrow());
            assertArrayEquals(blob, Arrays.copyOfRange(response.body(), jsonLength, response.body().length), type);
        }
    }

    @Test
    void halfClosedClientStillGetsItsResponse() throws Exception {
        String body = "{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1,1],\"datatype\":\"BYTES\","
                + "\"data\":[\"half\"]}]}";
        try (Socket socket = new Socket("127.0.0.1", fixture.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /v2/models/identity/infer HTTP/1.1\r\nHost: t\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            JsonNode response = JSON.readTree(HttpFixture.readResponseBody(socket.getInputStream()));
            assertEquals("[\"half\"]", response.get("outputs").get(0).get("data").toString());
            assertEquals(-1, socket.getInputStream().read(), "the server closes after answering");
        }
    }

    @Test
    void expectContinueAndChunkedBodiesAreAccepted() throws Exception {
        String body = "{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1,1],\"datatype\":\"BYTES\","
                + "\"data\":[\"chunk\"]}]}";
        try (Socket socket = new Socket("127.0.0.1", fixture.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(("POST /v2/models/identity/infer HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] interim = new byte[25];
            int read = 0;
            while (read < interim.length) {
                read += in.read(interim, read, interim.length - read);
            }
            assertEquals("HTTP/1.1 100 Continue\r\n\r\n", new String(interim, StandardCharsets.US_ASCII));
            out.write(body.getBytes(StandardCharsets.US_ASCII));
            assertEquals("[\"chunk\"]", JSON.readTree(HttpFixture.readResponseBody(in)).get("outputs").get(0).get("data")
                    .toString());

            String half = body.substring(0, 20);
            String rest = body.substring(20);
            out.write(("POST /v2/models/identity/infer HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(half.length()) + "\r\n" + half + "\r\n"
                    + Integer.toHexString(rest.length()) + "\r\n" + rest + "\r\n0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertEquals("[\"chunk\"]", JSON.readTree(HttpFixture.readResponseBody(in)).get("outputs").get(0).get("data")
                    .toString());
        }
    }

    @Test
    void headersPastTheLimitGet400AndTheConnectionCloses() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", fixture.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /v2/health/live HTTP/1.1\r\nHost: t\r\nX-Big: " + "a".repeat(20_000)
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 400", head);
            byte[] rest = in.readAllBytes();
            assertTrue(new String(rest, StandardCharsets.UTF_8).contains("malformed HTTP request"));
        }
    }
}
