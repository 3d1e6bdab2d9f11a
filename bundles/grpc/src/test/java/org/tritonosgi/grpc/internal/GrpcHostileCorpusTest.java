package org.tritonosgi.grpc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.NativeLibrary;
import io.grpc.Status;
import io.netty.buffer.AbstractByteBuf;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tritonosgi.embedded.internal.EmbeddedInferenceServer;
import org.tritonosgi.embedded.internal.Settings;
import org.tritonosgi.grpc.internal.CorpusWire.Outcome;
import org.tritonosgi.grpc.internal.GrpcEngineConformanceTest.Served;
import org.tritonosgi.grpc.internal.HostileCorpus.Case;
import org.tritonosgi.grpc.internal.HostileCorpus.Group;
import org.tritonosgi.grpc.internal.proto.ModelInferResponse;
import org.tritonosgi.grpc.internal.proto.ServerLiveRequest;

/**
 * A hostile-input corpus against the gRPC frontend on a real grpc-java server over loopback, on the engines the
 * conformance test proves it on (the embedded engine over {@link TestEngine}'s repository, and the native core
 * on the C double of libtritonserver), and on the embedded engine in explicit model control for the classes that
 * load models. {@link HostileCorpus} documents each class and the code Triton gives there. Every case must end
 * with that code and a message naming the problem, free of Java class names and stack traces; never INTERNAL or
 * UNKNOWN, a hang or a crash. Afterwards the server must still answer, heap and direct memory must be back near
 * the baseline, Netty's paranoid leak detector must have reported nothing, and the native double must hold no
 * object. The per-class table and the memory figures go to stdout.
 */
class GrpcHostileCorpusTest {

    /**
     * Memory the corpus may leave behind, measured after a warm-up of three cases per class. The heap after
     * collection may differ by 8 MiB (lazily built gRPC/protobuf structures and caches grow a little; measured:
     * under 0.5 MiB), which about 1600 cases could exceed by keeping only 5 KiB each. Direct memory may differ by
     * two Netty pool chunks (4 MiB each), which a larger message can add to an arena and the pool keeps for reuse
     * (measured: no change); a leaked buffer of any size is also caught by the paranoid leak detector.
     */
    static final long HEAP_TOLERANCE = 8L << 20;
    static final long DIRECT_TOLERANCE = 8L << 20;

    private static final Set<Group> REQUEST_CLASSES = EnumSet.range(Group.DATATYPE_VS_CONTENTS,
            Group.OVERSIZED_MESSAGES);

    /** The servers the corpus runs against, and the classes each gets. */
    enum Target {
        EMBEDDED(REQUEST_CLASSES),
        NATIVE_CORE(REQUEST_CLASSES),
        EMBEDDED_EXPLICIT(EnumSet.of(Group.MODEL_NAMES, Group.LOAD_FILE_PATHS));

        final Set<Group> classes;

        Target(Set<Group> classes) {
            this.classes = classes;
        }

        Served start(Path repo) {
            return switch (this) {
                case EMBEDDED -> GrpcEngineConformanceTest.Engine.EMBEDDED.start(repo);
                case NATIVE_CORE -> GrpcEngineConformanceTest.Engine.NATIVE_CORE.start(repo);
                case EMBEDDED_EXPLICIT -> {
                    try {
                        EmbeddedInferenceServer engine = TestEngine.start(repo,
                                s -> s.withControlMode(Settings.ControlMode.EXPLICIT, HostileCorpus.MODEL));
                        yield new Served(engine, engine::deactivate);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            };
        }
    }

    private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();

    @TempDir
    Path repo;

    @BeforeAll
    static void listenForBufferLeaks() throws ReflectiveOperationException {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        Field detector = AbstractByteBuf.class.getDeclaredField("leakDetector");
        detector.setAccessible(true);
        ((ResourceLeakDetector<?>) detector.get(null)).setLeakListener((type, records) -> LEAKS.add(type + ": "
                + records));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Target.class)
    void everyHostileCaseGetsItsDocumentedCodeAndTheServerStaysWhole(Target target) throws Exception {
        List<String> failures = new ArrayList<>();
        Map<String, Map<String, Integer>> table = new LinkedHashMap<>();
        Memory baseline;
        Memory after;
        int total;
        try (Served served = target.start(repo)) {
            CorpusWire wire = new CorpusWire(served.client, served.server.localAddress().getPort());
            List<Case> cases = HostileCorpus.cases(target.classes, wire, target == Target.EMBEDDED_EXPLICIT);
            total = cases.size();
            Map<String, Integer> warmed = new TreeMap<>();
            for (Case c : cases) {
                if (warmed.merge(c.group(), 1, Integer::sum) <= 3) {
                    c.send().send(wire);
                }
            }
            assertWhole(served, wire);
            baseline = Memory.settled();

            for (Case c : cases) {
                Outcome outcome = c.send().send(wire);
                table.computeIfAbsent(c.group(), g -> new TreeMap<>()).merge(outcome.code().name(), 1, Integer::sum);
                String problem = check(c, outcome);
                if (problem != null) {
                    failures.add(c.group() + " / " + c.name() + ": " + problem);
                }
            }

            assertWhole(served, wire);
            after = Memory.settled();
        }
        provokeLeakReports();
        if (target == Target.NATIVE_CORE) {
            assertTheDoubleHoldsNothing();
        }

        print(target, total, table, baseline, after);
        assertTrue(failures.isEmpty(), failures.size() + " of " + total + " cases failed:\n"
                + String.join("\n", failures.subList(0, Math.min(100, failures.size()))));
        assertTrue(after.heap() - baseline.heap() < HEAP_TOLERANCE, "heap grew from " + mib(baseline.heap())
                + " to " + mib(after.heap()));
        assertTrue(after.direct() - baseline.direct() < DIRECT_TOLERANCE, "direct memory grew from "
                + mib(baseline.direct()) + " to " + mib(after.direct()));
        assertTrue(after.netty() - baseline.netty() < DIRECT_TOLERANCE, "Netty's direct memory grew from "
                + mib(baseline.netty()) + " to " + mib(after.netty()));
        assertTrue(LEAKS.isEmpty(), "Netty reported leaked buffers:\n" + String.join("\n", LEAKS));
    }

    /** Why the outcome does not satisfy the case, or null. */
    static String check(Case c, Outcome outcome) {
        String message = outcome.message();
        if (!c.codes().contains(outcome.code())) {
            return "expected " + c.codes() + ", got " + outcome.code() + " '" + HostileCorpus.printable(message)
                    + "'";
        }
        if (outcome.code() == Status.Code.OK) {
            return null;
        }
        if (message.isBlank()) {
            return "no message with " + outcome.code();
        }
        for (String leak : List.of("Exception", "java.", "org.tritonosgi", "io.grpc.", "com.google.", "\tat ")) {
            if (message.contains(leak)) {
                return "the message shows '" + leak.trim() + "': " + HostileCorpus.printable(message);
            }
        }
        if (!c.names().isEmpty() && c.names().stream().noneMatch(message::contains)) {
            return "the message should name one of " + c.names().stream().map(HostileCorpus::printable).toList()
                    + ": " + HostileCorpus.printable(message);
        }
        return null;
    }

    /** The server still answers ServerLive and a correct ModelInfer. */
    private static void assertWhole(Served served, CorpusWire wire) {
        assertTrue(served.client.blocking().serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
        ModelInferResponse response = served.client.blocking().modelInfer(HostileCorpus.valid());
        assertEquals(List.of(GrpcProtocolTest.bytesElements("x")), response.getRawOutputContentsList());
        assertEquals(Outcome.OK, wire.infer(HostileCorpus.valid()));
    }

    /** Heap in use after collection, and direct memory as the JDK and Netty count it. */
    record Memory(long heap, long direct, long netty) {

        /** Collects until the heap in use changes by less than 1 MiB between two collections, at most 10 s. */
        static Memory settled() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long previous = Long.MAX_VALUE;
            long heap;
            while (true) {
                System.gc();
                heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                if (Math.abs(previous - heap) < (1 << 20) || System.nanoTime() > deadline) {
                    break;
                }
                previous = heap;
                TimeUnit.MILLISECONDS.sleep(50);
            }
            long direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                    .filter(pool -> pool.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed)
                    .sum();
            return new Memory(heap, direct, Math.max(0, PlatformDependent.usedDirectMemory()));
        }
    }

    /**
     * The leak detector reports a leaked buffer when it is collected and a later allocation is tracked: collect,
     * then allocate and release buffers from the allocators the servers use, several times.
     */
    private static void provokeLeakReports() throws InterruptedException {
        for (int round = 0; round < 5; round++) {
            System.gc();
            TimeUnit.MILLISECONDS.sleep(20);
            for (int i = 0; i < 100; i++) {
                for (ByteBuf buffer : List.of(PooledByteBufAllocator.DEFAULT.directBuffer(16),
                        PooledByteBufAllocator.DEFAULT.heapBuffer(16), UnpooledByteBufAllocator.DEFAULT.buffer(16))) {
                    buffer.release();
                }
            }
        }
    }

    private static void assertTheDoubleHoldsNothing() {
        NativeLibrary library = NativeLibrary.getInstance(GrpcEngineConformanceTest.doubleLibrary());
        library.getFunction("double_reset").invokeVoid(new Object[0]);
        for (String type : List.of("request", "response", "error", "message", "allocator", "server", "options",
                "parameter", "buffer")) {
            assertEquals(0, library.getFunction("double_live").invokeLong(new Object[] {type}),
                    "live native objects of type " + type + " after the corpus and the core stopped");
        }
    }

    private static void print(Target target, int total, Map<String, Map<String, Integer>> table, Memory baseline,
            Memory after) {
        StringBuilder out = new StringBuilder("\nHostile gRPC corpus on " + target + ": " + total + " cases\n");
        out.append(String.format("%-26s %6s  %s%n", "class", "cases", "outcomes"));
        table.forEach((group, outcomes) -> out.append(String.format("%-26s %6d  %s%n", group,
                outcomes.values().stream().mapToInt(Integer::intValue).sum(), outcomes)));
        out.append(String.format("heap after GC: %s before, %s after (tolerance %s)%n", mib(baseline.heap()),
                mib(after.heap()), mib(HEAP_TOLERANCE)));
        out.append(String.format("direct (BufferPoolMXBean): %s before, %s after; Netty: %s before, %s after"
                + " (tolerance %s)%n", mib(baseline.direct()), mib(after.direct()), mib(baseline.netty()),
                mib(after.netty()), mib(DIRECT_TOLERANCE)));
        out.append("Netty leak reports: ").append(LEAKS.size()).append('\n');
        System.out.print(out);
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }
}
