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
 * three responses (INT32 0, 1, 2), {@code slow}, whose responses the test completes by hand, {@code params},
 * answering with the request's parameters as response parameters, and {@code many}, decoupled, answering with
 * request parameter {@code count} responses of 1 KiB (INT32 i and zeros) as fast as it can, stopping when the
 * listener cancels unless {@code ignore_cancel} is true.
 */
final class FakeServer implements InferenceServer {

    /** Requests to {@code slow} waiting for the test to complete them. */
    final LinkedBlockingQueue<CompletableFuture<InferenceResponse>> pending = new LinkedBlockingQueue<>();

    /** Requests to {@code slow} received and not yet completed, and the most there ever were. */
    final AtomicInteger outstanding = new AtomicInteger();
    final AtomicInteger maxOutstanding = new AtomicInteger();

    /** Responses {@code many} produced, and how each of its requests ended ("completed N" or "cancelled N"). */
    final AtomicInteger manyProduced = new AtomicInteger();
    final LinkedBlockingQueue<String> manyEnded = new LinkedBlockingQueue<>();

    private final InferenceServer engine;

    FakeServer(InferenceServer engine) {
        this.engine = engine;
    }

    /** A response of {@code slow} or {@code repeat} carrying one INT32 value. */
    static InferenceResponse response(String model, String id, int value, boolean isFinal) {
        return response(model, id, value, 1, isFinal);
    }

    /** A response whose INT32 output holds the value and then zeros, {@code elements} in all. */
    static InferenceResponse response(String model, String id, int value, int elements, boolean isFinal) {
        ByteBuffer data = ByteBuffer.allocate(4 * elements).order(ByteOrder.LITTLE_ENDIAN).putInt(0, value);
        return new InferenceResponse(id, model, 1, List.of(new Tensor("OUT", DataType.INT32,
                new long[] {elements}, data)), Map.of(), isFinal, null);
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
            case "many" -> new TestModel(name, true) {
                @Override
                public void infer(InferenceRequest request, ResponseListener listener) {
                    long count = (Long) request.parameters().getOrDefault("count", 1000L);
                    boolean ignoreCancel = Boolean.TRUE.equals(request.parameters().get("ignore_cancel"));
                    CompletableFuture.runAsync(() -> {
                        for (int i = 0; i < count; i++) {
                            if (!ignoreCancel && listener.isCancelled()) {
                                manyEnded.add("cancelled " + i);
                                listener.onError(new TritonException(TritonException.Code.CANCELLED,
                                        "request cancelled"));
                                return;
                            }
                            manyProduced.incrementAndGet();
                            listener.onResponse(response(name, request.id(), i, 256, i == count - 1));
                        }
                        manyEnded.add("completed " + count);
                        listener.onComplete();
                    });
                }
            };
            case "slow" -> new TestModel(name, false) {
                @Override
                public CompletionStage<InferenceResponse> infer(InferenceRequest request) {
                    CompletableFuture<InferenceResponse> response = new CompletableFuture<>();
                    maxOutstanding.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
                    pending.add(response);
                    // the caller's callbacks run on the stage returned, after the count went down
                    return response.whenComplete((r, e) -> outstanding.decrementAndGet());
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
