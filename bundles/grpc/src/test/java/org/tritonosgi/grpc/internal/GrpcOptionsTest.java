package org.tritonosgi.grpc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.stub.MetadataUtils;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.util.converter.Converters;
import org.tritonosgi.embedded.internal.EmbeddedInferenceServer;
import org.tritonosgi.grpc.internal.proto.InferParameter;
import org.tritonosgi.grpc.internal.proto.ModelInferRequest;
import org.tritonosgi.grpc.internal.proto.ModelInferResponse;
import org.tritonosgi.grpc.internal.proto.ServerLiveRequest;

/** Options that change what clients see: compression, header forwarding, port reuse; and the component itself. */
class GrpcOptionsTest {

    @TempDir
    static Path repo;

    private static EmbeddedInferenceServer engine;
    private static FakeServer fake;

    @BeforeAll
    static void startEngine() throws Exception {
        engine = TestEngine.start(repo);
        fake = new FakeServer(engine);
    }

    @AfterAll
    static void stopEngine() {
        engine.deactivate();
    }

    private static GrpcConfig config(Map<String, Object> properties) {
        Map<String, Object> all = new java.util.HashMap<>(Map.of("address", "127.0.0.1", "port", 0));
        all.putAll(properties);
        return Converters.standardConverter().convert(all).to(GrpcConfig.class);
    }

    private static GrpcServer start(Map<String, Object> properties) {
        GrpcServer server = new GrpcServer(fake, GrpcSettings.from(config(properties)));
        server.start();
        return server;
    }

    /** Records the grpc-encoding header of the last response. */
    private static final class EncodingRecorder implements ClientInterceptor {
        final AtomicReference<String> encoding = new AtomicReference<>();

        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                        @Override
                        public void onHeaders(Metadata responseHeaders) {
                            encoding.set(responseHeaders.get(Metadata.Key.of("grpc-encoding",
                                    Metadata.ASCII_STRING_MARSHALLER)));
                            super.onHeaders(responseHeaders);
                        }
                    }, headers);
                }
            };
        }
    }

    @Test
    void inferResponsesAreGzippedWhenACompressionLevelIsSet() throws Exception {
        for (String level : new String[] {"none", "high"}) {
            GrpcServer server = start(Map.of("infer.compression.level", level));
            try (TestClient client = new TestClient(server.localAddress().getPort())) {
                EncodingRecorder recorder = new EncodingRecorder();
                ModelInferResponse response = client.blocking().withInterceptors(recorder).modelInfer(
                        ModelInferRequest.newBuilder().setModelName("identity")
                                .addInputs(GrpcProtocolTest.input("INPUT0", "BYTES", 1, 1))
                                .addRawInputContents(GrpcProtocolTest.bytesElements("Roger Roger")).build());
                assertEquals(GrpcProtocolTest.bytesElements("Roger Roger"), response.getRawOutputContents(0));
                assertEquals(level.equals("high"), "gzip".equals(recorder.encoding.get()),
                        level + ": grpc-encoding " + recorder.encoding.get());
            } finally {
                server.stop();
            }
        }
    }

    @Test
    void headersMatchingTheForwardPatternReachTheModelAsStringParameters() throws Exception {
        GrpcServer server = start(Map.of("forward.header.pattern", "x-forward-.*"));
        try (TestClient client = new TestClient(server.localAddress().getPort())) {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("x-forward-user", Metadata.ASCII_STRING_MARSHALLER), "alice");
            headers.put(Metadata.Key.of("x-other", Metadata.ASCII_STRING_MARSHALLER), "hidden");
            ModelInferResponse response = client.blocking()
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .modelInfer(ModelInferRequest.newBuilder().setModelName("params")
                            .putParameters("custom", InferParameter.newBuilder().setInt64Param(7).build()).build());
            assertEquals("alice", response.getParametersOrThrow("x-forward-user").getStringParam());
            assertEquals(7, response.getParametersOrThrow("custom").getInt64Param());
            assertFalse(response.containsParameters("x-other"), response.toString());
        } finally {
            server.stop();
        }
    }

    @Test
    void reusePortLetsTwoServersShareOnePort() throws Exception {
        GrpcServer first = start(Map.of("reuse.port", true));
        GrpcServer second = null;
        try {
            int port = first.localAddress().getPort();
            second = start(Map.of("reuse.port", true, "port", port));
            assertEquals(port, second.localAddress().getPort());
            try (TestClient client = new TestClient(port)) {
                assertTrue(client.blocking().serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
            }
        } finally {
            first.stop();
            if (second != null) {
                second.stop();
            }
        }
    }

    @Test
    void componentListensOnActivationAndStopsOnDeactivation() throws Exception {
        GrpcFrontend frontend = new GrpcFrontend(config(Map.of()), engine);
        frontend.deactivate();
        GrpcServer taken = start(Map.of());
        try {
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> new GrpcFrontend(config(Map.of("port", taken.localAddress().getPort())), engine));
            assertTrue(e.getMessage().startsWith("PID org.tritonosgi.grpc: cannot listen on"), e.getMessage());
        } finally {
            taken.stop();
        }
    }

    @Test
    void aFactoryInstanceServesBesideTheSingletonAndNamesItsOwnPidInErrors() throws Exception {
        String pid = GrpcFrontendInstance.FACTORY_PID + "~restricted";
        GrpcFrontend singleton = new GrpcFrontend(config(Map.of()), engine);
        GrpcFrontendInstance instance = new GrpcFrontendInstance(config(Map.of()), Map.of("service.pid", pid), engine);
        try {
            GrpcServer taken = start(Map.of());
            try {
                IllegalStateException busy = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                        () -> new GrpcFrontendInstance(config(Map.of("port", taken.localAddress().getPort())),
                                Map.of("service.pid", pid), engine));
                assertTrue(busy.getMessage().startsWith("PID " + pid + ": cannot listen on"), busy.getMessage());
            } finally {
                taken.stop();
            }
            IllegalArgumentException invalid = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class, () -> new GrpcFrontendInstance(config(Map.of("port", 70000)),
                            Map.of("service.pid", pid), engine));
            assertTrue(invalid.getMessage().startsWith("PID " + pid + ": invalid value '70000' for property 'port'"),
                    invalid.getMessage());
        } finally {
            instance.deactivate();
            singleton.deactivate();
        }
    }

    @Test
    void theServerUsesTheNativeTransportWhereItLoads() {
        GrpcServer server = start(Map.of());
        try {
            boolean epoll;
            try {
                epoll = io.netty.channel.epoll.Epoll.isAvailable();
            } catch (LinkageError e) {
                epoll = false;
            }
            assertEquals(epoll ? "epoll" : "nio", server.transportName());
        } finally {
            server.stop();
        }
    }
}
