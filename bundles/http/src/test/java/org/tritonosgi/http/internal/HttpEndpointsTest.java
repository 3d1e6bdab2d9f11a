package org.tritonosgi.http.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tritonosgi.http.internal.HttpFixture.assertError;
import static org.tritonosgi.http.internal.HttpFixture.json;
import static org.tritonosgi.http.internal.HttpFixture.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tritonosgi.embedded.internal.Settings;

/** Model config, statistics, repository, logging, trace, shared memory, compression and generate endpoints. */
@org.junit.jupiter.api.extension.ExtendWith(LeakCheck.class)
class HttpEndpointsTest {

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
        HttpFixture.model(repo, "repeat", """
                backend: "repeat"
                model_transaction_policy { decoupled: true }
                parameters { key: "repeat_count" value: { string_value: "3" } }
                input [ { name: "text_input" data_type: TYPE_STRING dims: [ 1 ] } ]
                output [ { name: "text_output" data_type: TYPE_STRING dims: [ 1 ] } ]
                """);
        HttpFixture.model(repo, "spare", """
                backend: "identity"
                input [ { name: "IN" data_type: TYPE_INT64 dims: [ 1 ] } ]
                output [ { name: "OUT" data_type: TYPE_INT64 dims: [ 1 ] } ]
                """);
        // sorted after "spare", and not loaded at start: the index positions above stay
        HttpFixture.model(repo, "zpart", """
                backend: "identity"
                input [ { name: "IN" data_type: TYPE_INT64 dims: [ 1 ] } ]
                output [ { name: "OUT" data_type: TYPE_INT64 dims: [ 1 ] } ]
                """);
        HttpFixture.model(repo, "zpipe", """
                platform: "ensemble"
                input [ { name: "IN" data_type: TYPE_INT64 dims: [ 1 ] } ]
                output [ { name: "OUT" data_type: TYPE_INT64 dims: [ 1 ] } ]
                ensemble_scheduling { step [ { model_name: "zpart" input_map { key: "IN" value: "IN" }
                  output_map { key: "OUT" value: "OUT" } } ] }
                """);
        http = new HttpFixture(Settings.of(List.of(repo)).withExitTimeout(Duration.ofSeconds(5))
                .withControlMode(Settings.ControlMode.EXPLICIT, "identity", "gen", "repeat"), s -> s);
    }

    @AfterAll
    static void stop() {
        http.close();
    }

    @Test
    void modelConfigIsTheProtobufAsJsonWithDefaultsEnumNamesAndNumbers() throws Exception {
        HttpResponse<byte[]> response = http.get("/v2/models/identity/config");
        assertEquals(200, response.statusCode(), text(response));
        JsonNode config = json(response);
        assertEquals("identity", config.get("name").asText());
        assertEquals(8, config.get("max_batch_size").asInt());
        assertEquals("TYPE_STRING", config.get("input").get(0).get("data_type").asText());
        assertTrue(config.get("input").get(0).get("dims").get(0).isNumber(), "int64 dims are JSON numbers");
        assertEquals(-1, config.get("input").get(0).get("dims").get(0).asLong());
        assertEquals("", config.get("platform").asText(), "fields at their default are printed");
        assertEquals(false, config.get("input").get(0).get("optional").asBoolean(true));
        assertEquals("KIND_CPU", config.get("instance_group").get(0).get("kind").asText());
        assertEquals(1, config.get("version_policy").get("latest").get("num_versions").asInt());
        assertEquals(0, config.get("parameters").size());
        assertError(http.get("/v2/models/nosuch/config"), 400, "'nosuch'");
    }

    @Test
    void statisticsMoveByExactlyTheRequestsSent() throws Exception {
        long before = json(http.get("/v2/models/gen/stats")).get("model_stats").get(0).get("inference_count").asLong();
        for (int i = 0; i < 3; i++) {
            assertEquals(200, http.post("/v2/models/gen/generate", "{\"text_input\":\"x\"}").statusCode());
        }
        JsonNode stats = json(http.get("/v2/models/gen/stats")).get("model_stats").get(0);
        assertEquals("gen", stats.get("name").asText());
        assertEquals("1", stats.get("version").asText());
        assertEquals(before + 3, stats.get("inference_count").asLong());
        assertTrue(stats.get("inference_stats").get("success").get("ns").asLong() > 0);
        JsonNode all = json(http.get("/v2/models/stats")).get("model_stats");
        assertEquals(json(http.post("/v2/repository/index", "{\"ready\":true}")).size(), all.size(),
                "one entry per ready version of every loaded model");
        assertError(http.get("/v2/models/nosuch/stats"), 400, "'nosuch'");
    }

    @Test
    void repositoryIndexLoadAndUnloadFollowExplicitControl() throws Exception {
        JsonNode index = json(http.post("/v2/repository/index", ""));
        assertEquals("{\"name\":\"spare\",\"state\":\"UNKNOWN\"}", index.get(3).toString());
        assertEquals("READY", index.get(0).get("state").asText());
        assertEquals(3, json(http.post("/v2/repository/index", "{\"ready\": true}")).size());
        assertError(http.post("/v2/repository/index", "{\"ready\": \"yes\"}"), 400, "'ready'");

        assertEquals(200, http.post("/v2/repository/models/spare/load", "").statusCode());
        HttpResponse<byte[]> infer = http.post("/v2/models/spare/infer",
                "{\"inputs\":[{\"name\":\"IN\",\"shape\":[1],\"datatype\":\"INT64\",\"data\":[42]}]}");
        assertEquals("[42]", json(infer).get("outputs").get(0).get("data").toString());
        assertEquals(200, http.post("/v2/repository/models/spare/unload",
                "{\"parameters\":{\"unload_dependents\":false}}").statusCode());
        assertEquals("{\"name\":\"spare\",\"state\":\"UNAVAILABLE\",\"reason\":\"unloaded\"}",
                json(http.post("/v2/repository/index", "")).get(3).toString());
        assertError(http.post("/v2/models/spare/infer", "{\"inputs\":[]}"), 404, "'spare'");

        assertError(http.post("/v2/repository/other/models/spare/load", ""), 501, "repository_name");
        assertError(http.post("/v2/repository/models/nosuch/load", ""), 400, "'nosuch'");
        assertEquals(200, http.post("/v2/repository/models/spare/load", "{\"parameters\":{\"config\":"
                + "\"{\\\"backend\\\":\\\"identity\\\",\\\"input\\\":[{\\\"name\\\":\\\"IN\\\",\\\"data_type\\\":"
                + "\\\"TYPE_INT32\\\",\\\"dims\\\":[2]}],\\\"output\\\":[{\\\"name\\\":\\\"OUT\\\",\\\"data_type\\\":"
                + "\\\"TYPE_INT32\\\",\\\"dims\\\":[2]}]}\"}}").statusCode());
        assertEquals("INT32", json(http.get("/v2/models/spare")).get("inputs").get(0).get("datatype").asText());
    }

    @Test
    void unloadDependentsAlsoUnloadsTheComposingModelsAnEnsembleLoaded() throws Exception {
        String unloaded = "{\"name\":\"zpart\",\"version\":\"1\",\"state\":\"READY\"}";
        for (boolean dependents : new boolean[] {false, true}) {
            assertEquals(200, http.post("/v2/repository/models/zpipe/load", "").statusCode());
            assertTrue(json(http.post("/v2/repository/index", "{\"ready\": true}")).toString().contains(unloaded),
                    "loading the ensemble loaded its composing model");
            assertEquals(200, http.post("/v2/repository/models/zpipe/unload",
                    "{\"parameters\":{\"unload_dependents\":" + dependents + "}}").statusCode());
            JsonNode index = json(http.post("/v2/repository/index", ""));
            String zpart = index.get(index.size() - 2).toString();
            assertEquals(dependents ? "{\"name\":\"zpart\",\"state\":\"UNAVAILABLE\",\"reason\":\"unloaded\"}"
                    : unloaded, zpart, "unload_dependents " + dependents);
        }
        assertError(http.post("/v2/repository/models/zpipe/unload", "{\"parameters\":{\"unload_dependents\":1}}"),
                400, "unload_dependents");
    }

    @Test
    void loggingSettingsRoundTripAndTheLogFileIsReadOnly() throws Exception {
        JsonNode initial = json(http.get("/v2/logging"));
        assertEquals(6, initial.size());
        JsonNode updated = json(http.post("/v2/logging", "{\"log_verbose_level\": 2, \"log_info\": false}"));
        assertEquals(2, updated.get("log_verbose_level").asInt());
        assertEquals(false, updated.get("log_info").asBoolean(true));
        assertEquals(updated, json(http.get("/v2/logging")));
        assertError(http.post("/v2/logging", "{\"log_file\": \"/tmp/x\"}"), 501, "log_file");
        assertError(http.post("/v2/logging", "{\"log_verbose_level\": -1}"), 400, "log_verbose_level");
        http.post("/v2/logging", "{\"log_verbose_level\": 0, \"log_info\": true}");
    }

    @Test
    void traceAndSharedMemoryAnswerWhatTheServerSupports() throws Exception {
        assertError(http.get("/v2/trace/setting"), 501, "trace");
        assertError(http.post("/v2/trace/setting", "{\"trace_file\": \"/tmp/x\"}"), 501,
                "trace_file cannot be set");
        assertError(http.post("/v2/models/identity/trace/setting", "{\"trace_file\": \"../x\"}"), 501,
                "trace_file cannot be set");
        assertError(http.get("/v2/models/nosuch/trace/setting"), 400, "'nosuch'");
        assertEquals("[]", text(http.get("/v2/systemsharedmemory/status")));
        assertEquals("[]", text(http.get("/v2/cudasharedmemory/status")));
        assertError(http.post("/v2/systemsharedmemory/region/r0/register",
                "{\"key\":\"/k\",\"offset\":0,\"byte_size\":64}"), 501, "shared memory");
        assertError(http.post("/v2/systemsharedmemory/register", "{}"), 400, "region name");
        assertError(http.get("/v2/systemsharedmemory/region/r0/status"), 404, "'r0'");
        assertError(http.get("/v2/logging/extra"), 404, "Not Found");
        assertError(http.get("/v2/repository/index"), 405, "Method Not Allowed");
    }

    @Test
    void gzipRequestBodiesAreReadAndResponsesCompressedWhenAsked() throws Exception {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
            gzip.write(ROGER.getBytes(StandardCharsets.UTF_8));
        }
        HttpResponse<byte[]> response = http.post("/v2/models/identity/infer", zipped.toByteArray(),
                "Content-Encoding", "gzip", "Accept-Encoding", "gzip");
        assertEquals(200, response.statusCode());
        assertEquals("gzip", response.headers().firstValue("content-encoding").orElse(""));
        String body = new String(new GZIPInputStream(new ByteArrayInputStream(response.body())).readAllBytes(),
                StandardCharsets.UTF_8);
        assertTrue(body.contains("\"data\":[\"Roger Roger\"]"), body);

        HttpResponse<byte[]> unsupported = http.post("/v2/models/identity/infer", ROGER.getBytes(),
                "Content-Encoding", "compress");
        assertError(unsupported, 501, "compress");
        assertEquals("gzip, deflate", unsupported.headers().firstValue("accept-encoding").orElse(""));
    }

    @Test
    void oversizedBodyGets413() throws Exception {
        byte[] big = new byte[(1 << 20) + 1];
        for (int i = 0; i < 3; i++) {
            HttpResponse<byte[]> refused = http.post("/v2/models/identity/infer", big);
            assertEquals(413, refused.statusCode());
            assertTrue(refused.headers().firstValue("connection").isEmpty(), "the connection is kept");
            // a POST, which the client does not retry: the kept connection must really still serve (it was once
            // answered twice and closed after the body, and the next request on it read EOF)
            assertEquals(400, http.post("/v2/models/identity/infer", "{}").statusCode());
        }
        assertEquals(200, http.get("/v2/health/live").statusCode(), "the server still answers");
    }

    @Test
    void generateTurnsMembersIntoInputsAndParametersAndAnswersOneObject() throws Exception {
        HttpResponse<byte[]> response = http.post("/v2/models/gen/generate",
                "{\"id\":\"g1\",\"text_input\":\"hello\",\"parameters\":{\"max_tokens\":5,\"stream\":false}}");
        assertEquals(200, response.statusCode(), text(response));
        assertEquals("{\"id\":\"g1\",\"model_name\":\"gen\",\"model_version\":\"1\",\"text_output\":\"hello\"}",
                text(response));
        assertError(http.post("/v2/models/repeat/generate", "{\"text_input\":\"x\"}"), 400, "generate_stream");
        assertError(http.post("/v2/models/repeat/infer",
                "{\"inputs\":[{\"name\":\"text_input\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"x\"]}]}"),
                501, "decoupled");
    }

    @Test
    void generateStreamSendsOneServerSentEventPerResponse() throws Exception {
        HttpResponse<byte[]> response = http.post("/v2/models/repeat/generate_stream",
                "{\"text_input\":\"tick\",\"repeat_count\":2}");
        assertEquals(200, response.statusCode(), text(response));
        assertEquals("text/event-stream; charset=utf-8", response.headers().firstValue("content-type").orElse(""));
        String event = "data: {\"model_name\":\"repeat\",\"model_version\":\"1\",\"text_output\":\"tick\"}\n\n";
        assertEquals(event + event, text(response));
        assertError(http.post("/v2/models/repeat/generate_stream", "{\"text_input\":1}"), 400, "text_input");
    }

    @Test
    void binaryAndJsonResultsAreTheSameBytes() throws Exception {
        HttpResponse<byte[]> asJson = http.post("/v2/models/identity/infer", ROGER);
        HttpResponse<byte[]> asBinary = http.post("/v2/models/identity/infer", ROGER.replace("]}]}",
                "]}],\"outputs\":[{\"name\":\"OUTPUT0\",\"parameters\":{\"binary_data\":true}}]}"));
        int jsonLength = Integer.parseInt(asBinary.headers().firstValue("inference-header-content-length")
                .orElseThrow());
        byte[] blob = java.util.Arrays.copyOfRange(asBinary.body(), jsonLength, asBinary.body().length);
        String value = json(asJson).get("outputs").get(0).get("data").get(0).asText();
        byte[] expected = new byte[4 + value.length()];
        expected[0] = (byte) value.length();
        System.arraycopy(value.getBytes(StandardCharsets.UTF_8), 0, expected, 4, value.length());
        assertArrayEquals(expected, blob);
    }
}
