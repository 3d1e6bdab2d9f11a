package org.tritonosgi.grpc.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tritonosgi.grpc.internal.TestClient.assertStatus;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tritonosgi.api.LoadOptions;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.embedded.internal.EmbeddedInferenceServer;
import org.tritonosgi.grpc.internal.proto.CudaSharedMemoryRegisterRequest;
import org.tritonosgi.grpc.internal.proto.CudaSharedMemoryStatusRequest;
import org.tritonosgi.grpc.internal.proto.InferParameter;
import org.tritonosgi.grpc.internal.proto.InferTensorContents;
import org.tritonosgi.grpc.internal.proto.LogSettingsRequest;
import org.tritonosgi.grpc.internal.proto.LogSettingsResponse;
import org.tritonosgi.grpc.internal.proto.ModelConfigRequest;
import org.tritonosgi.grpc.internal.proto.ModelInferRequest;
import org.tritonosgi.grpc.internal.proto.ModelInferResponse;
import org.tritonosgi.grpc.internal.proto.ModelMetadataRequest;
import org.tritonosgi.grpc.internal.proto.ModelMetadataResponse;
import org.tritonosgi.grpc.internal.proto.ModelReadyRequest;
import org.tritonosgi.grpc.internal.proto.ModelStatisticsRequest;
import org.tritonosgi.grpc.internal.proto.ModelStreamInferResponse;
import org.tritonosgi.grpc.internal.proto.RepositoryIndexRequest;
import org.tritonosgi.grpc.internal.proto.RepositoryIndexResponse;
import org.tritonosgi.grpc.internal.proto.RepositoryModelLoadRequest;
import org.tritonosgi.grpc.internal.proto.RepositoryModelUnloadRequest;
import org.tritonosgi.grpc.internal.proto.ServerLiveRequest;
import org.tritonosgi.grpc.internal.proto.ServerMetadataRequest;
import org.tritonosgi.grpc.internal.proto.ServerMetadataResponse;
import org.tritonosgi.grpc.internal.proto.ServerReadyRequest;
import org.tritonosgi.grpc.internal.proto.SystemSharedMemoryRegisterRequest;
import org.tritonosgi.grpc.internal.proto.SystemSharedMemoryStatusRequest;
import org.tritonosgi.grpc.internal.proto.TraceSettingRequest;

/** Drives the gRPC frontend over loopback with real grpc-java stubs, against the embedded engine. */
class GrpcProtocolTest {

    @TempDir
    static Path repo;

    private static EmbeddedInferenceServer engine;
    private static GrpcServer server;
    private static TestClient client;

    @BeforeAll
    static void start() throws Exception {
        engine = TestEngine.start(repo);
        server = new GrpcServer(engine, GrpcSettings.plain(new InetSocketAddress("127.0.0.1", 0)));
        server.start();
        client = new TestClient(server.localAddress().getPort());
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        server.stop();
        engine.deactivate();
    }

    static ModelInferRequest.InferInputTensor.Builder input(String name, String datatype, long... shape) {
        ModelInferRequest.InferInputTensor.Builder input = ModelInferRequest.InferInputTensor.newBuilder()
                .setName(name).setDatatype(datatype);
        for (long dim : shape) {
            input.addShape(dim);
        }
        return input;
    }

    static ByteString bytesElements(String... values) {
        int size = 0;
        for (String value : values) {
            size += 4 + value.getBytes(StandardCharsets.UTF_8).length;
        }
        ByteBuffer raw = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        for (String value : values) {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            raw.putInt(utf8.length).put(utf8);
        }
        return ByteString.copyFrom(raw.flip());
    }

    @Test
    void seedRequestRogerRogerComesBackWithTypedBytesContents() {
        ModelInferResponse response = client.blocking().modelInfer(ModelInferRequest.newBuilder()
                .setModelName("identity").setId("seed")
                .addInputs(input("INPUT0", "BYTES", 1, 1).setContents(InferTensorContents.newBuilder()
                        .addBytesContents(ByteString.copyFromUtf8("Roger Roger"))))
                .build());
        assertEquals("identity", response.getModelName());
        assertEquals("1", response.getModelVersion());
        assertEquals("seed", response.getId());
        assertEquals("OUTPUT0", response.getOutputs(0).getName());
        assertEquals("BYTES", response.getOutputs(0).getDatatype());
        assertEquals(List.of(1L, 1L), response.getOutputs(0).getShapeList());
        assertFalse(response.getOutputs(0).hasContents(), "Triton answers in raw_output_contents only");
        assertEquals(bytesElements("Roger Roger"), response.getRawOutputContents(0));
    }

    @Test
    void seedRequestRogerRogerComesBackWithRawInputContents() {
        ModelInferResponse response = client.blocking().modelInfer(ModelInferRequest.newBuilder()
                .setModelName("identity").setModelVersion("1")
                .addInputs(input("INPUT0", "BYTES", 1, 1))
                .addRawInputContents(bytesElements("Roger Roger"))
                .build());
        assertEquals(1, response.getRawOutputContentsCount());
        assertEquals(bytesElements("Roger Roger"), response.getRawOutputContents(0));
    }

    @Test
    void everyDatatypeRoundTripsFromTypedContentsAndRawContents() {
        for (String type : TestEngine.TYPES) {
            ByteBuffer expected = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            InferTensorContents.Builder typed = InferTensorContents.newBuilder();
            switch (type) {
                case "BOOL" -> {
                    typed.addBoolContents(true).addBoolContents(false).addBoolContents(true);
                    expected.put((byte) 1).put((byte) 0).put((byte) 1);
                }
                case "UINT8" -> {
                    typed.addUintContents(0).addUintContents(200).addUintContents(255);
                    expected.put((byte) 0).put((byte) 200).put((byte) 255);
                }
                case "UINT16" -> {
                    typed.addUintContents(0).addUintContents(40000).addUintContents(65535);
                    expected.putShort((short) 0).putShort((short) 40000).putShort((short) 65535);
                }
                case "UINT32" -> {
                    typed.addUintContents(0).addUintContents(-1).addUintContents(7);
                    expected.putInt(0).putInt(-1).putInt(7);
                }
                case "UINT64" -> {
                    typed.addUint64Contents(0).addUint64Contents(-1L).addUint64Contents(7);
                    expected.putLong(0).putLong(-1L).putLong(7);
                }
                case "INT8" -> {
                    typed.addIntContents(-128).addIntContents(0).addIntContents(127);
                    expected.put((byte) -128).put((byte) 0).put((byte) 127);
                }
                case "INT16" -> {
                    typed.addIntContents(-32768).addIntContents(1).addIntContents(32767);
                    expected.putShort((short) -32768).putShort((short) 1).putShort((short) 32767);
                }
                case "INT32" -> {
                    typed.addIntContents(Integer.MIN_VALUE).addIntContents(1).addIntContents(Integer.MAX_VALUE);
                    expected.putInt(Integer.MIN_VALUE).putInt(1).putInt(Integer.MAX_VALUE);
                }
                case "INT64" -> {
                    typed.addInt64Contents(Long.MIN_VALUE).addInt64Contents(1).addInt64Contents(Long.MAX_VALUE);
                    expected.putLong(Long.MIN_VALUE).putLong(1).putLong(Long.MAX_VALUE);
                }
                case "FP16", "BF16" -> {
                    typed = null;
                    expected.putShort((short) 0x3c00).putShort((short) 0x8000).putShort((short) 0x7bff);
                }
                case "FP32" -> {
                    typed.addFp32Contents(1.5f).addFp32Contents(-0f).addFp32Contents(Float.MAX_VALUE);
                    expected.putFloat(1.5f).putFloat(-0f).putFloat(Float.MAX_VALUE);
                }
                case "FP64" -> {
                    typed.addFp64Contents(1.5).addFp64Contents(-0d).addFp64Contents(Double.MIN_VALUE);
                    expected.putDouble(1.5).putDouble(-0d).putDouble(Double.MIN_VALUE);
                }
                case "BYTES" -> {
                    typed.addBytesContents(ByteString.copyFromUtf8("a")).addBytesContents(ByteString.EMPTY)
                            .addBytesContents(ByteString.copyFromUtf8("Grüße"));
                    expected.put(bytesElements("a", "", "Grüße").asReadOnlyByteBuffer());
                }
                default -> throw new AssertionError(type);
            }
            ByteString raw = ByteString.copyFrom(expected.flip());
            if (typed != null) {
                ModelInferResponse fromTyped = client.blocking().modelInfer(ModelInferRequest.newBuilder()
                        .setModelName("all_types").addInputs(input("IN_" + type, type, 3).setContents(typed)).build());
                assertEquals(type, fromTyped.getOutputs(0).getDatatype());
                assertEquals("OUT_" + type, fromTyped.getOutputs(0).getName());
                assertEquals(raw, fromTyped.getRawOutputContents(0), type + " from typed contents");
            }
            ModelInferResponse fromRaw = client.blocking().modelInfer(ModelInferRequest.newBuilder()
                    .setModelName("all_types").addInputs(input("IN_" + type, type, 3)).addRawInputContents(raw)
                    .build());
            assertEquals(raw, fromRaw.getRawOutputContents(0), type + " from raw contents");
            assertEquals(List.of(3L), fromRaw.getOutputs(0).getShapeList());
        }
    }

    @Test
    void severalInputsTakeRawContentsInOrderAndRequestedOutputsAreSelected() {
        ModelInferResponse response = client.blocking().modelInfer(ModelInferRequest.newBuilder()
                .setModelName("all_types")
                .addInputs(input("IN_INT32", "INT32", 1)).addInputs(input("IN_BYTES", "BYTES", 1))
                .addRawInputContents(ByteString.copyFrom(new byte[] {7, 0, 0, 0}))
                .addRawInputContents(bytesElements("x"))
                .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("OUT_BYTES"))
                .build());
        assertEquals(1, response.getOutputsCount());
        assertEquals("OUT_BYTES", response.getOutputs(0).getName());
        assertEquals(bytesElements("x"), response.getRawOutputContents(0));
    }

    @Test
    void serverLiveReadyAndMetadataAnswer() {
        assertTrue(client.blocking().serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
        assertTrue(client.blocking().serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
        ServerMetadataResponse metadata = client.blocking().serverMetadata(ServerMetadataRequest.getDefaultInstance());
        assertEquals("triton", metadata.getName());
        assertEquals("1.2.3", metadata.getVersion());
        assertTrue(metadata.getExtensionsList().contains("binary_tensor_data"), metadata.toString());
    }

    @Test
    void modelMetadataConfigAndReadyDescribeTheModel() {
        ModelMetadataResponse metadata = client.blocking().modelMetadata(
                ModelMetadataRequest.newBuilder().setName("identity").build());
        assertEquals("identity", metadata.getName());
        assertEquals(List.of("1"), metadata.getVersionsList());
        assertEquals("identity", metadata.getPlatform());
        assertEquals("INPUT0", metadata.getInputs(0).getName());
        assertEquals("BYTES", metadata.getInputs(0).getDatatype());
        assertEquals(List.of(-1L, -1L), metadata.getInputs(0).getShapeList());
        assertEquals("OUTPUT0", metadata.getOutputs(0).getName());
        var config = client.blocking().modelConfig(ModelConfigRequest.newBuilder().setName("identity")
                .setVersion("1").build()).getConfig();
        assertEquals("identity", config.getName());
        assertEquals(8, config.getMaxBatchSize());
        assertEquals(org.tritonosgi.api.config.DataType.TYPE_STRING, config.getInput(0).getDataType());
        assertTrue(client.blocking().modelReady(ModelReadyRequest.newBuilder().setName("identity").build())
                .getReady());
    }

    @Test
    void unknownModelGivesInvalidArgumentNamingTheModel() {
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.blocking().modelInfer(ModelInferRequest.newBuilder()
                .setModelName("nosuch").addInputs(input("INPUT0", "BYTES", 1, 1))
                .addRawInputContents(bytesElements("x")).build()), "nosuch");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.blocking().modelMetadata(
                ModelMetadataRequest.newBuilder().setName("nosuch").build()), "nosuch");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.blocking().modelReady(
                ModelReadyRequest.newBuilder().setName("nosuch").build()), "nosuch");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.blocking().modelConfig(
                ModelConfigRequest.newBuilder().setName("nosuch").build()), "nosuch");
    }

    @Test
    void missingVersionGivesNotFound() {
        assertStatus(Status.Code.NOT_FOUND, () -> client.blocking().modelInfer(ModelInferRequest.newBuilder()
                .setModelName("identity").setModelVersion("7").addInputs(input("INPUT0", "BYTES", 1, 1))
                .addRawInputContents(bytesElements("x")).build()), "identity", "7");
        assertStatus(Status.Code.NOT_FOUND, () -> client.blocking().modelMetadata(
                ModelMetadataRequest.newBuilder().setName("identity").setVersion("7").build()), "identity");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.blocking().modelReady(
                ModelReadyRequest.newBuilder().setName("identity").setVersion("one").build()), "one");
    }

    @Test
    void aVersionThatIsNoPlainDecimalNumberGivesInvalidArgumentNamingIt() {
        // Long.parseLong alone would take the Arabic-Indic and the fullwidth digit one as version 1
        for (String version : List.of("\u0661", "\uFF11", "1.5", "-1", "0", " 1", "99999999999999999999")) {
            assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.blocking().modelReady(ModelReadyRequest
                    .newBuilder().setName("identity").setVersion(version).build()), "'" + version + "'");
        }
    }

    @Test
    void anUnknownModelNameOf100000CharactersGivesInvalidArgumentWithAShortenedMessage() {
        String name = "y".repeat(100_000);
        io.grpc.StatusRuntimeException e = assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.blocking()
                .modelMetadata(ModelMetadataRequest.newBuilder().setName(name).build()), "'yyyyyyyyyy",
                "longer than 255 characters");
        assertTrue(e.getStatus().getDescription().length() <= GrpcErrors.MAX_DESCRIPTION_BYTES);
    }

    @Test
    void requestBytesThatAreNoProtobufGiveInvalidArgumentNamingTheMethod() throws Exception {
        CorpusWire wire = new CorpusWire(client, server.localAddress().getPort());
        byte[] truncated = java.util.Arrays.copyOf(ModelInferRequest.newBuilder().setModelName("identity").build()
                .toByteArray(), 4);
        for (var type : List.of(io.grpc.MethodDescriptor.MethodType.UNARY,
                io.grpc.MethodDescriptor.MethodType.BIDI_STREAMING)) {
            String method = type == io.grpc.MethodDescriptor.MethodType.UNARY ? "ModelInfer" : "ModelStreamInfer";
            CorpusWire.Outcome outcome = wire.raw(method, type, truncated);
            assertEquals(Status.Code.INVALID_ARGUMENT, outcome.code(), outcome.message());
            assertEquals("malformed " + method + " request: While parsing a protocol message, the input ended"
                    + " unexpectedly in the middle of a field.", outcome.message());
        }
        assertTrue(client.blocking().serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
    }

    @Test
    void wrongDatatypeGivesInvalidArgumentNamingTheInput() {
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.blocking().modelInfer(ModelInferRequest.newBuilder()
                .setModelName("identity").addInputs(input("INPUT0", "FP32", 1, 1))
                .addRawInputContents(ByteString.copyFrom(new byte[4])).build()), "INPUT0", "FP32");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.blocking().modelInfer(ModelInferRequest.newBuilder()
                .setModelName("identity").addInputs(input("INPUT0", "FLOAT", 1, 1))
                .addRawInputContents(ByteString.copyFrom(new byte[4])).build()), "INPUT0", "FLOAT");
    }

    @Test
    void sizeShapeAndContentsMistakesGiveInvalidArgumentNamingTheInput() {
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.blocking().modelInfer(ModelInferRequest.newBuilder()
                .setModelName("all_types").addInputs(input("IN_FP32", "FP32", 2))
                .addRawInputContents(ByteString.copyFrom(new byte[4])).build()), "IN_FP32", "8", "4");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.blocking().modelInfer(ModelInferRequest.newBuilder()
                .setModelName("all_types").addInputs(input("IN_FP32", "FP32", 2).setContents(
                        InferTensorContents.newBuilder().addFp32Contents(1f))).build()), "IN_FP32");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.blocking().modelInfer(ModelInferRequest.newBuilder()
                .setModelName("all_types").addInputs(input("IN_FP32", "FP32", 1).setContents(
                        InferTensorContents.newBuilder().addIntContents(1))).build()),
                "IN_FP32", "int_contents", "fp32_contents");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.blocking().modelInfer(ModelInferRequest.newBuilder()
                .setModelName("all_types").addInputs(input("IN_FP16", "FP16", 1).setContents(
                        InferTensorContents.newBuilder().addFp32Contents(1f))).build()), "IN_FP16", "raw");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.blocking().modelInfer(ModelInferRequest.newBuilder()
                .setModelName("all_types").addInputs(input("IN_INT32", "INT32", 1))
                .build()), "IN_INT32");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.blocking().modelInfer(ModelInferRequest.newBuilder()
                .setModelName("all_types")
                .addInputs(input("IN_INT32", "INT32", 1).setContents(InferTensorContents.newBuilder().addIntContents(1)))
                .addRawInputContents(ByteString.copyFrom(new byte[4])).build()), "raw_input_contents");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.blocking().modelInfer(ModelInferRequest.newBuilder()
                .setModelName("all_types").addInputs(input("IN_INT32", "INT32", -1))
                .addRawInputContents(ByteString.copyFrom(new byte[4])).build()), "IN_INT32", "negative");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.blocking().modelInfer(ModelInferRequest.newBuilder()
                .setModelName("identity").addInputs(input("INPUT0", "BYTES", 1, 1))
                .addRawInputContents(bytesElements("x"))
                .putParameters("triton_secret", InferParameter.newBuilder().setBoolParam(true).build()).build()),
                "triton_secret");
    }

    @Test
    void streamInferAnswersSeveralRequestsOnOneStreamAndReportsErrorsInStream() throws Exception {
        LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
        StreamObserver<ModelInferRequest> requests = client.async().modelStreamInfer(new StreamObserver<>() {
            @Override
            public void onNext(ModelStreamInferResponse value) {
                received.add(value);
            }

            @Override
            public void onError(Throwable t) {
                received.add(t);
            }

            @Override
            public void onCompleted() {
                received.add("completed");
            }
        });
        for (int i = 0; i < 5; i++) {
            requests.onNext(ModelInferRequest.newBuilder().setModelName("identity").setId("r" + i)
                    .addInputs(input("INPUT0", "BYTES", 1, 1)).addRawInputContents(bytesElements("Roger " + i))
                    .build());
        }
        requests.onNext(ModelInferRequest.newBuilder().setModelName("nosuch").setId("bad").build());
        requests.onNext(ModelInferRequest.newBuilder().setModelName("identity").setId("bad type")
                .addInputs(input("INPUT0", "FP32", 1, 1)).addRawInputContents(ByteString.copyFrom(new byte[4]))
                .build());
        requests.onCompleted();
        java.util.Map<String, ModelStreamInferResponse> byId = new java.util.HashMap<>();
        Object next;
        while (!"completed".equals(next = received.poll(10, TimeUnit.SECONDS))) {
            if (!(next instanceof ModelStreamInferResponse response)) {
                throw new AssertionError("stream ended with " + next);
            }
            byId.put(response.getInferResponse().getId(), response);
        }
        assertEquals(7, byId.size(), byId.keySet().toString());
        for (int i = 0; i < 5; i++) {
            ModelStreamInferResponse response = byId.get("r" + i);
            assertEquals("", response.getErrorMessage());
            assertEquals(bytesElements("Roger " + i), response.getInferResponse().getRawOutputContents(0));
            assertTrue(response.getInferResponse().getParametersOrThrow("triton_final_response").getBoolParam());
        }
        assertTrue(byId.get("bad").getErrorMessage().contains("nosuch"), byId.get("bad").toString());
        ModelStreamInferResponse badType = byId.get("bad type");
        assertTrue(badType.getErrorMessage().contains("INPUT0"), badType.toString());
        assertEquals("identity", badType.getInferResponse().getModelName());
        assertEquals(0, badType.getInferResponse().getRawOutputContentsCount());
    }

    @Test
    void healthServiceAnswersServing() {
        HealthCheckResponse health = HealthGrpc.newBlockingStub(client.channel).withDeadlineAfter(10,
                TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, health.getStatus());
    }

    @Test
    void reflectionListsTheInferenceService() throws Exception {
        LinkedBlockingQueue<ServerReflectionResponse> responses = new LinkedBlockingQueue<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(client.channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS).serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse value) {
                        responses.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        ServerReflectionResponse response = responses.poll(10, TimeUnit.SECONDS);
        requests.onCompleted();
        assertTrue(response != null && response.getListServicesResponse().getServiceList().stream()
                .anyMatch(s -> s.getName().equals("inference.GRPCInferenceService")), String.valueOf(response));
    }

    @Test
    void statisticsIndexAndLogSettingsAnswerFromTheEngine() {
        client.blocking().modelInfer(ModelInferRequest.newBuilder().setModelName("identity")
                .addInputs(input("INPUT0", "BYTES", 1, 1)).addRawInputContents(bytesElements("x")).build());
        var stats = client.blocking().modelStatistics(ModelStatisticsRequest.newBuilder().setName("identity").build());
        assertEquals("identity", stats.getModelStats(0).getName());
        assertTrue(stats.getModelStats(0).getInferenceStats().getSuccess().getCount() >= 1, stats.toString());
        RepositoryIndexResponse index = client.blocking().repositoryIndex(RepositoryIndexRequest.newBuilder()
                .setReady(true).build());
        assertTrue(index.getModelsList().stream().anyMatch(m -> m.getName().equals("identity")
                && m.getVersion().equals("1") && m.getState().equals("READY")), index.toString());
        LogSettingsResponse log = client.blocking().logSettings(LogSettingsRequest.newBuilder()
                .putSettings("log_verbose_level", LogSettingsRequest.SettingValue.newBuilder().setUint32Param(1)
                        .build()).build());
        assertEquals(1, log.getSettingsOrThrow("log_verbose_level").getUint32Param());
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.blocking().logSettings(LogSettingsRequest
                .newBuilder().putSettings("log_info", LogSettingsRequest.SettingValue.newBuilder()
                        .setStringParam("yes").build()).build()), "log_info");
    }

    @Test
    void unsupportedFeaturesAnswerAsTritonWithoutThemAndEngineRefusalsKeepTheirMappedCode() {
        TritonException loadRefused = TritonException.of(assertThrows(CompletionException.class,
                () -> engine.load("identity", LoadOptions.DEFAULT).toCompletableFuture().join()));
        assertStatus(GrpcErrors.code(loadRefused.code()), () -> client.blocking().repositoryModelLoad(
                RepositoryModelLoadRequest.newBuilder().setModelName("identity").build()), loadRefused.getMessage());
        TritonException unloadRefused = TritonException.of(assertThrows(CompletionException.class,
                () -> engine.unload("identity", false).toCompletableFuture().join()));
        assertStatus(GrpcErrors.code(unloadRefused.code()), () -> client.blocking().repositoryModelUnload(
                RepositoryModelUnloadRequest.newBuilder().setModelName("identity").build()), unloadRefused.getMessage());
        assertStatus(Status.Code.UNIMPLEMENTED, () -> client.blocking().repositoryIndex(
                RepositoryIndexRequest.newBuilder().setRepositoryName("other").build()), "repository_name");
        assertStatus(Status.Code.UNIMPLEMENTED, () -> client.blocking().traceSetting(
                TraceSettingRequest.getDefaultInstance()), "trace");
        assertEquals(0, client.blocking().systemSharedMemoryStatus(SystemSharedMemoryStatusRequest
                .getDefaultInstance()).getRegionsCount());
        assertEquals(0, client.blocking().cudaSharedMemoryStatus(CudaSharedMemoryStatusRequest
                .getDefaultInstance()).getRegionsCount());
        assertStatus(Status.Code.UNIMPLEMENTED, () -> client.blocking().systemSharedMemoryRegister(
                SystemSharedMemoryRegisterRequest.newBuilder().setName("r").setKey("/r").setByteSize(8).build()));
        assertStatus(Status.Code.UNIMPLEMENTED, () -> client.blocking().cudaSharedMemoryRegister(
                CudaSharedMemoryRegisterRequest.newBuilder().setName("r").build()));
        assertStatus(Status.Code.NOT_FOUND, () -> client.blocking().systemSharedMemoryStatus(
                SystemSharedMemoryStatusRequest.newBuilder().setName("r").build()), "'r'");
    }
}
