package org.tritonosgi.grpc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tritonosgi.grpc.internal.GrpcProtocolTest.bytesElements;
import static org.tritonosgi.grpc.internal.GrpcProtocolTest.input;
import static org.tritonosgi.grpc.internal.TestClient.assertStatus;

import com.google.protobuf.ByteString;
import com.sun.jna.NativeLibrary;
import io.grpc.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tritonosgi.api.InferenceServer;
import org.tritonosgi.api.ServerMetadata;
import org.tritonosgi.core.internal.CoreInferenceServer;
import org.tritonosgi.core.internal.Settings;
import org.tritonosgi.embedded.internal.EmbeddedInferenceServer;
import org.tritonosgi.grpc.internal.proto.InferTensorContents;
import org.tritonosgi.grpc.internal.proto.ModelInferRequest;
import org.tritonosgi.grpc.internal.proto.ModelInferResponse;
import org.tritonosgi.grpc.internal.proto.ModelMetadataRequest;
import org.tritonosgi.grpc.internal.proto.ModelMetadataResponse;
import org.tritonosgi.grpc.internal.proto.ModelReadyRequest;
import org.tritonosgi.grpc.internal.proto.ServerLiveRequest;
import org.tritonosgi.grpc.internal.proto.ServerMetadataRequest;
import org.tritonosgi.grpc.internal.proto.ServerMetadataResponse;
import org.tritonosgi.grpc.internal.proto.ServerReadyRequest;

/**
 * The gRPC frontend's conformance assertions, once per engine: the embedded engine over {@link TestEngine}'s
 * repository ({@code identity}: BYTES, max_batch_size 8, as the seed's example) and the native core through JNA
 * on the C test double of libtritonserver (org.tritonosgi.core's test code), whose {@code identity} has the same
 * shape. The double's path comes from the system property {@value #DOUBLE_PROPERTY} (set by this module's
 * surefire configuration); a missing double fails the core's half instead of skipping it.
 */
class GrpcEngineConformanceTest {

    static final String DOUBLE_PROPERTY = "tritonosgi.core.double";

    /** The engines the frontend is proven against. */
    enum Engine {
        EMBEDDED {
            @Override
            Served start(Path repo) {
                try {
                    EmbeddedInferenceServer embedded = TestEngine.start(repo);
                    return new Served(embedded, embedded::deactivate);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        },
        NATIVE_CORE {
            @Override
            Served start(Path repo) {
                NativeLibrary library = NativeLibrary.getInstance(doubleLibrary());
                // the double's identity takes any datatype unless asked to check INPUT0 as its metadata declares
                library.getFunction("double_reset").invokeVoid(new Object[0]);
                library.getFunction("double_set_strict_datatypes").invokeVoid(new Object[] {1});
                CoreInferenceServer core = new CoreInferenceServer(Settings.of(doubleLibrary(), "/models"));
                return new Served(core, core::deactivate);
            }
        };

        abstract Served start(Path repo);
    }

    /** An engine, our gRPC server over it on a free loopback port, and a real client. */
    static final class Served implements AutoCloseable {
        final InferenceServer engine;
        private final Runnable stopEngine;
        final GrpcServer server;
        final TestClient client;

        Served(InferenceServer engine, Runnable stopEngine) {
            this.engine = engine;
            this.stopEngine = stopEngine;
            server = new GrpcServer(engine, GrpcSettings.plain(new InetSocketAddress("127.0.0.1", 0)));
            try {
                server.start();
            } catch (RuntimeException e) {
                stopEngine.run();
                throw e;
            }
            client = new TestClient(server.localAddress().getPort());
        }

        @Override
        public void close() throws InterruptedException {
            try {
                client.close();
                server.stop();
            } finally {
                stopEngine.run();
            }
        }
    }

    @TempDir
    static Path repo;

    private static final Map<Engine, Served> SERVED = new EnumMap<>(Engine.class);

    /** The double's path; fails (never skips) when the core's build did not leave it where this module expects. */
    static String doubleLibrary() {
        String path = System.getProperty(DOUBLE_PROPERTY);
        assertTrue(path != null && Files.isRegularFile(Path.of(path)), "the C test double of libtritonserver is "
                + "missing at " + DOUBLE_PROPERTY + "=" + path + ": org.tritonosgi.core's build compiles it with gcc "
                + "(mvn -pl bundles/grpc -am verify builds it first)");
        return path;
    }

    private static synchronized Served served(Engine engine) {
        return SERVED.computeIfAbsent(engine, e -> e.start(repo));
    }

    @AfterAll
    static void stopEnginesAndCheckTheDoubleHoldsNothing() throws InterruptedException {
        boolean core = SERVED.containsKey(Engine.NATIVE_CORE);
        try {
            for (Served served : SERVED.values()) {
                served.close();
            }
        } finally {
            SERVED.clear();
        }
        if (core) {
            NativeLibrary library = NativeLibrary.getInstance(doubleLibrary());
            library.getFunction("double_reset").invokeVoid(new Object[0]);
            for (String type : List.of("request", "response", "error", "message", "allocator", "server",
                    "options", "parameter", "buffer")) {
                assertEquals(0, library.getFunction("double_live").invokeLong(new Object[] {type}),
                        "live native objects of type " + type + " after the core stopped");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Engine.class)
    void serverAndModelAreLiveAndReady(Engine engine) {
        TestClient client = served(engine).client;
        assertTrue(client.blocking().serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
        assertTrue(client.blocking().serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
        assertTrue(client.blocking().modelReady(ModelReadyRequest.newBuilder().setName("identity").build())
                .getReady());
        assertTrue(client.blocking().modelReady(ModelReadyRequest.newBuilder().setName("identity").setVersion("1")
                .build()).getReady());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Engine.class)
    void serverMetadataIsWhatTheEngineSaysPlusTheFrontendsExtensions(Engine engine) {
        Served served = served(engine);
        ServerMetadata expected = served.engine.metadata();

        ServerMetadataResponse metadata = served.client.blocking()
                .serverMetadata(ServerMetadataRequest.getDefaultInstance());

        assertEquals(expected.name(), metadata.getName());
        assertEquals(expected.version(), metadata.getVersion());
        assertTrue(metadata.getExtensionsList().containsAll(expected.extensions()), metadata.toString());
        assertTrue(metadata.getExtensionsList().contains("binary_tensor_data"), metadata.toString());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Engine.class)
    void modelMetadataOfIdentityIsBytesWithTheBatchDimension(Engine engine) {
        TestClient client = served(engine).client;
        for (String version : List.of("", "1")) {
            ModelMetadataResponse metadata = client.blocking().modelMetadata(
                    ModelMetadataRequest.newBuilder().setName("identity").setVersion(version).build());
            assertEquals("identity", metadata.getName());
            assertEquals(List.of("1"), metadata.getVersionsList());
            assertEquals("INPUT0", metadata.getInputs(0).getName());
            assertEquals("BYTES", metadata.getInputs(0).getDatatype());
            assertEquals(List.of(-1L, -1L), metadata.getInputs(0).getShapeList());
            assertEquals("OUTPUT0", metadata.getOutputs(0).getName());
            assertEquals("BYTES", metadata.getOutputs(0).getDatatype());
            assertEquals(List.of(-1L, -1L), metadata.getOutputs(0).getShapeList());
        }
    }

    private static void assertRogerRoger(ModelInferResponse response) {
        assertEquals("identity", response.getModelName());
        assertEquals("1", response.getModelVersion());
        assertEquals(1, response.getOutputsCount());
        assertEquals("OUTPUT0", response.getOutputs(0).getName());
        assertEquals("BYTES", response.getOutputs(0).getDatatype());
        assertEquals(List.of(1L, 1L), response.getOutputs(0).getShapeList());
        assertFalse(response.getOutputs(0).hasContents(), "Triton answers in raw_output_contents only");
        assertEquals(List.of(bytesElements("Roger Roger")), response.getRawOutputContentsList());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Engine.class)
    void seedRequestRogerRogerComesBackWithTypedBytesContents(Engine engine) {
        ModelInferResponse response = served(engine).client.blocking().modelInfer(ModelInferRequest.newBuilder()
                .setModelName("identity").setId("seed")
                .addInputs(input("INPUT0", "BYTES", 1, 1).setContents(InferTensorContents.newBuilder()
                        .addBytesContents(ByteString.copyFromUtf8("Roger Roger"))))
                .build());
        assertEquals("seed", response.getId());
        assertRogerRoger(response);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Engine.class)
    void seedRequestRogerRogerComesBackWithRawInputContents(Engine engine) {
        ModelInferResponse response = served(engine).client.blocking().modelInfer(ModelInferRequest.newBuilder()
                .setModelName("identity").setModelVersion("1")
                .addInputs(input("INPUT0", "BYTES", 1, 1))
                .addRawInputContents(bytesElements("Roger Roger"))
                .build());
        assertRogerRoger(response);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Engine.class)
    void unknownModelGivesInvalidArgumentNamingTheModel(Engine engine) {
        TestClient client = served(engine).client;
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.blocking().modelInfer(ModelInferRequest.newBuilder()
                .setModelName("nosuch").addInputs(input("INPUT0", "BYTES", 1, 1))
                .addRawInputContents(bytesElements("x")).build()), "'nosuch'");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.blocking().modelMetadata(
                ModelMetadataRequest.newBuilder().setName("nosuch").build()), "'nosuch'");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.blocking().modelReady(
                ModelReadyRequest.newBuilder().setName("nosuch").build()), "'nosuch'");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Engine.class)
    void missingVersionGivesNotFoundNamingModelAndVersion(Engine engine) {
        TestClient client = served(engine).client;
        assertStatus(Status.Code.NOT_FOUND, () -> client.blocking().modelInfer(ModelInferRequest.newBuilder()
                .setModelName("identity").setModelVersion("7").addInputs(input("INPUT0", "BYTES", 1, 1))
                .addRawInputContents(bytesElements("x")).build()), "'identity'", "version 7");
        assertStatus(Status.Code.NOT_FOUND, () -> client.blocking().modelMetadata(
                ModelMetadataRequest.newBuilder().setName("identity").setVersion("7").build()),
                "'identity'", "version 7");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Engine.class)
    void wrongDatatypeGivesInvalidArgumentNamingTheInput(Engine engine) {
        TestClient client = served(engine).client;
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.blocking().modelInfer(ModelInferRequest.newBuilder()
                .setModelName("identity").addInputs(input("INPUT0", "FP32", 1, 1).setContents(
                        InferTensorContents.newBuilder().addFp32Contents(1.5f))).build()),
                "'INPUT0'", "'FP32'", "'identity'", "'BYTES'");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.blocking().modelInfer(ModelInferRequest.newBuilder()
                .setModelName("identity").addInputs(input("INPUT0", "FP32", 1, 1))
                .addRawInputContents(ByteString.copyFrom(new byte[4])).build()),
                "'INPUT0'", "'FP32'", "'identity'", "'BYTES'");
    }
}
