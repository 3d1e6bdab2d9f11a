package org.tritonosgi.metrics.internal;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.tritonosgi.api.InferenceServer;
import org.tritonosgi.api.ModelStatistics;

/** Triton's metric families, read from the server's statistics and the operating system at each scrape. */
final class TritonMetrics {

    private final InferenceServer server;

    TritonMetrics(InferenceServer server) {
        this.server = server;
    }

    String scrape() {
        List<ModelStatistics> stats = server.statistics(null, 0);
        List<PrometheusText.Family> families = new ArrayList<>();
        families.add(perModel(stats, "nv_inference_request_success",
                "Number of successful inference requests, all batch sizes", s -> s.inference().success().count()));
        PrometheusText.Family failure = new PrometheusText.Family("nv_inference_request_failure",
                "Number of failed inference requests, all batch sizes", "counter");
        for (ModelStatistics model : stats) {
            Map<String, String> labels = labels(model);
            labels.put("reason", "OTHER");
            failure.sample(labels, model.inference().fail().count());
        }
        families.add(failure);
        families.add(perModel(stats, "nv_inference_count", "Number of inferences performed (does not include cached "
                + "requests)", ModelStatistics::inferenceCount));
        families.add(perModel(stats, "nv_inference_exec_count", "Number of model executions performed (does not "
                + "include cached requests)", ModelStatistics::executionCount));
        PrometheusText.Family pending = new PrometheusText.Family("nv_inference_pending_request_count",
                "Instantaneous number of pending requests awaiting execution per-model.", "gauge");
        stats.forEach(model -> pending.sample(labels(model), model.pendingRequestCount()));
        families.add(pending);
        families.add(perModel(stats, "nv_inference_request_duration_us", "Cumulative inference request duration in "
                + "microseconds (includes cached requests)", s -> micros(s.inference().success().ns())));
        families.add(perModel(stats, "nv_inference_queue_duration_us", "Cumulative inference queuing duration in "
                + "microseconds (includes cached requests)", s -> micros(s.inference().queue().ns())));
        families.add(perModel(stats, "nv_inference_compute_input_duration_us", "Cumulative compute input duration in "
                + "microseconds (does not include cached requests)", s -> micros(s.inference().computeInput().ns())));
        families.add(perModel(stats, "nv_inference_compute_infer_duration_us", "Cumulative compute inference duration "
                + "in microseconds (does not include cached requests)", s -> micros(s.inference().computeInfer().ns())));
        families.add(perModel(stats, "nv_inference_compute_output_duration_us", "Cumulative inference compute output "
                + "duration in microseconds (does not include cached requests)",
                s -> micros(s.inference().computeOutput().ns())));
        addCache(stats, families);
        addSystem(families);
        return PrometheusText.write(families);
    }

    private static long micros(long ns) {
        return ns / 1000;
    }

    private static Map<String, String> labels(ModelStatistics model) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("model", model.name());
        labels.put("version", Long.toString(model.version()));
        return labels;
    }

    private static PrometheusText.Family perModel(List<ModelStatistics> stats, String name, String help,
            ToDoubleFunction<ModelStatistics> value) {
        PrometheusText.Family family = new PrometheusText.Family(name, help, "counter");
        stats.forEach(model -> family.sample(labels(model), value.applyAsDouble(model)));
        return family;
    }

    /** Triton's per-model response cache metrics, for the models that looked the cache up. */
    private static void addCache(List<ModelStatistics> stats, List<PrometheusText.Family> families) {
        List<ModelStatistics> cached = stats.stream().filter(s -> s.inference().cacheHit().count()
                + s.inference().cacheMiss().count() > 0).toList();
        if (cached.isEmpty()) {
            return;
        }
        families.add(perModel(cached, "nv_cache_num_hits_per_model", "Number of cache hits per model",
                s -> s.inference().cacheHit().count()));
        families.add(perModel(cached, "nv_cache_num_misses_per_model", "Number of cache misses per model",
                s -> s.inference().cacheMiss().count()));
        families.add(perModel(cached, "nv_cache_hit_duration_per_model", "Total cache hit duration per model, in "
                + "microseconds", s -> micros(s.inference().cacheHit().ns())));
        families.add(perModel(cached, "nv_cache_miss_duration_per_model", "Total cache miss (insert + lookup) "
                + "duration per model, in microseconds", s -> micros(s.inference().cacheMiss().ns())));
    }

    private static void addSystem(List<PrometheusText.Family> families) {
        if (!(ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os)) {
            return;
        }
        double load = os.getCpuLoad();
        families.add(new PrometheusText.Family("nv_cpu_utilization", "CPU utilization rate [0.0 - 1.0]", "gauge")
                .sample(Map.of(), load < 0 ? 0 : load));
        families.add(new PrometheusText.Family("nv_cpu_memory_total_bytes", "CPU total memory (RAM), in bytes",
                "gauge").sample(Map.of(), os.getTotalMemorySize()));
        families.add(new PrometheusText.Family("nv_cpu_memory_used_bytes", "CPU used memory (RAM), in bytes", "gauge")
                .sample(Map.of(), os.getTotalMemorySize() - os.getFreeMemorySize()));
    }
}
