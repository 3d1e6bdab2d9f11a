package org.tritonosgi.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.tritonosgi.http.internal.HttpFixture.assertError;
import static org.tritonosgi.http.internal.HttpFixture.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tritonosgi.embedded.internal.Settings;

/**
 * The embedded engine's scheduling features (issue 15) through the HTTP frontend and a real client: an ensemble of
 * two identity steps served like any model, and one whose composing model is missing.
 */
class HttpEngineSchedulingTest {

    static final String IDENTITY = """
            name: "%s"
            backend: "identity"
            max_batch_size: 8
            input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
            output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
            """;

    static final String ENSEMBLE = """
            name: "%s"
            platform: "ensemble"
            max_batch_size: 8
            input [ { name: "IN" data_type: TYPE_FP32 dims: [ 2 ] } ]
            output [ { name: "OUT" data_type: TYPE_FP32 dims: [ 2 ] } ]
            ensemble_scheduling { step [
              { model_name: "second" input_map { key: "INPUT0" value: "MID" } output_map { key: "OUTPUT0" value: "OUT" } },
              { model_name: "%s" input_map { key: "INPUT0" value: "IN" } output_map { key: "OUTPUT0" value: "MID" } }
            ] }
            """;

    static final String WARM = """
            name: "%s"
            backend: "identity"
            max_batch_size: 8
            input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
            output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
            model_warmup [ { name: "w" batch_size: 2
              inputs { key: "INPUT0" value: { data_type: TYPE_FP32 dims: [ %d ] zero_data: true } } } ]
            """;

    static final String MEMO = """
            name: "memo"
            backend: "identity"
            max_batch_size: 8
            response_cache { enable: true }
            input [ { name: "IN" data_type: TYPE_FP32 dims: [ 2 ] } ]
            output [ { name: "OUT" data_type: TYPE_FP32 dims: [ 2 ] } ]
            """;

    /** OUTPUT = INPUT + STATE_IN, STATE_OUT = OUTPUT (FP32 [batch, 1]), written by the embedded engine's test ONNX writer. */
    static final String ACCUMULATOR_ONNX = "CAgSEHRyaXRvbm9zZ2ktdGVzdHM6uQEKHgoFSU5QVVQKCFNUQVRFX0lOEgZPVVRQVVQiA0FkZAodCgZPVVRQVVQSCVNUQVRFX09VVCIISWRlbnRpdHkSBHRlc3RaGQoFSU5QVVQSEAoOCAES"
            + "CgoEEgJkMAoCCAFaHAoIU1RBVEVfSU4SEAoOCAESCgoEEgJkMAoCCAFiGgoGT1VUUFVUEhAKDggBEgoKBBICZDAKAggBYh0KCVNUQVRFX09VVBIQCg4IARIKCgQSAmQwCgIIAUIECgAQEQ==";

    static final String ACCUMULATOR = """
            name: "acc"
            backend: "onnxruntime"
            max_batch_size: 8
            sequence_batching {
              state [ { input_name: "STATE_IN" output_name: "STATE_OUT" data_type: TYPE_FP32 dims: [ 1 ]
                        initial_state [ { name: "zeros" data_type: TYPE_FP32 dims: [ 1 ] zero_data: true } ] } ]
            }
            input [ { name: "INPUT" data_type: TYPE_FP32 dims: [ 1 ] } ]
            output [ { name: "OUTPUT" data_type: TYPE_FP32 dims: [ 1 ] } ]
            """;

    @TempDir
    static Path repo;

    private static HttpFixture http;

    @BeforeAll
    static void start() {
        HttpFixture.model(repo, "first", IDENTITY.formatted("first"));
        HttpFixture.model(repo, "second", IDENTITY.formatted("second"));
        HttpFixture.model(repo, "pipe", ENSEMBLE.formatted("pipe", "first"));
        HttpFixture.model(repo, "broken", ENSEMBLE.formatted("broken", "absent"));
        HttpFixture.model(repo, "warm", WARM.formatted("warm", 2));
        HttpFixture.model(repo, "cold", WARM.formatted("cold", 3));
        HttpFixture.model(repo, "memo", MEMO);
        HttpFixture.model(repo, "repeat3", """
                backend: "repeat"
                max_batch_size: 8
                model_transaction_policy { decoupled: true }
                parameters { key: "repeat_count" value: { string_value: "3" } }
                input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
                output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 2 ] } ]
                """);
        // not declared decoupled: its decoupled step makes it so, as in Triton
        HttpFixture.model(repo, "fanout", """
                platform: "ensemble"
                max_batch_size: 8
                input [ { name: "IN" data_type: TYPE_FP32 dims: [ 2 ] } ]
                output [ { name: "OUT" data_type: TYPE_FP32 dims: [ 2 ] } ]
                ensemble_scheduling { step [
                  { model_name: "repeat3" input_map { key: "INPUT0" value: "IN" } output_map { key: "OUTPUT0" value: "R" } },
                  { model_name: "second" input_map { key: "INPUT0" value: "R" } output_map { key: "OUTPUT0" value: "OUT" } }
                ] }
                """);
        HttpFixture.model(repo, "acc", ACCUMULATOR);
        HttpFixture.model(repo, "acc_file", ACCUMULATOR.replace("\"acc\"", "\"acc_file\"").replace("zero_data: true",
                "data_file: \"hundred\""));
        try {
            java.nio.file.Files.write(repo.resolve("acc/1/model.onnx"), java.util.Base64.getDecoder()
                    .decode(ACCUMULATOR_ONNX));
            java.nio.file.Files.write(repo.resolve("acc_file/1/model.onnx"), java.util.Base64.getDecoder()
                    .decode(ACCUMULATOR_ONNX));
            java.nio.file.Files.createDirectories(repo.resolve("acc_file/initial_state"));
            java.nio.file.Files.write(repo.resolve("acc_file/initial_state/hundred"), java.nio.ByteBuffer.allocate(4)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(100).array());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }

        http = new HttpFixture(Settings.of(List.of(repo)).withExitTimeout(Duration.ofSeconds(5))
                .withResponseCacheSize(1 << 20), settings -> settings);
    }

    @AfterAll
    static void stop() {
        http.close();
    }

    @Test
    void anEnsembleIsServedLikeAnyModel() throws Exception {
        JsonNode metadata = json(http.get("/v2/models/pipe"));
        assertEquals("ensemble", metadata.get("platform").asText());
        assertEquals(200, http.get("/v2/models/pipe/ready").statusCode());

        JsonNode response = json(http.post("/v2/models/pipe/infer", """
                {"id": "e1", "inputs": [{"name": "IN", "datatype": "FP32", "shape": [1, 2], "data": [1.5, -2]}]}
                """));
        assertEquals("pipe", response.get("model_name").asText());
        assertEquals("e1", response.get("id").asText());
        JsonNode out = response.get("outputs").get(0);
        assertEquals("OUT", out.get("name").asText());
        assertEquals("[1.5,-2.0]", out.get("data").toString());
        assertEquals(1, response.get("outputs").size(), "intermediate tensors never leave the engine");

        JsonNode stats = json(http.get("/v2/models/first/stats")).get("model_stats").get(0);
        assertEquals(1, stats.get("inference_stats").get("success").get("count").asLong());
    }

    @Test
    void anEnsembleWithAMissingComposingModelIsUnavailableNamingIt() throws Exception {
        assertNotEquals(200, http.get("/v2/models/broken/ready").statusCode());
        assertError(http.post("/v2/models/broken/infer", """
                {"inputs": [{"name": "IN", "datatype": "FP32", "shape": [1, 2], "data": [1, 2]}]}
                """), 404, "composing model 'absent'", "step 2");
        JsonNode index = json(http.post("/v2/repository/index", "{}"));
        for (JsonNode row : index) {
            if (row.get("name").asText().equals("broken")) {
                assertEquals("UNAVAILABLE", row.get("state").asText());
                assertEquals(true, row.get("reason").asText().contains("composing model 'absent'"));
            }
        }
    }

    @Test
    void aModelIsReadyAfterItsWarmupAndUnavailableWithTheReasonWhenItFails() throws Exception {
        assertEquals(200, http.get("/v2/models/warm/ready").statusCode());
        assertNotEquals(200, http.get("/v2/models/cold/versions/1/ready").statusCode());
        JsonNode index = json(http.post("/v2/repository/index", "{}"));
        String reason = "";
        for (JsonNode row : index) {
            if (row.get("name").asText().equals("cold")) {
                assertEquals("UNAVAILABLE", row.get("state").asText());
                reason = row.get("reason").asText();
            }
        }
        assertEquals("model 'cold' warmup 'w' failed: [request id: warmup] unexpected shape for input 'INPUT0' for"
                + " model 'cold'. Expected [-1,2], got [2,3]", reason);
    }

    @Test
    void aRepeatedRequestIsAnsweredFromTheResponseCache() throws Exception {
        String request = """
                {"inputs": [{"name": "IN", "datatype": "FP32", "shape": [1, 2], "data": [7, 8]}]}
                """;
        for (int i = 0; i < 2; i++) {
            JsonNode response = json(http.post("/v2/models/memo/infer", request));
            assertEquals("[7.0,8.0]", response.get("outputs").get(0).get("data").toString());
        }
        JsonNode stats = json(http.get("/v2/models/memo/stats")).get("model_stats").get(0);
        assertEquals(1, stats.get("inference_stats").get("cache_hit").get("count").asLong());
        assertEquals(1, stats.get("inference_stats").get("cache_miss").get("count").asLong());
        assertEquals(2, stats.get("inference_stats").get("success").get("count").asLong());
        assertEquals(1, stats.get("inference_count").asLong());
    }

    private static String step(String id, boolean start, boolean end, float value) {
        return "{\"parameters\": {\"sequence_id\": " + id + ", \"sequence_start\": " + start
                + ", \"sequence_end\": " + end + "}, \"inputs\": [{\"name\": \"INPUT\", \"datatype\": \"FP32\","
                + " \"shape\": [1, 1], \"data\": [" + value + "]}]}";
    }

    @Test
    void anEnsembleWithADecoupledStepIsDecoupledAndInferAnswers501AsTriton() throws Exception {
        JsonNode config = json(http.get("/v2/models/fanout/config"));
        assertEquals(true, config.get("model_transaction_policy").get("decoupled").asBoolean());
        assertError(http.post("/v2/models/fanout/infer", """
                {"inputs": [{"name": "IN", "datatype": "FP32", "shape": [1, 2], "data": [1, 2]}]}
                """), 501, "HTTP end point doesn't support models with decoupled transaction policy");
    }

    @Test
    void interleavedSequencesStartFromTheDataFileAndABatchOfTwoIs400() throws Exception {
        float[][] expected = {{101, 103}, {110, 130}};
        for (int i = 0; i < 2; i++) {
            for (int id = 0; id < 2; id++) {
                JsonNode response = json(http.post("/v2/models/acc_file/infer", step(Integer.toString(70 + id),
                        i == 0, i == 1, (i + 1) * (id == 0 ? 1 : 10))));
                assertEquals("[" + expected[id][i] + "]", response.get("outputs").get(0).get("data").toString(),
                        "sequence " + (70 + id));
            }
        }
        assertError(http.post("/v2/models/acc/infer", step("80", true, true, 1).replace("[1, 1], \"data\": [1.0]",
                "[2, 1], \"data\": [1.0, 2.0]")), 400,
                "inference request to model 'acc' must specify batch-size 1 due to requirements of sequence batcher");
    }

    @Test
    void aSequenceKeepsItsStateAcrossRequestsAndAMissingStartIs400() throws Exception {
        assertEquals(true, json(http.get("/v2")).get("extensions").toString().contains("\"sequence\""));
        float[] expected = {2, 5, 9};
        for (int i = 0; i < 3; i++) {
            JsonNode response = json(http.post("/v2/models/acc/infer", step("\"client-3\"", i == 0, i == 2, i + 2)));
            assertEquals("[" + expected[i] + "]", response.get("outputs").get(0).get("data").toString());
            assertEquals(1, response.get("outputs").size(), "the state output stays in the engine");
        }
        assertError(http.post("/v2/models/acc/infer", step("\"client-3\"", false, false, 1)), 400,
                "inference request for sequence client-3 to model 'acc' must specify the START flag");
        assertError(http.post("/v2/models/acc/infer", """
                {"inputs": [{"name": "INPUT", "datatype": "FP32", "shape": [1, 1], "data": [1]}]}
                """), 400, "must specify a non-zero or non-empty correlation ID");
    }
}
