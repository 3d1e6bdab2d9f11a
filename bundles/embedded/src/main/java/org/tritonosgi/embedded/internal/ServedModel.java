package org.tritonosgi.embedded.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import org.tritonosgi.api.DataType;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.Model;
import org.tritonosgi.api.ModelMetadata;
import org.tritonosgi.api.ModelState;
import org.tritonosgi.api.ModelStatistics;
import org.tritonosgi.api.RequestedOutput;
import org.tritonosgi.api.ResponseListener;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TensorMetadata;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.config.ModelConfig;

/**
 * One version of one model in the embedded engine: its configuration, instances, scheduler, state and statistics.
 * Unloading retires it: new requests get UNAVAILABLE while those already accepted finish.
 */
final class ServedModel implements Model {

    /** What the engine lends every model: its threads, and the count of requests in flight. */
    interface Execution {
        Executor executor();

        ScheduledExecutorService timer();

        /** The engine's model lookup, for ensembles' composing models (version <= 0: newest ready). */
        Model model(String name, long version);

        /** The engine's response cache, or null when it has none. */
        default ResponseCache responseCache() {
            return null;
        }

        /** Counts a request in, or refuses it with UNAVAILABLE when the server is exiting. */
        void begin();

        void end();
    }

    private final ModelConfig config;
    private final long version;
    private final Execution execution;
    private final RequestValidator validator;
    private final ModelStats stats = new ModelStats();
    private final JobRunner scheduler;
    private final Classifier classifier;
    private volatile ModelState state;
    private volatile String reason;

    private ServedModel(ModelConfig config, long version, java.util.function.Function<ModelStats, JobRunner> runner,
            Execution execution, ModelState state, String reason, java.util.Map<String, List<String>> labels) {
        this.config = config;
        this.classifier = new Classifier(config.getMaxBatchSize() > 0, labels);
        this.version = version;
        this.execution = execution;
        this.state = state;
        this.reason = reason;
        this.validator = new RequestValidator(config);
        this.scheduler = runner == null ? null : runner.apply(stats);
    }

    /**
     * @param labels each output's classification labels (from its label_filename), by output name
     * @param initialStates a sequence model's initial states by state input name
     */
    static ServedModel ready(ModelConfig config, long version, List<Backend> instances, Execution execution,
            java.util.Map<String, List<String>> labels,
            java.util.Map<String, SequenceBatcher.InitialState> initialStates) {
        return new ServedModel(config, version, stats -> {
            JobRunner scheduler = JobRunner.of(new Scheduler(config, instances, execution.executor(),
                    execution.timer(), stats));
            return config.hasSequenceBatching() ? new SequenceBatcher(config, scheduler, execution.timer(),
                    initialStates, instances.size()) : scheduler;
        }, execution, ModelState.READY, "", labels);
    }

    /** An ensemble version, served by its composing models; ready while each of them is. */
    static ServedModel ensemble(ModelConfig config, long version, EnsembleGraph graph, Execution execution) {
        return new ServedModel(config, version, stats -> new EnsembleRunner(config, graph, execution::model, stats),
                execution, ModelState.READY, "", java.util.Map.of());
    }

    static ServedModel unavailable(ModelConfig config, long version, String reason) {
        return new ServedModel(config, version, null, null, ModelState.UNAVAILABLE, reason,
                java.util.Map.of());
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
        ModelState current = state;
        if (current == ModelState.READY && scheduler != null && !scheduler.problem().isEmpty()) {
            return ModelState.UNAVAILABLE;
        }
        return current;
    }

    /** Why the version is not ready; "" when it is. */
    String reason() {
        if (state == ModelState.READY && scheduler != null) {
            return scheduler.problem();
        }
        return reason;
    }

    @Override
    public ModelConfig config() {
        if (scheduler instanceof EnsembleRunner ensemble && !config.getModelTransactionPolicy().getDecoupled()
                && ensemble.decoupled()) {
            // as Triton's loaded configuration shows it: an ensemble with a decoupled step is decoupled
            return config.toBuilder().setModelTransactionPolicy(config.getModelTransactionPolicy().toBuilder()
                    .setDecoupled(true)).build();
        }
        return config;
    }

    @Override
    public boolean isDecoupled() {
        return scheduler instanceof EnsembleRunner ensemble ? ensemble.decoupled()
                : config.getModelTransactionPolicy().getDecoupled();
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
        CompletableFuture<InferenceResponse> result = new CompletableFuture<>();
        if (isDecoupled()) {
            result.completeExceptionally(new TritonException(TritonException.Code.UNSUPPORTED, "model '" + name()
                    + "' is decoupled and may send several responses; use the streaming API"));
            return result;
        }
        submit(request, new ResponseListener() {
            @Override
            public void onResponse(InferenceResponse response) {
                if (!result.complete(response)) {
                    response.close();
                }
            }

            @Override
            public void onComplete() {
                // the single response completed the future
            }

            @Override
            public void onError(TritonException error) {
                result.completeExceptionally(error);
            }
        }, result);
        return result;
    }

    @Override
    public void infer(InferenceRequest request, ResponseListener listener) {
        submit(request, listener, null);
    }

    private void submit(InferenceRequest request, ResponseListener listener, CompletableFuture<?> cancellable) {
        long received = System.nanoTime();
        long batchSize;
        try {
            requireReady();
            batchSize = validator.validate(request);
            for (RequestedOutput output : request.outputs()) {
                if (output.classificationCount() > 0) {
                    Classifier.check(name(), output.name(), outputType(output.name()));
                }
            }
            execution.begin();
        } catch (TritonException e) {
            stats.failure(System.nanoTime() - received);
            listener.onError(e);
            return;
        }
        ResponseListener target = listener;
        ResponseCache cache = execution.responseCache();
        if (cache != null && cache.enabled() && config.getResponseCache().getEnable()) {
            target = cached(cache, request, listener, received);
            if (target == null) {
                return;
            }
        }
        scheduler.submit(new Job(name(), version, request, batchSize, target, classifier,
                () -> listener.isCancelled() || cancellable != null && cancellable.isCancelled(), execution::end));
    }

    /**
     * Answers a request from the cache (null: answered), or the listener that puts the response in on its way.
     */
    private ResponseListener cached(ResponseCache cache, InferenceRequest request, ResponseListener listener,
            long received) {
        long lookupStart = System.nanoTime();
        ResponseCache.Key key = ResponseCache.key(name(), version, request);
        List<Tensor> hit = cache.get(key);
        if (hit != null) {
            long end = System.nanoTime();
            stats.cacheHit(end - lookupStart, end - received);
            try {
                listener.onResponse(new InferenceResponse(request.id(), name(), version, hit, Map.of(), true, null));
                listener.onComplete();
            } finally {
                execution.end();
            }
            return null;
        }
        long lookup = System.nanoTime() - lookupStart;
        return new ResponseListener() {
            @Override
            public void onResponse(InferenceResponse response) {
                long insertStart = System.nanoTime();
                cache.put(key, response.outputs());
                stats.cacheMiss(lookup + System.nanoTime() - insertStart);
                listener.onResponse(response);
            }

            @Override
            public void onComplete() {
                listener.onComplete();
            }

            @Override
            public void onError(TritonException error) {
                listener.onError(error);
            }

            @Override
            public boolean isCancelled() {
                return listener.isCancelled();
            }
        };
    }

    private DataType outputType(String output) {
        return config.getOutputList().stream().filter(o -> o.getName().equals(output)).findFirst()
                .map(o -> DataType.fromConfig(o.getDataType())).orElseThrow();
    }

    private void requireReady() {
        String why = reason();
        if (state != ModelState.READY || !why.isEmpty()) {
            throw TritonException.unavailable("Request for unknown model: '" + name() + "' version " + version
                    + " is not at ready state" + (why.isEmpty() ? "" : ": " + why));
        }
    }

    ModelStatistics statistics() {
        return stats.snapshot(name(), version, scheduler == null ? 0 : scheduler.pending());
    }

    /** Unload: refuse new requests, let accepted ones finish, then release the instances. */
    void retire(String why) {
        if (state == ModelState.READY) {
            reason = why;
            state = ModelState.UNAVAILABLE;
        }
        if (scheduler != null) {
            scheduler.retire();
        }
    }

    /** Server exit after the timeout: fail what is still queued or running, release the instances. */
    void abort() {
        state = ModelState.UNAVAILABLE;
        reason = "server exiting";
        if (scheduler != null) {
            scheduler.abort();
        }
    }
}
