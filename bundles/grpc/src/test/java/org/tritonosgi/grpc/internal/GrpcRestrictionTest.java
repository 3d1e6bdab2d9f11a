package org.tritonosgi.grpc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tritonosgi.grpc.internal.TestClient.assertStatus;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.util.converter.Converters;
import org.tritonosgi.api.frontend.EndpointGroup;
import org.tritonosgi.embedded.internal.EmbeddedInferenceServer;
import org.tritonosgi.grpc.internal.proto.GRPCInferenceServiceGrpc;
import org.tritonosgi.grpc.internal.proto.LogSettingsRequest;
import org.tritonosgi.grpc.internal.proto.ModelInferRequest;
import org.tritonosgi.grpc.internal.proto.ModelMetadataRequest;
import org.tritonosgi.grpc.internal.proto.ModelStreamInferResponse;
import org.tritonosgi.grpc.internal.proto.RepositoryIndexRequest;
import org.tritonosgi.grpc.internal.proto.ServerLiveRequest;

/** Triton's restricted protocols: groups of RPCs that need a metadata key and value, and their configuration. */
class GrpcRestrictionTest {

    private static final String REFUSED_INFER =
            "This protocol is restricted, expecting header 'triton-grpc-protocol-infer-key'";

    @TempDir
    static Path repo;

    private static EmbeddedInferenceServer engine;
    private static GrpcServer server;
    private static TestClient client;

    @BeforeAll
    static void start() throws Exception {
        engine = TestEngine.start(repo);
        server = new GrpcServer(engine, GrpcSettings.plain(new InetSocketAddress("127.0.0.1", 0))
                .withRestrictions("inference,model-repository:Infer-Key=secret", "logging:admin=yes"));
        server.start();
        client = new TestClient(server.localAddress().getPort());
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        server.stop();
        engine.deactivate();
    }

    private static <S extends AbstractStub<S>> S with(S stub, String key, String value) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), value);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static ModelInferRequest infer() {
        return ModelInferRequest.newBuilder().setModelName("identity")
                .addInputs(GrpcProtocolTest.input("INPUT0", "BYTES", 1, 1))
                .addRawInputContents(GrpcProtocolTest.bytesElements("Roger Roger")).build();
    }

    @Test
    void aRestrictedGroupRefusesCallsWithoutItsHeaderOrWithAWrongValue() {
        var e = assertStatus(Status.Code.UNAVAILABLE, () -> client.blocking().modelInfer(infer()));
        assertEquals(REFUSED_INFER, e.getStatus().getDescription());
        assertStatus(Status.Code.UNAVAILABLE, () -> with(client.blocking(), "triton-grpc-protocol-infer-key",
                "Secret").modelInfer(infer()), REFUSED_INFER);
        assertStatus(Status.Code.UNAVAILABLE, () -> with(client.blocking(), "infer-key", "secret")
                .modelInfer(infer()), REFUSED_INFER);
        assertStatus(Status.Code.UNAVAILABLE, () -> client.blocking().repositoryIndex(
                RepositoryIndexRequest.getDefaultInstance()), REFUSED_INFER);
        assertStatus(Status.Code.UNAVAILABLE, () -> with(client.blocking(), "triton-grpc-protocol-infer-key",
                "secret").logSettings(LogSettingsRequest.getDefaultInstance()),
                "This protocol is restricted, expecting header 'triton-grpc-protocol-admin'");
    }

    @Test
    void aRestrictedGroupAnswersCallsWithTheHeaderAndValue() {
        var blocking = with(client.blocking(), "Triton-GRPC-Protocol-Infer-Key", "secret");
        assertEquals(GrpcProtocolTest.bytesElements("Roger Roger"), blocking.modelInfer(infer())
                .getRawOutputContents(0));
        assertTrue(blocking.repositoryIndex(RepositoryIndexRequest.getDefaultInstance()).getModelsCount() > 0);
        with(client.blocking(), "triton-grpc-protocol-admin", "yes")
                .logSettings(LogSettingsRequest.getDefaultInstance());
    }

    @Test
    void aRestrictedStreamEndsWithUnavailableAndAnAllowedOneStreams() throws Exception {
        Recorder<ModelStreamInferResponse> refused = new Recorder<>();
        StreamObserver<ModelInferRequest> requests = client.async().modelStreamInfer(refused);
        requests.onNext(infer());
        Object event = refused.next();
        requests.onCompleted();
        Status status = Status.fromThrowable(assertInstanceOf(Throwable.class, event));
        assertEquals(Status.Code.UNAVAILABLE, status.getCode());
        assertEquals(REFUSED_INFER, status.getDescription());

        Recorder<ModelStreamInferResponse> allowed = new Recorder<>();
        requests = with(client.async(), "triton-grpc-protocol-infer-key", "secret").modelStreamInfer(allowed);
        requests.onNext(infer());
        ModelStreamInferResponse response = allowed.message();
        requests.onCompleted();
        assertEquals("", response.getErrorMessage());
        assertEquals(GrpcProtocolTest.bytesElements("Roger Roger"),
                response.getInferResponse().getRawOutputContents(0));
        assertEquals(Recorder.COMPLETED, allowed.next());
    }

    @Test
    void unrestrictedGroupsAndTheStandardServicesNeedNoHeader() {
        assertTrue(client.blocking().serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
        assertEquals("identity", client.blocking().modelMetadata(ModelMetadataRequest.newBuilder()
                .setName("identity").build()).getName());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, HealthGrpc.newBlockingStub(client.channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance()).getStatus());
    }

    @Test
    void everyRpcBelongsToItsTritonGroup() {
        Map<String, EndpointGroup> groups = new HashMap<>();
        for (MethodDescriptor<?, ?> method : GRPCInferenceServiceGrpc.getServiceDescriptor().getMethods()) {
            groups.put(method.getBareMethodName(), RestrictedProtocols.group(method.getFullMethodName()));
        }
        assertEquals(Map.ofEntries(Map.entry("ServerLive", EndpointGroup.HEALTH),
                Map.entry("ServerReady", EndpointGroup.HEALTH), Map.entry("ModelReady", EndpointGroup.HEALTH),
                Map.entry("ServerMetadata", EndpointGroup.METADATA),
                Map.entry("ModelMetadata", EndpointGroup.METADATA),
                Map.entry("ModelInfer", EndpointGroup.INFERENCE),
                Map.entry("ModelStreamInfer", EndpointGroup.INFERENCE),
                Map.entry("ModelConfig", EndpointGroup.MODEL_CONFIG),
                Map.entry("ModelStatistics", EndpointGroup.STATISTICS),
                Map.entry("RepositoryIndex", EndpointGroup.MODEL_REPOSITORY),
                Map.entry("RepositoryModelLoad", EndpointGroup.MODEL_REPOSITORY),
                Map.entry("RepositoryModelUnload", EndpointGroup.MODEL_REPOSITORY),
                Map.entry("SystemSharedMemoryStatus", EndpointGroup.SHARED_MEMORY),
                Map.entry("SystemSharedMemoryRegister", EndpointGroup.SHARED_MEMORY),
                Map.entry("SystemSharedMemoryUnregister", EndpointGroup.SHARED_MEMORY),
                Map.entry("CudaSharedMemoryStatus", EndpointGroup.SHARED_MEMORY),
                Map.entry("CudaSharedMemoryRegister", EndpointGroup.SHARED_MEMORY),
                Map.entry("CudaSharedMemoryUnregister", EndpointGroup.SHARED_MEMORY),
                Map.entry("TraceSetting", EndpointGroup.TRACE),
                Map.entry("LogSettings", EndpointGroup.LOGGING)), groups);
        assertNull(RestrictedProtocols.group("grpc.health.v1.Health/Check"));
    }

    @Test
    void invalidEntriesNamePidPropertyAndValue() {
        String prefix = "PID org.tritonosgi.grpc: invalid value '%s' for property 'restricted.protocol': expected ";
        assertEquals(prefix.formatted("inference:key")
                + "'inference:key' must be <group>[,<group>...]:<header>=<value>", invalid("inference:key"));
        assertTrue(invalid("nonsense:k=v").startsWith(prefix.formatted("nonsense:k=v")
                + "'nonsense:k=v' names unknown group 'nonsense'; groups are health, metadata,"),
                invalid("nonsense:k=v"));
        assertEquals(prefix.formatted("health:a=1 health:b=2") + "group 'health' is restricted more than once",
                invalid("health:a=1", "health:b=2"));
        assertTrue(invalid("inference:bad key=v").startsWith(prefix.formatted("inference:bad key=v")
                + "header 'bad key' does not make a valid gRPC metadata key 'triton-grpc-protocol-bad key'"),
                invalid("inference:bad key=v"));
        GrpcSettings valid = GrpcSettings.from(config("health:k=v"));
        assertEquals("v", valid.restrictions().required(EndpointGroup.HEALTH).value());
    }

    private static GrpcConfig config(String... entries) {
        return Converters.standardConverter().convert(Map.of("restricted.protocol", entries)).to(GrpcConfig.class);
    }

    private static String invalid(String... entries) {
        return assertThrows(IllegalArgumentException.class, () -> GrpcSettings.from(config(entries))).getMessage();
    }
}
