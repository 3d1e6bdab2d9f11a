package org.tritonosgi.http.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.tritonosgi.http.internal.HttpFixture.assertError;
import static org.tritonosgi.http.internal.HttpFixture.json;
import static org.tritonosgi.http.internal.HttpFixture.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tritonosgi.embedded.internal.Settings;

/**
 * Triton's system shared-memory extension over HTTP, with regions the test makes in /dev/shm: register, status,
 * unregister, tensors read from and written to regions, and every bound refused with 400, never a crash.
 */
@org.junit.jupiter.api.extension.ExtendWith(LeakCheck.class)
class HttpSharedMemoryTest {

    private static final Path SHM = Path.of("/dev/shm");

    @TempDir
    static Path repo;

    private static HttpFixture http;
    private static HttpFixture closed;
    private static final List<Path> objects = new ArrayList<>();

    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(Files.isDirectory(SHM) && Files.isWritable(SHM),
                "system shared memory needs a writable /dev/shm");
        HttpFixture.model(repo, "identity_fp32", """
                backend: "identity"
                max_batch_size: 8
                input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ -1 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ -1 ] } ]
                """);
        HttpFixture.model(repo, "identity", """
                backend: "identity"
                max_batch_size: 8
                input [ { name: "INPUT0" data_type: TYPE_STRING dims: [ -1 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_STRING dims: [ -1 ] } ]
                """);
        Settings engine = Settings.of(List.of(repo)).withExitTimeout(Duration.ofSeconds(5));
        http = new HttpFixture(engine, settings -> settings.withClientShm(true));
        closed = new HttpFixture(engine, settings -> settings);
    }

    @AfterAll
    static void stop() throws IOException {
        if (http != null) {
            http.close();
            closed.close();
        }
        for (Path object : objects) {
            Files.deleteIfExists(object);
        }
    }

    @AfterEach
    void unregisterAll() throws Exception {
        assertEquals(200, http.post("/v2/systemsharedmemory/unregister", "").statusCode());
    }

    /** A new /dev/shm object of {@code size} bytes holding {@code content} at its start; returns its key. */
    private static String object(int size, byte[] content) throws IOException {
        String name = "tritonosgi-test-" + UUID.randomUUID();
        Path file = SHM.resolve(name);
        objects.add(file);
        byte[] bytes = new byte[size];
        System.arraycopy(content, 0, bytes, 0, content.length);
        Files.write(file, bytes);
        return "/" + name;
    }

    private static HttpResponse<byte[]> register(String region, String key, long offset, long byteSize)
            throws Exception {
        return http.post("/v2/systemsharedmemory/region/" + region + "/register", "{\"key\":\"" + key
                + "\",\"offset\":" + offset + ",\"byte_size\":" + byteSize + "}");
    }

    private static byte[] floats(float... values) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            buffer.putFloat(value);
        }
        return buffer.array();
    }

    private static String infer(String input, long inputOffset, long inputSize, String output, long outputOffset,
            long outputSize) {
        return "{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1,4],\"datatype\":\"FP32\",\"parameters\":{"
                + "\"shared_memory_region\":\"" + input + "\",\"shared_memory_offset\":" + inputOffset
                + ",\"shared_memory_byte_size\":" + inputSize + "}}],\"outputs\":[{\"name\":\"OUTPUT0\","
                + "\"parameters\":{\"shared_memory_region\":\"" + output + "\",\"shared_memory_offset\":"
                + outputOffset + ",\"shared_memory_byte_size\":" + outputSize + "}}]}";
    }

    @Test
    void inputsAreReadFromARegionAndOutputsWrittenIntoOne() throws Exception {
        byte[] values = floats(1.5f, -2f, 3.25f, 8f);
        String in = object(64, values);
        String out = object(64, new byte[0]);
        assertEquals(200, register("input_data", in, 0, 16).statusCode());
        assertEquals(200, register("output_data", out, 16, 32).statusCode());

        JsonNode status = json(http.get("/v2/systemsharedmemory/status"));
        assertEquals("[{\"name\":\"input_data\",\"key\":\"" + in + "\",\"offset\":0,\"byte_size\":16},"
                + "{\"name\":\"output_data\",\"key\":\"" + out + "\",\"offset\":16,\"byte_size\":32}]",
                status.toString());
        assertEquals("[{\"name\":\"output_data\",\"key\":\"" + out + "\",\"offset\":16,\"byte_size\":32}]",
                json(http.get("/v2/systemsharedmemory/region/output_data/status")).toString());

        HttpResponse<byte[]> response = http.post("/v2/models/identity_fp32/infer",
                infer("input_data", 0, 16, "output_data", 8, 16));
        assertEquals(200, response.statusCode(), text(response));
        JsonNode output = json(response).get("outputs").get(0);
        assertEquals("{\"name\":\"OUTPUT0\",\"datatype\":\"FP32\",\"shape\":[1,4],\"parameters\":{"
                + "\"shared_memory_region\":\"output_data\",\"shared_memory_offset\":8,"
                + "\"shared_memory_byte_size\":16}}", output.toString());
        byte[] written = Files.readAllBytes(SHM.resolve(out.substring(1)));
        // region output_data starts at byte 16 of its object; the output at offset 8 in the region
        assertArrayEquals(values, java.util.Arrays.copyOfRange(written, 24, 40));
        assertArrayEquals(new byte[24], java.util.Arrays.copyOfRange(written, 0, 24), "nothing before it written");
    }

    @Test
    void bytesInputsTravelInTritonsLengthPrefixedLayout() throws Exception {
        byte[] roger = ByteBuffer.allocate(15).order(ByteOrder.LITTLE_ENDIAN).putInt(11)
                .put("Roger Roger".getBytes(java.nio.charset.StandardCharsets.UTF_8)).array();
        assertEquals(200, register("text", object(15, roger), 0, 15).statusCode());
        HttpResponse<byte[]> response = http.post("/v2/models/identity/infer", "{\"inputs\":[{\"name\":\"INPUT0\","
                + "\"shape\":[1,1],\"datatype\":\"BYTES\",\"parameters\":{\"shared_memory_region\":\"text\","
                + "\"shared_memory_byte_size\":15}}],\"outputs\":[{\"name\":\"OUTPUT0\",\"parameters\":"
                + "{\"binary_data\":false}}]}");
        assertEquals(200, response.statusCode(), text(response));
        assertEquals("[\"Roger Roger\"]", json(response).get("outputs").get(0).get("data").toString());
    }

    @Test
    void registrationMistakesAre400NamingRegionOrKey() throws Exception {
        String key = object(32, new byte[0]);
        assertError(register("r", "/tritonosgi-no-such-object", 0, 8), 400,
                "Unable to open shared memory region: '/tritonosgi-no-such-object'");
        assertError(register("r", "/../etc/passwd", 0, 8), 400, "Unable to open shared memory region");
        assertError(register("r", key, 16, 17), 400, "failed to register shared memory region 'r': invalid args",
                "exceed the 32 bytes");
        assertError(register("r", key, Long.MAX_VALUE, 16), 400, "exceed the 32 bytes");
        assertEquals(200, register("r", key, 0, 32).statusCode());
        assertError(register("r", key, 0, 8), 400, "shared memory region 'r' already in manager");
        assertError(http.post("/v2/systemsharedmemory/region/r2/register", "{\"key\":\"" + key + "\"}"), 400,
                "Shared memory register request has no 'byte_size' field");
        assertError(http.get("/v2/systemsharedmemory/region/nosuch/status"), 404,
                "Unable to find system shared memory region: 'nosuch'");
    }

    @Test
    void tensorBoundsOutsideARegionAre400AndNothingIsTouched() throws Exception {
        byte[] values = floats(1, 2, 3, 4);
        String key = object(32, values);
        assertEquals(200, register("data", key, 0, 32).statusCode());
        assertError(http.post("/v2/models/identity_fp32/infer", infer("nosuch", 0, 16, "data", 0, 16)), 400,
                "input 'INPUT0'", "Unable to find shared memory region: 'nosuch'");
        assertError(http.post("/v2/models/identity_fp32/infer", infer("data", 24, 16, "data", 0, 16)), 400,
                "input 'INPUT0'", "Invalid offset + byte size for shared memory region: 'data'");
        assertError(http.post("/v2/models/identity_fp32/infer", infer("data", Long.MAX_VALUE, 16, "data", 0, 16)),
                400, "Integer overflow detected: byte_size (16) + offset (9223372036854775807) exceeds maximum value");
        assertError(http.post("/v2/models/identity_fp32/infer", infer("data", 0, 8, "data", 16, 16)), 400,
                "tensor 'INPUT0'", "needs 16 bytes of data, got 8");
        assertError(http.post("/v2/models/identity_fp32/infer", infer("data", 0, 16, "data", 16, 8)), 400,
                "output 'OUTPUT0' (8 bytes) should be at least 16 bytes");
        assertError(http.post("/v2/models/identity_fp32/infer", infer("data", 0, 16, "data", 24, 16)), 400,
                "output 'OUTPUT0'", "Invalid offset + byte size");
        assertError(http.post("/v2/models/identity_fp32/infer", "{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1,4],"
                + "\"datatype\":\"FP32\",\"parameters\":{\"shared_memory_region\":\"data\"}}]}"), 400,
                "'shared_memory_region' needs 'shared_memory_byte_size'");
        assertError(http.post("/v2/models/identity_fp32/infer", "{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1,4],"
                + "\"datatype\":\"FP32\",\"data\":[1,2,3,4]}],\"outputs\":[{\"name\":\"OUTPUT0\",\"parameters\":{"
                + "\"binary_data\":true,\"shared_memory_region\":\"data\",\"shared_memory_byte_size\":16}}]}"), 400,
                "Output can't set both 'shared_memory_region' and 'binary_data'");
        assertArrayEquals(values, java.util.Arrays.copyOf(Files.readAllBytes(SHM.resolve(key.substring(1))), 16));
    }

    @Test
    void aRegionWhoseObjectWasRemovedOrTruncatedGives400() throws Exception {
        String removed = object(16, floats(1, 2, 3, 4));
        String truncated = object(16, floats(1, 2, 3, 4));
        assertEquals(200, register("gone", removed, 0, 16).statusCode());
        assertEquals(200, register("short", truncated, 0, 16).statusCode());
        Files.delete(SHM.resolve(removed.substring(1)));
        try (var channel = java.nio.channels.FileChannel.open(SHM.resolve(truncated.substring(1)),
                java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(4);
        }
        assertError(http.post("/v2/models/identity_fp32/infer", infer("gone", 0, 16, "gone", 0, 16)), 400,
                "shared memory region 'gone'", "was removed or truncated");
        assertError(http.post("/v2/models/identity_fp32/infer", infer("short", 0, 16, "short", 0, 16)), 400,
                "shared memory region 'short'", "was removed or truncated");
        assertEquals(200, http.get("/v2/health/live").statusCode(), "the server is still up");
    }

    @Test
    void unregisterOneOrAllLeavesTheStatusAccordingly() throws Exception {
        String key = object(8, new byte[0]);
        assertEquals(200, register("a", key, 0, 8).statusCode());
        assertEquals(200, register("b", key, 0, 4).statusCode());
        assertEquals(200, http.post("/v2/systemsharedmemory/region/a/unregister", "").statusCode());
        assertEquals("[\"b\"]", names());
        assertEquals(200, http.post("/v2/systemsharedmemory/region/a/unregister", "").statusCode(),
                "unregistering an unknown region is no error, as in Triton");
        assertEquals(200, http.post("/v2/systemsharedmemory/unregister", "").statusCode());
        assertEquals("[]", names());
    }

    private static String names() throws Exception {
        List<String> names = new ArrayList<>();
        json(http.get("/v2/systemsharedmemory/status")).forEach(region -> names.add(region.get("name").asText()));
        return HttpFixture.JSON.writeValueAsString(names);
    }

    @Test
    void registrationIsRefusedUnlessAllowClientShmIsOn() throws Exception {
        String key = object(8, new byte[0]);
        HttpResponse<byte[]> refused = closed.post("/v2/systemsharedmemory/region/r/register", "{\"key\":\"" + key
                + "\",\"offset\":0,\"byte_size\":8}");
        assertError(refused, 501, "client shared memory is disabled", "allow.client.shm = true",
                "org.tritonosgi.http");
        assertEquals("[]", json(closed.get("/v2/systemsharedmemory/status")).toString());
    }

    @Test
    void cudaSharedMemoryIsRefusedNamingIt() throws Exception {
        assertError(http.post("/v2/cudasharedmemory/region/g/register", "{\"raw_handle\":{\"b64\":\"AA==\"},"
                + "\"device_id\":0,\"byte_size\":8}"), 400, "CUDA shared memory is not supported");
        assertEquals("[]", json(http.get("/v2/cudasharedmemory/status")).toString());
    }

    @Test
    void serverMetadataAdvertisesSystemButNotCudaSharedMemory() throws Exception {
        JsonNode extensions = json(http.get("/v2")).get("extensions");
        List<String> names = new ArrayList<>();
        extensions.forEach(e -> names.add(e.asText()));
        assertEquals(true, names.contains("system_shared_memory"), names.toString());
        assertFalse(names.contains("cuda_shared_memory"), names.toString());
    }
}
