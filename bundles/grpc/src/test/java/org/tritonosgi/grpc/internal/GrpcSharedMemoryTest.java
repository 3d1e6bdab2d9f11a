package org.tritonosgi.grpc.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tritonosgi.grpc.internal.TestClient.assertStatus;

import io.grpc.Status;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tritonosgi.embedded.internal.EmbeddedInferenceServer;
import org.tritonosgi.grpc.internal.proto.CudaSharedMemoryRegisterRequest;
import org.tritonosgi.grpc.internal.proto.InferParameter;
import org.tritonosgi.grpc.internal.proto.ModelInferRequest;
import org.tritonosgi.grpc.internal.proto.ModelInferResponse;
import org.tritonosgi.grpc.internal.proto.ServerMetadataRequest;
import org.tritonosgi.grpc.internal.proto.SystemSharedMemoryRegisterRequest;
import org.tritonosgi.grpc.internal.proto.SystemSharedMemoryStatusRequest;
import org.tritonosgi.grpc.internal.proto.SystemSharedMemoryStatusResponse;
import org.tritonosgi.grpc.internal.proto.SystemSharedMemoryUnregisterRequest;

/**
 * Triton's system shared-memory extension over gRPC, with /dev/shm regions the test makes: the RPCs, tensors in
 * regions, bounds refused with INVALID_ARGUMENT, and registration refused unless allow.client.shm is on.
 */
class GrpcSharedMemoryTest {

    private static final Path SHM = Path.of("/dev/shm");

    @TempDir
    static Path repo;

    private static EmbeddedInferenceServer engine;
    private static GrpcServer server;
    private static GrpcServer closed;
    private static TestClient client;
    private static TestClient closedClient;
    private static final List<Path> objects = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(SHM) && Files.isWritable(SHM),
                "system shared memory needs a writable /dev/shm");
        engine = TestEngine.start(repo);
        server = new GrpcServer(engine, GrpcSettings.plain(new InetSocketAddress("127.0.0.1", 0)).withClientShm(true));
        server.start();
        closed = new GrpcServer(engine, GrpcSettings.plain(new InetSocketAddress("127.0.0.1", 0)));
        closed.start();
        client = new TestClient(server.localAddress().getPort());
        closedClient = new TestClient(closed.localAddress().getPort());
    }

    @AfterAll
    static void stop() throws Exception {
        if (engine != null) {
            client.close();
            closedClient.close();
            server.stop();
            closed.stop();
            engine.deactivate();
        }
        for (Path object : objects) {
            Files.deleteIfExists(object);
        }
    }

    @AfterEach
    void unregisterAll() {
        client.blocking().systemSharedMemoryUnregister(SystemSharedMemoryUnregisterRequest.getDefaultInstance());
    }

    private static String object(int size, byte[] content) throws IOException {
        String name = "tritonosgi-grpc-test-" + UUID.randomUUID();
        Path file = SHM.resolve(name);
        objects.add(file);
        byte[] bytes = new byte[size];
        System.arraycopy(content, 0, bytes, 0, content.length);
        Files.write(file, bytes);
        return "/" + name;
    }

    private static void register(TestClient to, String name, String key, long offset, long byteSize) {
        to.blocking().systemSharedMemoryRegister(SystemSharedMemoryRegisterRequest.newBuilder().setName(name)
                .setKey(key).setOffset(offset).setByteSize(byteSize).build());
    }

    private static InferParameter string(String value) {
        return InferParameter.newBuilder().setStringParam(value).build();
    }

    private static InferParameter int64(long value) {
        return InferParameter.newBuilder().setInt64Param(value).build();
    }

    /** INT32 [3] through all_types: input from one region, output into another. */
    private static ModelInferRequest request(String in, long inOffset, long inSize, String out, long outSize) {
        return ModelInferRequest.newBuilder().setModelName("all_types")
                .addInputs(GrpcProtocolTest.input("IN_INT32", "INT32", 3)
                        .putParameters("shared_memory_region", string(in))
                        .putParameters("shared_memory_offset", int64(inOffset))
                        .putParameters("shared_memory_byte_size", int64(inSize)))
                .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("OUT_INT32")
                        .putParameters("shared_memory_region", string(out))
                        .putParameters("shared_memory_byte_size", int64(outSize)))
                .build();
    }

    private static byte[] ints(int... values) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int value : values) {
            buffer.putInt(value);
        }
        return buffer.array();
    }

    @Test
    void tensorsTravelThroughRegionsAndStatusListsThem() throws Exception {
        byte[] values = ints(7, -8, 9);
        String in = object(32, concat(new byte[4], values));
        String out = object(12, new byte[0]);
        register(client, "in", in, 0, 32);
        register(client, "out", out, 0, 12);

        SystemSharedMemoryStatusResponse status = client.blocking().systemSharedMemoryStatus(
                SystemSharedMemoryStatusRequest.getDefaultInstance());
        assertEquals(2, status.getRegionsCount());
        SystemSharedMemoryStatusResponse.RegionStatus region = status.getRegionsOrThrow("in");
        assertEquals("in", region.getName());
        assertEquals(in, region.getKey());
        assertEquals(0, region.getOffset());
        assertEquals(32, region.getByteSize());

        ModelInferResponse response = client.blocking().modelInfer(request("in", 4, 12, "out", 12));
        ModelInferResponse.InferOutputTensor output = response.getOutputs(0);
        assertEquals("out", output.getParametersOrThrow("shared_memory_region").getStringParam());
        assertEquals(12, output.getParametersOrThrow("shared_memory_byte_size").getInt64Param());
        assertEquals(List.of(3L), output.getShapeList());
        assertTrue(response.getRawOutputContents(0).isEmpty(), "the data are in the region, not the message");
        assertArrayEquals(values, Files.readAllBytes(SHM.resolve(out.substring(1))));
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer all = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] part : parts) {
            all.put(part);
        }
        return all.array();
    }

    @Test
    void mistakesAreInvalidArgumentOrAlreadyExistsAndTheServerStaysUp() throws Exception {
        String key = object(16, ints(1, 2, 3));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> register(client, "r", "/tritonosgi-no-such-object", 0, 8),
                "Unable to open shared memory region: '/tritonosgi-no-such-object'");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> register(client, "r", key, 8, 16), "exceed the 16 bytes");
        register(client, "r", key, 0, 16);
        assertStatus(Status.Code.ALREADY_EXISTS, () -> register(client, "r", key, 0, 16),
                "shared memory region 'r' already in manager");
        assertStatus(Status.Code.NOT_FOUND, () -> client.blocking().systemSharedMemoryStatus(
                SystemSharedMemoryStatusRequest.newBuilder().setName("nosuch").build()),
                "Unable to find system shared memory region: 'nosuch'");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.blocking().modelInfer(request("nosuch", 0, 12, "r",
                12)), "input 'IN_INT32'", "Unable to find shared memory region: 'nosuch'");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.blocking().modelInfer(request("r", 8, 12, "r", 12)),
                "Invalid offset + byte size for shared memory region: 'r'");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.blocking().modelInfer(request("r", 0, 12, "r", 8)),
                "output 'OUT_INT32' (8 bytes) should be at least 12 bytes");
        Files.delete(SHM.resolve(key.substring(1)));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.blocking().modelInfer(request("r", 0, 12, "r", 12)),
                "was removed or truncated");
        assertTrue(client.blocking().serverLive(org.tritonosgi.grpc.internal.proto.ServerLiveRequest
                .getDefaultInstance()).getLive());
    }

    @Test
    void aRegionRegisteredOverGrpcIsSeenByEveryFrontendOfTheEngine() throws Exception {
        register(client, "shared", object(8, new byte[0]), 0, 8);
        assertTrue(engine.systemSharedMemory().status(null).stream().anyMatch(r -> r.name().equals("shared")));
        assertEquals(1, closedClient.blocking().systemSharedMemoryStatus(SystemSharedMemoryStatusRequest
                .getDefaultInstance()).getRegionsCount());
    }

    @Test
    void registrationIsUnimplementedUnlessAllowClientShmIsOn() throws Exception {
        String key = object(8, new byte[0]);
        assertStatus(Status.Code.UNIMPLEMENTED, () -> register(closedClient, "r", key, 0, 8),
                "client shared memory is disabled", "allow.client.shm = true", "org.tritonosgi.grpc");
        assertStatus(Status.Code.UNIMPLEMENTED, () -> client.blocking().cudaSharedMemoryRegister(
                CudaSharedMemoryRegisterRequest.newBuilder().setName("g").setByteSize(8).build()),
                "CUDA shared memory is not supported");
    }

    @Test
    void serverMetadataListsSystemButNotCudaSharedMemory() {
        List<String> extensions = client.blocking().serverMetadata(ServerMetadataRequest.getDefaultInstance())
                .getExtensionsList();
        assertTrue(extensions.contains("system_shared_memory"), extensions.toString());
        assertFalse(extensions.contains("cuda_shared_memory"), extensions.toString());
    }
}
