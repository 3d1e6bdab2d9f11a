package org.tritonosgi.http.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tritonosgi.http.internal.HttpFixture.assertError;
import static org.tritonosgi.http.internal.HttpFixture.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.jna.NativeLibrary;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tritonosgi.api.ServerMetadata;
import org.tritonosgi.core.internal.CoreInferenceServer;
import org.tritonosgi.embedded.internal.EmbeddedInferenceServer;
import org.tritonosgi.embedded.internal.Settings;

/**
 * The HTTP frontend's conformance assertions, once per engine: the embedded engine over a repository holding
 * {@code identity} (BYTES, max_batch_size 8, as the seed's example) and the native core through JNA on the C test
 * double of libtritonserver (org.tritonosgi.core's test code), whose {@code identity} has the same shape. The
 * double's path comes from the system property {@value #DOUBLE_PROPERTY} (set by this module's surefire
 * configuration); a missing double fails the core's half instead of skipping it.
 */
@ExtendWith(LeakCheck.class)
class HttpEngineConformanceTest {

    static final String DOUBLE_PROPERTY = "tritonosgi.core.double";

    /** The engines the frontend is proven against. */
    enum Engine {
        EMBEDDED {
            @Override
            HttpFixture start(Path repo) {
                HttpFixture.model(repo, "identity", """
                        name: "identity"
                        backend: "identity"
                        max_batch_size: 8
                        input [ { name: "INPUT0" data_type: TYPE_STRING dims: [ -1 ] } ]
                        output [ { name: "OUTPUT0" data_type: TYPE_STRING dims: [ -1 ] } ]
                        """);
                return new HttpFixture(Settings.of(List.of(repo)).withExitTimeout(Duration.ofSeconds(5)),
                        http -> http);
            }
        },
        NATIVE_CORE {
            @Override
            HttpFixture start(Path repo) {
                NativeLibrary library = NativeLibrary.getInstance(doubleLibrary());
                // the double's identity takes any datatype unless asked to check INPUT0 as its metadata declares
                library.getFunction("double_reset").invokeVoid(new Object[0]);
                library.getFunction("double_set_strict_datatypes").invokeVoid(new Object[] {1});
                CoreInferenceServer core = new CoreInferenceServer(
                        org.tritonosgi.core.internal.Settings.of(doubleLibrary(), "/models"));
                return new HttpFixture(core, core::deactivate, http -> http);
            }
        };

        abstract HttpFixture start(Path repo);
    }

    @TempDir
    static Path repo;

    private static final Map<Engine, HttpFixture> FIXTURES = new EnumMap<>(Engine.class);

    /** The double's path; fails (never skips) when the core's build did not leave it where this module expects. */
    static String doubleLibrary() {
        String path = System.getProperty(DOUBLE_PROPERTY);
        assertTrue(path != null && Files.isRegularFile(Path.of(path)), "the C test double of libtritonserver is "
                + "missing at " + DOUBLE_PROPERTY + "=" + path + ": org.tritonosgi.core's build compiles it with gcc "
                + "(mvn -pl bundles/http -am verify builds it first)");
        return path;
    }

    private static synchronized HttpFixture fixture(Engine engine) {
        return FIXTURES.computeIfAbsent(engine, e -> e.start(repo));
    }

    @AfterAll
    static void stopEnginesAndCheckTheDoubleHoldsNothing() {
        boolean core = FIXTURES.containsKey(Engine.NATIVE_CORE);
        try {
            FIXTURES.values().forEach(HttpFixture::close);
        } finally {
            FIXTURES.clear();
        }
        if (core) {
            NativeLibrary library = NativeLibrary.getInstance(doubleLibrary());
            library.getFunction("double_reset").invokeVoid(new Object[0]);
            for (String type : List.of("request", "response", "error", "message", "allocator", "server",
                    "options", "parameter", "buffer")) {
                assertEquals(0, library.getFunction("double_live").invokeLong(new Object[] {type}),
                        "live native objects of type " + type + " after the core stopped");
            }
        }
    }

    private static byte[] bytesElement(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + utf8.length).order(ByteOrder.LITTLE_ENDIAN).putInt(utf8.length).put(utf8)
                .array();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Engine.class)
    void healthEndpointsAnswer200WithEmptyBody(Engine engine) throws Exception {
        HttpFixture fixture = fixture(engine);
        for (String path : List.of("/v2/health/live", "/v2/health/ready", "/v2/models/identity/ready",
                "/v2/models/identity/versions/1/ready")) {
            HttpResponse<byte[]> response = fixture.get(path);
            assertEquals(200, response.statusCode(), path);
            assertEquals(0, response.body().length, path);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Engine.class)
    void serverMetadataIsWhatTheEngineSaysPlusTheFrontendsExtensions(Engine engine) throws Exception {
        HttpFixture fixture = fixture(engine);
        ServerMetadata expected = fixture.engine.metadata();

        JsonNode metadata = json(fixture.get("/v2"));

        assertEquals(expected.name(), metadata.get("name").asText());
        assertEquals(expected.version(), metadata.get("version").asText());
        List<?> extensions = HttpFixture.JSON.convertValue(metadata.get("extensions"), List.class);
        assertTrue(extensions.containsAll(expected.extensions()), extensions + " vs " + expected.extensions());
        assertTrue(extensions.contains("binary_tensor_data"), extensions.toString());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Engine.class)
    void modelMetadataOfIdentityIsBytesWithTheBatchDimension(Engine engine) throws Exception {
        HttpFixture fixture = fixture(engine);
        for (String path : List.of("/v2/models/identity", "/v2/models/identity/versions/1")) {
            HttpResponse<byte[]> response = fixture.get(path);
            assertEquals(200, response.statusCode(), HttpFixture.text(response));
            JsonNode metadata = json(response);
            assertEquals("identity", metadata.get("name").asText(), path);
            assertEquals("[\"1\"]", metadata.get("versions").toString(), path);
            assertEquals("{\"name\":\"INPUT0\",\"datatype\":\"BYTES\",\"shape\":[-1,-1]}",
                    metadata.get("inputs").get(0).toString(), path);
            assertEquals("{\"name\":\"OUTPUT0\",\"datatype\":\"BYTES\",\"shape\":[-1,-1]}",
                    metadata.get("outputs").get(0).toString(), path);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Engine.class)
    void seedRequestRogerRogerComesBackUnchangedOverJson(Engine engine) throws Exception {
        HttpResponse<byte[]> response = fixture(engine).post("/v2/models/identity/infer", """
                {"id": "seed", "inputs": [{"name": "INPUT0", "shape": [1, 1], "datatype": "BYTES",
                  "data": [["Roger Roger"]]}]}""");

        assertEquals(200, response.statusCode(), HttpFixture.text(response));
        JsonNode body = json(response);
        assertEquals("identity", body.get("model_name").asText());
        assertEquals("1", body.get("model_version").asText());
        assertEquals("seed", body.get("id").asText());
        assertEquals("{\"name\":\"OUTPUT0\",\"datatype\":\"BYTES\",\"shape\":[1,1],\"data\":[\"Roger Roger\"]}",
                body.get("outputs").get(0).toString());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Engine.class)
    void seedRequestRogerRogerComesBackUnchangedOverTheBinaryTensorExtension(Engine engine) throws Exception {
        byte[] blob = bytesElement("Roger Roger");
        byte[] header = ("{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1,1],\"datatype\":\"BYTES\","
                + "\"parameters\":{\"binary_data_size\":" + blob.length + "}}],"
                + "\"parameters\":{\"binary_data_output\":true}}").getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[header.length + blob.length];
        System.arraycopy(header, 0, body, 0, header.length);
        System.arraycopy(blob, 0, body, header.length, blob.length);

        HttpResponse<byte[]> response = fixture(engine).post("/v2/models/identity/infer", body,
                "Inference-Header-Content-Length", Integer.toString(header.length));

        assertEquals(200, response.statusCode(), HttpFixture.text(response));
        assertEquals("application/octet-stream", response.headers().firstValue("content-type").orElse(""));
        int jsonLength = Integer.parseInt(response.headers().firstValue("inference-header-content-length")
                .orElseThrow());
        JsonNode json = HttpFixture.JSON.readTree(java.util.Arrays.copyOf(response.body(), jsonLength));
        assertEquals("identity", json.get("model_name").asText());
        JsonNode output = json.get("outputs").get(0);
        assertEquals("OUTPUT0", output.get("name").asText());
        assertEquals("BYTES", output.get("datatype").asText());
        assertEquals("[1,1]", output.get("shape").toString());
        assertEquals(blob.length, output.get("parameters").get("binary_data_size").asInt());
        assertNull(output.get("data"));
        assertArrayEquals(blob, java.util.Arrays.copyOfRange(response.body(), jsonLength, response.body().length));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Engine.class)
    void unknownModelGives400NamingTheModel(Engine engine) throws Exception {
        HttpFixture fixture = fixture(engine);
        assertError(fixture.post("/v2/models/nosuch/infer", "{\"inputs\":[]}"), 400, "'nosuch'");
        assertError(fixture.get("/v2/models/nosuch"), 400, "'nosuch'");
        assertError(fixture.get("/v2/models/nosuch/ready"), 400, "'nosuch'");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Engine.class)
    void missingVersionGives404NamingModelAndVersion(Engine engine) throws Exception {
        HttpFixture fixture = fixture(engine);
        assertError(fixture.get("/v2/models/identity/versions/9"), 404, "'identity'", "version 9");
        assertError(fixture.post("/v2/models/identity/versions/9/infer", """
                {"inputs": [{"name": "INPUT0", "shape": [1, 1], "datatype": "BYTES", "data": ["x"]}]}"""),
                404, "'identity'", "version 9");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Engine.class)
    void wrongDatatypeGives400NamingTheInput(Engine engine) throws Exception {
        assertError(fixture(engine).post("/v2/models/identity/infer", """
                {"inputs": [{"name": "INPUT0", "shape": [1, 1], "datatype": "FP32", "data": [1.5]}]}"""),
                400, "'INPUT0'", "'FP32'", "'identity'", "'BYTES'");
    }
}
