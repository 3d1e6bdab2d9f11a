package org.tritonosgi.http.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import org.tritonosgi.api.ModelStatistics;
import org.tritonosgi.api.StatDuration;

/** Writes model statistics in the shape of Triton's statistics extension. */
final class StatsJson {

    private StatsJson() {
    }

    static void write(JsonGenerator out, List<ModelStatistics> stats) throws IOException {
        out.writeStartObject();
        out.writeArrayFieldStart("model_stats");
        for (ModelStatistics model : stats) {
            out.writeStartObject();
            out.writeStringField("name", model.name());
            out.writeStringField("version", Long.toString(model.version()));
            out.writeNumberField("last_inference", model.lastInference());
            out.writeNumberField("inference_count", model.inferenceCount());
            out.writeNumberField("execution_count", model.executionCount());
            ModelStatistics.InferStatistics inference = model.inference();
            out.writeObjectFieldStart("inference_stats");
            duration(out, "success", inference.success());
            duration(out, "fail", inference.fail());
            duration(out, "queue", inference.queue());
            duration(out, "compute_input", inference.computeInput());
            duration(out, "compute_infer", inference.computeInfer());
            duration(out, "compute_output", inference.computeOutput());
            duration(out, "cache_hit", inference.cacheHit());
            duration(out, "cache_miss", inference.cacheMiss());
            out.writeEndObject();
            out.writeObjectFieldStart("response_stats");
            out.writeEndObject();
            out.writeArrayFieldStart("batch_stats");
            for (ModelStatistics.BatchStatistics batch : model.batches()) {
                out.writeStartObject();
                out.writeNumberField("batch_size", batch.batchSize());
                duration(out, "compute_input", batch.computeInput());
                duration(out, "compute_infer", batch.computeInfer());
                duration(out, "compute_output", batch.computeOutput());
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeArrayFieldStart("memory_usage");
            out.writeEndArray();
            out.writeEndObject();
        }
        out.writeEndArray();
        out.writeEndObject();
    }

    private static void duration(JsonGenerator out, String name, StatDuration duration) throws IOException {
        out.writeObjectFieldStart(name);
        out.writeNumberField("count", duration.count());
        out.writeNumberField("ns", duration.ns());
        out.writeEndObject();
    }
}
