package org.tritonosgi.tracing.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tritonosgi.embedded.internal.EmbeddedInferenceServer;
import org.tritonosgi.embedded.internal.Settings;
import org.tritonosgi.http.internal.HttpServer;
import org.tritonosgi.http.internal.HttpSettings;

/** Traces of real requests through the HTTP frontend and the embedded engine, exported to memory. */
class TracingTest {

    private static final String INFER = "{\"inputs\":[{\"name\":\"INPUT0\",\"shape\":[1,1],\"datatype\":\"BYTES\","
            + "\"data\":[[\"Roger Roger\"]]}]}";
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT_ID = "00f067aa0ba902b7";

    @TempDir
    Path repo;

    private EmbeddedInferenceServer engine;
    private HttpServer http;
    private TritonTracing tracing;
    private final InMemorySpanExporter exported = InMemorySpanExporter.create();
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        for (String name : List.of("identity", "other")) {
            Files.createDirectories(repo.resolve(name + "/1"));
            Files.writeString(repo.resolve(name + "/config.pbtxt"), """
                    backend: "identity"
                    max_batch_size: 8
                    input [ { name: "INPUT0" data_type: TYPE_STRING dims: [ -1 ] } ]
                    output [ { name: "OUTPUT0" data_type: TYPE_STRING dims: [ -1 ] } ]
                    """);
        }
        engine = new EmbeddedInferenceServer(Settings.of(List.of(repo)).withExitTimeout(Duration.ofSeconds(5)), "t");
        http = new HttpServer(engine, HttpSettings.of(new InetSocketAddress("127.0.0.1", 0), 2, 1 << 20));
        http.start();
        tracing = new TritonTracing(new TraceSettings(List.of("TIMESTAMPS"), 1, -1, 0), exported,
                "http://127.0.0.1:1/v1/traces", "triton-test");
        http.tracing(tracing);
    }

    @AfterEach
    void stop() {
        http.stop();
        engine.deactivate();
        tracing.deactivate();
    }

    private HttpResponse<String> send(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + http.localAddress().getPort() + path)).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            request.headers(headers);
        }
        request = body == null ? request.GET() : request.POST(HttpRequest.BodyPublishers.ofString(body));
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The exported spans once at least this many requests' traces ended. A trace ends when its response is
     * written, just after the client has it; requests on one connection end in order, so waiting for the last
     * traced one waits for every earlier one too.
     */
    private List<SpanData> spans(int roots) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            tracing.flush();
            List<SpanData> spans = exported.getFinishedSpanItems();
            long ended = spans.stream().filter(s -> s.getName().equals("InferRequest")).count();
            if (ended >= roots || System.nanoTime() > deadline) {
                return spans;
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void aTracedRequestContinuesTheClientsTraceWithOneSpanPerPhase() throws Exception {
        HttpResponse<String> response = send("/v2/models/identity/infer", INFER, "traceparent",
                "00-" + TRACE_ID + "-" + PARENT_ID + "-01");
        assertEquals(200, response.statusCode(), response.body());

        Map<String, SpanData> byName = spans(1).stream().collect(Collectors.toMap(SpanData::getName, s -> s));
        assertEquals(java.util.Set.of("InferRequest", "receive", "queue", "compute", "send"), byName.keySet());
        SpanData root = byName.get("InferRequest");
        assertEquals(TRACE_ID, root.getTraceId(), "the client's trace id is kept");
        assertEquals(PARENT_ID, root.getParentSpanId(), "the root is a child of the client's span");
        assertEquals("identity", root.getAttributes().get(AttributeKey.stringKey("triton.model_name")));
        assertEquals("HTTP", root.getAttributes().get(AttributeKey.stringKey("triton.protocol")));
        assertEquals(StatusCode.UNSET, root.getStatus().getStatusCode());
        for (String phase : List.of("receive", "queue", "compute", "send")) {
            SpanData span = byName.get(phase);
            assertEquals(TRACE_ID, span.getTraceId(), phase);
            assertEquals(root.getSpanId(), span.getParentSpanId(), phase + " is a child of InferRequest");
            assertTrue(span.getStartEpochNanos() >= root.getStartEpochNanos(), phase + " starts inside the root");
            assertTrue(span.getEndEpochNanos() <= root.getEndEpochNanos(), phase + " ends inside the root");
        }
        assertTrue(byName.get("receive").getEndEpochNanos() <= byName.get("queue").getStartEpochNanos());
        assertTrue(byName.get("queue").getEndEpochNanos() <= byName.get("compute").getStartEpochNanos());
        assertTrue(byName.get("compute").getEndEpochNanos() <= byName.get("send").getStartEpochNanos());
    }

    @Test
    void withoutTraceContextARequestStartsItsOwnTraceAndFailuresAreMarked() throws Exception {
        assertEquals(400, send("/v2/models/identity/infer", "{\"inputs\":[]}").statusCode());
        List<SpanData> spans = spans(1);
        SpanData root = spans.stream().filter(s -> s.getName().equals("InferRequest")).findFirst().orElseThrow();
        assertEquals(StatusCode.ERROR, root.getStatus().getStatusCode());
        assertEquals("0000000000000000", root.getParentSpanId(), "a new trace has no parent");
        assertTrue(spans.stream().noneMatch(s -> s.getName().equals("compute")), "a refused request never ran");
    }

    @Test
    void rateAndCountDecideWhichRequestsAreTraced() throws Exception {
        assertEquals(200, send("/v2/trace/setting", "{\"trace_rate\":\"2\",\"trace_count\":\"2\"}").statusCode());
        for (int i = 0; i < 8; i++) {
            assertEquals(200, send("/v2/models/identity/infer", INFER).statusCode());
        }
        long roots = spans(2).stream().filter(s -> s.getName().equals("InferRequest")).count();
        assertEquals(2, roots, "one of every 2 requests, 2 traces in all");

        exported.reset();
        assertEquals(200, send("/v2/trace/setting", "{\"trace_level\":[\"OFF\"]}").statusCode());
        assertEquals(200, send("/v2/models/identity/infer", INFER).statusCode());
        // then a traced request on the same connection: once its trace ended, any of the first one would have too
        assertEquals(200, send("/v2/trace/setting", "{\"trace_level\":[\"TIMESTAMPS\"],\"trace_rate\":\"1\","
                + "\"trace_count\":\"-1\"}").statusCode());
        assertEquals(200, send("/v2/models/other/infer", INFER).statusCode());
        List<SpanData> after = spans(1).stream().filter(s -> s.getName().equals("InferRequest")).toList();
        assertEquals(1, after.size(), "OFF traced nothing: " + after);
        assertEquals("other", after.get(0).getAttributes().get(AttributeKey.stringKey("triton.model_name")));
    }

    @Test
    void settingsRoundTripGloballyAndPerModelThroughHttp() throws Exception {
        String global = send("/v2/trace/setting", null).body();
        assertTrue(global.contains("\"trace_level\":[\"TIMESTAMPS\"]") && global.contains("\"trace_rate\":\"1\"")
                && global.contains("\"trace_mode\":\"opentelemetry\""), global);

        String model = send("/v2/models/other/trace/setting", "{\"trace_level\":[\"OFF\"],\"trace_rate\":\"5\"}")
                .body();
        assertTrue(model.contains("\"trace_level\":[\"OFF\"]") && model.contains("\"trace_rate\":\"5\""), model);
        assertTrue(send("/v2/trace/setting", null).body().contains("\"trace_rate\":\"1\""), "global unchanged");
        assertEquals(200, send("/v2/models/other/infer", INFER).statusCode());
        assertEquals(200, send("/v2/models/identity/infer", INFER).statusCode());
        List<SpanData> roots = spans(1).stream().filter(s -> s.getName().equals("InferRequest")).toList();
        assertEquals(1, roots.size(), "only the model not turned off is traced");
        assertEquals("identity", roots.get(0).getAttributes().get(AttributeKey.stringKey("triton.model_name")));

        String cleared = send("/v2/models/other/trace/setting", "{\"trace_level\":null,\"trace_rate\":null}").body();
        assertTrue(cleared.contains("\"trace_level\":[\"TIMESTAMPS\"]") && cleared.contains("\"trace_rate\":\"1\""),
                "null clears the model's overrides: " + cleared);

        HttpResponse<String> badRate = send("/v2/trace/setting", "{\"trace_rate\":\"zero\"}");
        assertEquals(400, badRate.statusCode());
        assertTrue(badRate.body().contains("trace_rate") && badRate.body().contains("zero"), badRate.body());
        HttpResponse<String> badLevel = send("/v2/trace/setting", "{\"trace_level\":[\"OFF\",\"TIMESTAMPS\"]}");
        assertEquals(400, badLevel.statusCode(), badLevel.body());
        assertEquals(501, send("/v2/trace/setting", "{\"trace_file\":\"/tmp/t\"}").statusCode());
        assertEquals(501, send("/v2/trace/setting", "{\"trace_mode\":\"triton\"}").statusCode());
        assertEquals(400, send("/v2/models/nosuch/trace/setting", null).statusCode());
    }

    @Test
    void spansAreExportedOverOtlpHttpToTheConfiguredEndpoint() throws Exception {
        List<byte[]> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> types = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer collector = com.sun.net.httpserver.HttpServer.create(
                new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            types.add(exchange.getRequestHeaders().getFirst("Content-Type"));
            bodies.add(exchange.getRequestBody().readAllBytes());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        TritonTracing otlp = new TritonTracing(org.osgi.util.converter.Converters.standardConverter().convert(Map.of(
                "trace.level", "TIMESTAMPS", "trace.rate", 1, "otlp.endpoint", "http://127.0.0.1:"
                        + collector.getAddress().getPort() + "/v1/traces")).to(TracingConfig.class));
        http.tracing(otlp);
        try {
            assertEquals(200, send("/v2/models/identity/infer", INFER, "traceparent",
                    "00-" + TRACE_ID + "-" + PARENT_ID + "-01").statusCode());
            byte[] traceId = java.util.HexFormat.of().parseHex(TRACE_ID);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (bodies.stream().noneMatch(body -> contains(body, traceId)) && System.nanoTime() < deadline) {
                otlp.flush();
            }
            assertTrue(bodies.stream().anyMatch(body -> contains(body, traceId)),
                    "the collector received the client's trace id in " + bodies.size() + " export(s)");
            assertEquals("application/x-protobuf", types.get(0));
        } finally {
            http.untrace(otlp);
            otlp.deactivate();
            collector.stop(0);
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Test
    void grpcRequestsAreTracedAndTheTraceSettingRpcRoundTrips() throws Exception {
        org.tritonosgi.grpc.internal.GrpcServer grpc = new org.tritonosgi.grpc.internal.GrpcServer(engine,
                org.tritonosgi.grpc.internal.GrpcSettings.plain(new InetSocketAddress("127.0.0.1", 0)));
        grpc.start();
        grpc.tracing(tracing);
        io.grpc.ManagedChannel channel = io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1",
                grpc.localAddress().getPort()).usePlaintext().build();
        try {
            io.grpc.Metadata metadata = new io.grpc.Metadata();
            metadata.put(io.grpc.Metadata.Key.of("traceparent", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
                    "00-" + TRACE_ID + "-" + PARENT_ID + "-01");
            var stub = org.tritonosgi.grpc.internal.proto.GRPCInferenceServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(metadata))
                    .withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS);
            var request = org.tritonosgi.grpc.internal.proto.ModelInferRequest.newBuilder().setModelName("identity")
                    .addInputs(org.tritonosgi.grpc.internal.proto.ModelInferRequest.InferInputTensor.newBuilder()
                            .setName("INPUT0").setDatatype("BYTES").addShape(1).addShape(1)
                            .setContents(org.tritonosgi.grpc.internal.proto.InferTensorContents.newBuilder()
                                    .addBytesContents(com.google.protobuf.ByteString.copyFromUtf8("Roger Roger"))))
                    .build();
            stub.modelInfer(request);
            SpanData root = spans(1).stream().filter(s -> s.getName().equals("InferRequest")).findFirst()
                    .orElseThrow();
            assertEquals(TRACE_ID, root.getTraceId());
            assertEquals(PARENT_ID, root.getParentSpanId());
            assertEquals("GRPC", root.getAttributes().get(AttributeKey.stringKey("triton.protocol")));
            assertEquals(5, spans(1).stream().filter(s -> s.getTraceId().equals(TRACE_ID)).count());

            var setting = stub.traceSetting(org.tritonosgi.grpc.internal.proto.TraceSettingRequest.newBuilder()
                    .setModelName("other").putSettings("trace_rate", org.tritonosgi.grpc.internal.proto
                            .TraceSettingRequest.SettingValue.newBuilder().addValue("7").build()).build());
            assertEquals(List.of("7"), setting.getSettingsMap().get("trace_rate").getValueList());
            assertEquals("1", send("/v2/trace/setting", null).body().replaceAll(".*\"trace_rate\":\"(\\d+)\".*",
                    "$1"), "the model override leaves the global rate");
            assertTrue(send("/v2/models/other/trace/setting", null).body().contains("\"trace_rate\":\"7\""),
                    "HTTP sees what gRPC set");
            io.grpc.StatusRuntimeException file = org.junit.jupiter.api.Assertions.assertThrows(
                    io.grpc.StatusRuntimeException.class, () -> stub.traceSetting(
                            org.tritonosgi.grpc.internal.proto.TraceSettingRequest.newBuilder().putSettings(
                                    "trace_file", org.tritonosgi.grpc.internal.proto.TraceSettingRequest.SettingValue
                                            .newBuilder().addValue("/tmp/t").build()).build()));
            assertEquals(io.grpc.Status.Code.UNIMPLEMENTED, file.getStatus().getCode());
        } finally {
            channel.shutdownNow().awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
            grpc.stop();
        }
    }

    @Test
    void invalidConfigurationNamesPidPropertyAndValue() {
        var converter = org.osgi.util.converter.Converters.standardConverter();
        IllegalArgumentException rate = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new TritonTracing(converter.convert(Map.of("trace.rate", 0)).to(TracingConfig.class)));
        assertEquals("PID org.tritonosgi.tracing: invalid value '0' for property 'trace.rate': expected an integer "
                + ">= 1 (trace one request of every N)", rate.getMessage());
        IllegalArgumentException level = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> new TritonTracing(converter.convert(Map.of("trace.level",
                        new String[] {"OFF", "TIMESTAMPS"})).to(TracingConfig.class)));
        assertEquals("PID org.tritonosgi.tracing: invalid value 'OFF,TIMESTAMPS' for property 'trace.level': "
                + "expected OFF alone, or TIMESTAMPS and/or TENSORS", level.getMessage());
        IllegalArgumentException url = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new TritonTracing(converter.convert(Map.of("otlp.endpoint", "collector:4318"))
                        .to(TracingConfig.class)));
        assertEquals("PID org.tritonosgi.tracing: invalid value 'collector:4318' for property 'otlp.endpoint': "
                + "expected an http:// or https:// URL", url.getMessage());
        assertNotNull(converter);
    }
}
