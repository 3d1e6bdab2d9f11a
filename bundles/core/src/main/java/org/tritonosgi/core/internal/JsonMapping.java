package org.tritonosgi.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.tritonosgi.api.DataType;
import org.tritonosgi.api.ModelIndexEntry;
import org.tritonosgi.api.ModelMetadata;
import org.tritonosgi.api.ModelState;
import org.tritonosgi.api.ModelStatistics;
import org.tritonosgi.api.ServerMetadata;
import org.tritonosgi.api.StatDuration;
import org.tritonosgi.api.TensorMetadata;
import org.tritonosgi.api.TritonException;

/** Turns the JSON documents of Triton's messages (metadata, index, statistics) into the API's records. */
final class JsonMapping {

    private JsonMapping() {
    }

    /**
     * The model configuration Triton answered, read leniently (a newer Triton may add members and enum values).
     *
     * @throws TritonException INTERNAL naming the model when a value cannot be read
     */
    static org.tritonosgi.api.config.ModelConfig modelConfig(JsonNode json) {
        try {
            return org.tritonosgi.api.config.ModelConfigJson.read(json.toString(), false).build();
        } catch (IllegalArgumentException e) {
            throw new TritonException(TritonException.Code.INTERNAL, "cannot read the model configuration of '"
                    + json.path("name").asText() + "': " + e.getMessage(), e);
        }
    }

    static ServerMetadata serverMetadata(JsonNode json) {
        return new ServerMetadata(json.path("name").asText(), json.path("version").asText(),
                strings(json.path("extensions")));
    }

    static ModelMetadata modelMetadata(JsonNode json) {
        return new ModelMetadata(json.path("name").asText(), strings(json.path("versions")),
                json.path("platform").asText(), tensors(json.path("inputs")), tensors(json.path("outputs")));
    }

    static List<ModelIndexEntry> index(JsonNode json) {
        List<ModelIndexEntry> rows = new ArrayList<>();
        for (JsonNode row : json) {
            String state = row.path("state").asText("");
            rows.add(new ModelIndexEntry(row.path("name").asText(), number(row.path("version")),
                    state.isEmpty() ? ModelState.UNKNOWN : state(state), row.path("reason").asText("")));
        }
        return rows;
    }

    static List<ModelStatistics> statistics(JsonNode json) {
        List<ModelStatistics> stats = new ArrayList<>();
        for (JsonNode model : json.path("model_stats")) {
            JsonNode inference = model.path("inference_stats");
            List<ModelStatistics.BatchStatistics> batches = new ArrayList<>();
            for (JsonNode batch : model.path("batch_stats")) {
                batches.add(new ModelStatistics.BatchStatistics(number(batch.path("batch_size")),
                        duration(batch.path("compute_input")), duration(batch.path("compute_infer")),
                        duration(batch.path("compute_output"))));
            }
            stats.add(new ModelStatistics(model.path("name").asText(), number(model.path("version")),
                    number(model.path("last_inference")), number(model.path("inference_count")),
                    number(model.path("execution_count")), new ModelStatistics.InferStatistics(
                            duration(inference.path("success")), duration(inference.path("fail")),
                            duration(inference.path("queue")), duration(inference.path("compute_input")),
                            duration(inference.path("compute_infer")), duration(inference.path("compute_output")),
                            duration(inference.path("cache_hit")), duration(inference.path("cache_miss"))),
                    batches));
        }
        return stats;
    }

    private static ModelState state(String state) {
        try {
            return ModelState.valueOf(state);
        } catch (IllegalArgumentException e) {
            return ModelState.UNKNOWN;
        }
    }

    private static StatDuration duration(JsonNode json) {
        return json.isMissingNode() ? StatDuration.ZERO
                : new StatDuration(number(json.path("count")), number(json.path("ns")));
    }

    /** A JSON number or a decimal string (Triton writes versions, and some uint64 values, as strings); 0 if absent. */
    static long number(JsonNode json) {
        if (json.isNumber()) {
            return json.asLong();
        }
        String text = json.asText("");
        if (text.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseUnsignedLong(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static List<TensorMetadata> tensors(JsonNode array) {
        List<TensorMetadata> tensors = new ArrayList<>();
        for (JsonNode tensor : array) {
            List<Long> shape = new ArrayList<>();
            tensor.path("shape").forEach(dim -> shape.add(dim.asLong()));
            tensors.add(new TensorMetadata(tensor.path("name").asText(), DataType.parse(tensor.path("datatype")
                    .asText()), shape));
        }
        return tensors;
    }
}
