package org.tritonosgi.tracing.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.trace.RequestSpan;
import org.tritonosgi.api.trace.Tracing;

/**
 * Triton's request tracing for the frontends: global and per-model trace settings (level, rate, count), sampling
 * one request of every trace_rate while trace_count lasts, and OpenTelemetry spans continuing the client's W3C
 * trace context, exported over OTLP/HTTP. With trace_level OFF everywhere (the default) a request costs one
 * volatile read.
 */
@Component(service = Tracing.class, immediate = true, configurationPid = TritonTracing.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = TracingConfig.class)
public final class TritonTracing implements Tracing {

    static final String PID = "org.tritonosgi.tracing";
    private static final Logger LOG = LoggerFactory.getLogger(TritonTracing.class);

    private static final TextMapGetter<Function<String, String>> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Function<String, String> carrier) {
            return List.of("traceparent", "tracestate");
        }

        @Override
        public String get(Function<String, String> carrier, String key) {
            return carrier == null ? null : carrier.apply(key);
        }
    };

    /** How many requests a scope has seen and how many traces it may still take (-1: no limit). */
    private static final class Sampler {
        final AtomicLong seen = new AtomicLong();
        final AtomicLong remaining;

        Sampler(long count) {
            remaining = new AtomicLong(count);
        }

        boolean take(long rate) {
            if (seen.getAndIncrement() % rate != 0) {
                return false;
            }
            while (true) {
                long left = remaining.get();
                if (left < 0) {
                    return true;
                }
                if (left == 0) {
                    return false;
                }
                if (remaining.compareAndSet(left, left - 1)) {
                    return true;
                }
            }
        }
    }

    private final SdkTracerProvider provider;
    private final Tracer tracer;
    private final String endpoint;
    private final Object lock = new Object();
    private volatile TraceSettings global;
    private final Map<String, Map<String, List<String>>> overrides = new ConcurrentHashMap<>();
    private final Map<String, TraceSettings> effective = new ConcurrentHashMap<>();
    private final Map<String, Sampler> samplers = new ConcurrentHashMap<>();
    private volatile boolean anyOn;

    @Activate
    public TritonTracing(TracingConfig config) {
        this(settings(config), OtlpHttpSpanExporter.builder().setEndpoint(endpoint(config))
                .setServiceClassLoader(TritonTracing.class.getClassLoader()).build(), config.otlp_endpoint(),
                config.service_name());
        LOG.info("Triton tracing: level {}, rate {}, count {}, exporting to {}", global.toMap(endpoint)
                .get("trace_level"), global.rate(), global.count(), endpoint);
    }

    /** Tracing with these settings into any exporter (tests use an in-memory one). */
    TritonTracing(TraceSettings settings, SpanExporter exporter, String endpoint, String serviceName) {
        this.global = settings;
        this.endpoint = endpoint;
        this.provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), serviceName))))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).setScheduleDelay(java.time.Duration.ofSeconds(1))
                        .setMaxQueueSize(16_384).setMaxExportBatchSize(2_048).build()).build();
        this.tracer = provider.get("org.tritonosgi");
        this.anyOn = !settings.off();
    }

    private static String endpoint(TracingConfig config) {
        String url = config.otlp_endpoint() == null ? "" : config.otlp_endpoint().trim();
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw invalid("otlp.endpoint", url, "an http:// or https:// URL");
        }
        return url;
    }

    private static TraceSettings settings(TracingConfig config) {
        String[] levels = config.trace_level();
        boolean off = levels.length == 1 && "OFF".equals(levels[0].trim());
        if (!off) {
            for (String level : levels) {
                if (!TraceSettings.LEVELS.contains(level.trim())) {
                    throw invalid("trace.level", String.join(",", levels), "OFF alone, or TIMESTAMPS and/or TENSORS");
                }
            }
        }
        if (config.trace_rate() < 1) {
            throw invalid("trace.rate", config.trace_rate(), "an integer >= 1 (trace one request of every N)");
        }
        if (config.trace_count() < -1) {
            throw invalid("trace.count", config.trace_count(), "an integer >= -1 (-1: no limit)");
        }
        if (config.log_frequency() < 0) {
            throw invalid("log.frequency", config.log_frequency(), "an integer >= 0");
        }
        return new TraceSettings(off ? List.of() : Arrays.stream(levels).map(String::trim).distinct().toList(),
                config.trace_rate(), config.trace_count(), config.log_frequency());
    }

    private static IllegalArgumentException invalid(String property, Object value, String expected) {
        return new IllegalArgumentException("PID " + PID + ": invalid value '" + value + "' for property '"
                + property + "': expected " + expected);
    }

    @Deactivate
    void deactivate() {
        provider.shutdown().join(10, TimeUnit.SECONDS);
    }

    /** Spans not yet handed to the exporter are exported now (tests). */
    void flush() {
        provider.forceFlush().join(10, TimeUnit.SECONDS);
    }

    private TraceSettings settingsOf(String model) {
        if (model == null || !overrides.containsKey(model)) {
            return global;
        }
        return effective.computeIfAbsent(model, m -> global.with(overrides.getOrDefault(m, Map.of())));
    }

    @Override
    public RequestSpan start(String protocol, String model, long version, Function<String, String> headers) {
        if (!anyOn) {
            return null;
        }
        TraceSettings settings = settingsOf(model);
        if (settings.off()) {
            return null;
        }
        String scope = overrides.containsKey(model) ? model : "";
        Sampler sampler = samplers.computeIfAbsent(scope, s -> new Sampler(settings.count()));
        if (!sampler.take(settings.rate())) {
            return null;
        }
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, HEADERS);
        return new OtelRequestSpan(tracer, parent, protocol, model, version);
    }

    @Override
    public Map<String, List<String>> settings(String model) {
        return settingsOf(model).toMap(endpoint);
    }

    @Override
    public Map<String, List<String>> update(String model, Map<String, List<String>> update) {
        Map<String, List<String>> changes = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> entry : update.entrySet()) {
            String key = entry.getKey();
            if (key.equals("trace_file") || key.equals("trace_mode") || key.equals("url")) {
                if (!entry.getValue().isEmpty()) {
                    throw new TritonException(TritonException.Code.UNSUPPORTED, key + " cannot be changed through "
                            + "the trace settings endpoint; it is set in PID " + PID);
                }
                continue;
            }
            if (!TraceSettings.KEYS.contains(key)) {
                throw TritonException.invalidArg("unknown trace setting '" + key + "'");
            }
            changes.put(key, entry.getValue());
        }
        synchronized (lock) {
            if (model == null) {
                Map<String, List<String>> values = new LinkedHashMap<>(changes);
                values.values().removeIf(List::isEmpty);
                global = global.with(values);
                effective.clear();
                samplers.clear();
            } else {
                Map<String, List<String>> modelOverrides = new LinkedHashMap<>(overrides.getOrDefault(model,
                        Map.of()));
                changes.forEach((key, values) -> {
                    if (values.isEmpty()) {
                        modelOverrides.remove(key);
                    } else {
                        modelOverrides.put(key, values);
                    }
                });
                global.with(modelOverrides); // validates the overrides before they are kept
                if (modelOverrides.isEmpty()) {
                    overrides.remove(model);
                } else {
                    overrides.put(model, modelOverrides);
                }
                effective.remove(model);
                samplers.remove(model);
                samplers.remove("");
            }
            anyOn = !global.off() || overrides.keySet().stream().anyMatch(m -> !settingsOf(m).off());
        }
        return settings(model);
    }
}
