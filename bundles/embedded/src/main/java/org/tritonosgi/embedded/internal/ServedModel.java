package org.tritonosgi.embedded.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.tritonosgi.api.DataType;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.Model;
import org.tritonosgi.api.ModelMetadata;
import org.tritonosgi.api.ModelState;
import org.tritonosgi.api.RequestedOutput;
import org.tritonosgi.api.ResponseListener;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TensorMetadata;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.config.ModelConfig;

/** One version of one model in the embedded engine: its configuration, backend, state and statistics. */
final class ServedModel implements Model {

    private final ModelConfig config;
    private final long version;
    private final Backend backend;
    private final ModelState state;
    private final String reason;
    private final Execution execution;
    private final RequestValidator validator;
    private final ModelStats stats = new ModelStats();

    /** Runs backend work off the caller's thread; implemented by the engine. */
    interface Execution {
        <T> CompletableFuture<T> submit(java.util.function.Supplier<T> work);
    }

    private ServedModel(ModelConfig config, long version, Backend backend, ModelState state, String reason,
            Execution execution) {
        this.config = config;
        this.version = version;
        this.backend = backend;
        this.state = state;
        this.reason = reason;
        this.execution = execution;
        this.validator = new RequestValidator(config);
    }

    static ServedModel ready(ModelConfig config, long version, Backend backend, Execution execution) {
        return new ServedModel(config, version, backend, ModelState.READY, "", execution);
    }

    static ServedModel unavailable(ModelConfig config, long version, String reason) {
        return new ServedModel(config, version, null, ModelState.UNAVAILABLE, reason, null);
    }

    @Override
    public String name() {
        return config.getName();
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public ModelState state() {
        return state;
    }

    /** Why the version is not ready; "" when it is. */
    String reason() {
        return reason;
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public ModelMetadata metadata() {
        requireReady();
        return new ModelMetadata(name(), List.of(Long.toString(version)),
                config.getPlatform().isEmpty() ? config.getBackend() : config.getPlatform(),
                config.getInputList().stream().map(i -> tensor(i.getName(), i.getDataType(), i.getDimsList())).toList(),
                config.getOutputList().stream().map(o -> tensor(o.getName(), o.getDataType(), o.getDimsList()))
                        .toList());
    }

    private TensorMetadata tensor(String name, org.tritonosgi.api.config.DataType type, List<Long> dims) {
        List<Long> shape = new ArrayList<>();
        if (config.getMaxBatchSize() > 0) {
            shape.add(-1L);
        }
        shape.addAll(dims);
        return new TensorMetadata(name, DataType.fromConfig(type), shape);
    }

    @Override
    public CompletionStage<InferenceResponse> infer(InferenceRequest request) {
        if (isDecoupled()) {
            return CompletableFuture.failedFuture(new TritonException(TritonException.Code.UNSUPPORTED,
                    "model '" + name() + "' is decoupled and may send several responses; use the streaming API"));
        }
        return run(request, true);
    }

    @Override
    public void infer(InferenceRequest request, ResponseListener listener) {
        run(request, true).whenComplete((response, failure) -> {
            if (failure != null) {
                listener.onError(TritonException.of(failure));
            } else {
                listener.onResponse(response);
                listener.onComplete();
            }
        });
    }

    private CompletableFuture<InferenceResponse> run(InferenceRequest request, boolean isFinal) {
        long received = System.nanoTime();
        long batchSize;
        try {
            requireReady();
            batchSize = validator.validate(request);
            for (RequestedOutput output : request.outputs()) {
                if (output.classificationCount() > 0) {
                    throw new TritonException(TritonException.Code.UNSUPPORTED, "output '" + output.name()
                            + "' asks for classification, which the embedded engine does not support yet");
                }
            }
        } catch (TritonException e) {
            stats.failure(System.nanoTime() - received);
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<InferenceResponse> result = execution.submit(() -> {
            long started = System.nanoTime();
            List<Tensor> outputs = selectOutputs(backend.execute(request), request.outputs());
            long finished = System.nanoTime();
            stats.success(batchSize, started - received, finished - started);
            return new InferenceResponse(request.id(), name(), version, outputs, java.util.Map.of(), isFinal, null);
        });
        return result.whenComplete((response, failure) -> {
            if (failure != null) {
                stats.failure(System.nanoTime() - received);
            }
        });
    }

    private static List<Tensor> selectOutputs(List<Tensor> all, List<RequestedOutput> requested) {
        if (requested.isEmpty()) {
            return all;
        }
        List<Tensor> selected = new ArrayList<>(requested.size());
        for (RequestedOutput wanted : requested) {
            for (Tensor output : all) {
                if (output.name().equals(wanted.name())) {
                    selected.add(output);
                }
            }
        }
        return selected;
    }

    private void requireReady() {
        if (state != ModelState.READY) {
            throw TritonException.unavailable("Request for unknown model: '" + name() + "' version " + version
                    + " is not at ready state" + (reason.isEmpty() ? "" : ": " + reason));
        }
    }

    org.tritonosgi.api.ModelStatistics statistics() {
        return stats.snapshot(name(), version);
    }

    void close() {
        if (backend != null) {
            backend.close();
        }
    }
}
