package org.tritonosgi.tracing.internal;

import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import java.util.List;
import org.tritonosgi.api.trace.Tracing;

/** Opens the tracing component's package-private constructor to the benchmarks (same package, not OSGi). */
public final class BenchTracing {

    private BenchTracing() {
    }

    /** Tracing at this level and rate, exporting over OTLP/HTTP to the endpoint. */
    public static Tracing otlp(List<String> levels, long rate, String endpoint) {
        return new TritonTracing(new TraceSettings(levels, rate, -1, 0), OtlpHttpSpanExporter.builder()
                .setEndpoint(endpoint).build(), endpoint, "bench");
    }

    public static void stop(Tracing tracing) {
        ((TritonTracing) tracing).deactivate();
    }
}
