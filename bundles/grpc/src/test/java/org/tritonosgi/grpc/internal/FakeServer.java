package org.tritonosgi.grpc.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.tritonosgi.api.DataType;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.InferenceServer;
import org.tritonosgi.api.LoadOptions;
import org.tritonosgi.api.LogSettings;
import org.tritonosgi.api.Model;
import org.tritonosgi.api.ModelIndexEntry;
import org.tritonosgi.api.ModelMetadata;
import org.tritonosgi.api.ModelState;
import org.tritonosgi.api.ModelStatistics;
import org.tritonosgi.api.ResponseListener;
import org.tritonosgi.api.ServerMetadata;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.config.ModelConfig;
import org.tritonosgi.api.config.ModelTransactionPolicy;

/**
 * The embedded engine plus test models it cannot provide: {@code repeat}, decoupled, answering every request with
 * three responses (INT32 0, 1, 2), {@code slow}, whose responses the test completes by hand, and {@code params},
 * answering with the request's parameters as response parameters.
 */
final class FakeServer implements InferenceServer {

    /** Requests to {@code slow} waiting for the test to complete them. */
    final LinkedBlockingQueue<CompletableFuture<InferenceResponse>> pending = new LinkedBlockingQueue<>();

    /** Requests to {@code slow} received and not yet completed, and the most there ever were. */
    final AtomicInteger outstanding = new AtomicInteger();
    final AtomicInteger maxOutstanding = new AtomicInteger();

    private final InferenceServer engine;

    FakeServer(InferenceServer engine) {
        this.engine = engine;
    }

    /** A response of {@code slow} or {@code repeat} carrying one INT32 value. */
    static InferenceResponse response(String model, String id, int value, boolean isFinal) {
        ByteBuffer data = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).flip();
        return new InferenceResponse(id, model, 1, List.of(new Tensor("OUT", DataType.INT32, new long[] {1}, data)),
                Map.of(), isFinal, null);
    }

    @Override
    public Model model(String name, long version) {
        return switch (name) {
            case "repeat" -> new TestModel(name, true) {
                @Override
                public void infer(InferenceRequest request, ResponseListener listener) {
                    boolean separateFinal = Boolean.TRUE.equals(request.parameters().get("final_separately"));
                    CompletableFuture.runAsync(() -> {
                        for (int i = 0; i < 3; i++) {
                            listener.onResponse(response(name, request.id(), i, i == 2 && !separateFinal));
                        }
                        listener.onComplete();
                    });
                }
            };
            case "slow" -> new TestModel(name, false) {
                @Override
                public CompletionStage<InferenceResponse> infer(InferenceRequest request) {
                    CompletableFuture<InferenceResponse> response = new CompletableFuture<>();
                    maxOutstanding.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
                    response.whenComplete((r, e) -> outstanding.decrementAndGet());
                    pending.add(response);
                    return response;
                }
            };
            case "params" -> new TestModel(name, false) {
                @Override
                public CompletionStage<InferenceResponse> infer(InferenceRequest request) {
                    return CompletableFuture.completedFuture(new InferenceResponse(request.id(), name, 1, List.of(),
                            request.parameters(), true, null));
                }
            };
            default -> engine.model(name, version);
        };
    }

    /** A ready version 1 with no inputs or outputs to check. */
    private abstract static class TestModel implements Model {
        private final String name;
        private final boolean decoupled;

        TestModel(String name, boolean decoupled) {
            this.name = name;
            this.decoupled = decoupled;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long version() {
            return 1;
        }

        @Override
        public ModelState state() {
            return ModelState.READY;
        }

        @Override
        public ModelMetadata metadata() {
            return new ModelMetadata(name, List.of("1"), "test", List.of(), List.of());
        }

        @Override
        public ModelConfig config() {
            return ModelConfig.newBuilder().setName(name).setModelTransactionPolicy(
                    ModelTransactionPolicy.newBuilder().setDecoupled(decoupled)).build();
        }

        @Override
        public CompletionStage<InferenceResponse> infer(InferenceRequest request) {
            return CompletableFuture.failedFuture(new TritonException(TritonException.Code.UNSUPPORTED, "decoupled"));
        }

        @Override
        public void infer(InferenceRequest request, ResponseListener listener) {
            infer(request).whenComplete((response, failure) -> {
                if (failure != null) {
                    listener.onError(TritonException.of(failure));
                } else {
                    listener.onResponse(response);
                    listener.onComplete();
                }
            });
        }
    }

    @Override
    public String id() {
        return engine.id();
    }

    @Override
    public boolean isLive() {
        return engine.isLive();
    }

    @Override
    public boolean isReady() {
        return engine.isReady();
    }

    @Override
    public ServerMetadata metadata() {
        return engine.metadata();
    }

    @Override
    public List<ModelIndexEntry> index(boolean readyOnly) {
        return engine.index(readyOnly);
    }

    @Override
    public CompletionStage<Void> load(String name, LoadOptions options) {
        return engine.load(name, options);
    }

    @Override
    public CompletionStage<Void> unload(String name, boolean unloadDependents) {
        return engine.unload(name, unloadDependents);
    }

    @Override
    public List<ModelStatistics> statistics(String name, long version) {
        return engine.statistics(name, version);
    }

    @Override
    public LogSettings logSettings() {
        return engine.logSettings();
    }

    @Override
    public LogSettings updateLogSettings(LogSettings settings) {
        return engine.updateLogSettings(settings);
    }
}
