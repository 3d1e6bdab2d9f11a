package org.tritonosgi.embedded.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.tritonosgi.api.DataType;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.InferenceResponse;
import org.tritonosgi.api.Model;
import org.tritonosgi.api.RequestedOutput;
import org.tritonosgi.api.ResponseListener;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.config.ModelConfig;
import org.tritonosgi.api.config.ModelEnsembling;
import org.tritonosgi.api.config.ModelOutput;

/**
 * One request through an ensemble. Tensors live in a map by ensemble tensor name and never leave the process; a
 * step is sent to its composing model as soon as every tensor it reads exists. Each response of a decoupled step
 * starts a branch of its own (a copy of the tensors so far, which later outputs of the branch it came from also
 * reach), so the steps after it run once per response; a branch holding every ensemble output is one response of
 * the ensemble.
 */
final class EnsembleRun {

    private final ModelConfig config;
    private final EnsembleGraph graph;
    private final EnsembleRunner.Models models;
    private final ModelStats stats;
    private final Job job;
    private final Consumer<EnsembleRun> onEnd;
    private final boolean decoupled;
    private final long started = System.nanoTime();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final List<InferenceResponse> stepResponses = new ArrayList<>();
    private int outstanding;
    private int responses;
    private TritonException tooMany;
    private boolean statsDone;

    EnsembleRun(ModelConfig config, EnsembleGraph graph, EnsembleRunner.Models models, ModelStats stats, Job job,
            Consumer<EnsembleRun> onEnd, boolean decoupled) {
        this.config = config;
        this.graph = graph;
        this.models = models;
        this.stats = stats;
        this.job = job;
        this.onEnd = onEnd;
        this.decoupled = decoupled;
    }

    /** The tensors one line of the data flow has, the steps it started, and the branches made from it. */
    private final class Branch {
        final Map<String, Tensor> tensors;
        final Set<Integer> startedSteps;
        final List<Branch> children = new ArrayList<>();
        boolean emitted;

        Branch(Map<String, Tensor> tensors, Set<Integer> startedSteps) {
            this.tensors = tensors;
            this.startedSteps = startedSteps;
        }
    }

    void start() {
        job.request.trace().queued();
        job.request.trace().computeStarted();
        Map<String, Tensor> inputs = new HashMap<>();
        for (Tensor input : job.request.inputs()) {
            inputs.put(input.name(), input);
        }
        Branch root = new Branch(inputs, new HashSet<>());
        List<Runnable> calls = new ArrayList<>();
        synchronized (this) {
            outstanding++; // held until the first steps are sent, so that a fast step cannot end the run early
            startReadyLocked(root, calls);
        }
        calls.forEach(Runnable::run);
        stepEnded();
    }

    /** Fails the run once, whatever its steps still do. */
    void fail(TritonException error) {
        if (ended.compareAndSet(false, true)) {
            finishStats(false);
            job.fail(error);
            closeStepResponses();
            onEnd.accept(this);
        }
    }

    private void startReadyLocked(Branch branch, List<Runnable> calls) {
        for (EnsembleGraph.Step step : graph.steps()) {
            if (branch.startedSteps.contains(step.index())) {
                continue;
            }
            boolean ready = true;
            for (String tensor : step.config().getInputMapMap().values()) {
                if (!branch.tensors.containsKey(tensor)) {
                    ready = false;
                    break;
                }
            }
            if (ready) {
                branch.startedSteps.add(step.index());
                outstanding++;
                InferenceRequest request = stepRequest(step, branch);
                calls.add(() -> send(step, branch, request));
            }
        }
        if (!branch.emitted && hasAllOutputs(branch)) {
            branch.emitted = true;
            List<Tensor> outputs = new ArrayList<>();
            for (ModelOutput output : config.getOutputList()) {
                outputs.add(branch.tensors.get(output.getName()).renamed(output.getName()));
            }
            calls.add(() -> emit(outputs));
        }
    }

    private boolean hasAllOutputs(Branch branch) {
        for (ModelOutput output : config.getOutputList()) {
            if (!branch.tensors.containsKey(output.getName())) {
                return false;
            }
        }
        return true;
    }

    private InferenceRequest stepRequest(EnsembleGraph.Step step, Branch branch) {
        ModelEnsembling.Step configured = step.config();
        InferenceRequest.Builder request = InferenceRequest.builder().id(job.request.id());
        configured.getInputMapMap().forEach((modelInput, tensor) ->
                request.input(branch.tensors.get(tensor).renamed(modelInput)));
        configured.getOutputMapMap().keySet().forEach(output -> request.output(RequestedOutput.of(output)));
        job.request.parameters().forEach(request::parameter);
        InferenceRequest original = job.request;
        request.sequence(original.sequenceId(), original.sequenceStart(), original.sequenceEnd());
        return request.build();
    }

    private void send(EnsembleGraph.Step step, Branch branch, InferenceRequest request) {
        if (ended.get()) {
            stepEnded();
            return;
        }
        if (job.isCancelled()) {
            fail(new TritonException(TritonException.Code.CANCELLED, "request cancelled"));
            return;
        }
        Model model;
        try {
            model = models.model(step.config().getModelName(), step.config().getModelVersion());
        } catch (TritonException e) {
            fail(stepError(step, e));
            return;
        }
        boolean stepDecoupled = model.isDecoupled();
        model.infer(request, new ResponseListener() {
            @Override
            public void onResponse(InferenceResponse response) {
                synchronized (EnsembleRun.this) {
                    stepResponses.add(response);
                }
                if (ended.get()) {
                    return;
                }
                received(step, branch, response, stepDecoupled);
            }

            @Override
            public void onComplete() {
                stepEnded();
            }

            @Override
            public void onError(TritonException error) {
                fail(stepError(step, error));
            }

            @Override
            public boolean isCancelled() {
                return ended.get() || job.isCancelled();
            }
        });
    }

    /**
     * A step's outputs, renamed to ensemble tensors. A non-decoupled step's outputs join its branch and every branch
     * made from it; each response of a decoupled step starts a new branch.
     */
    private void received(EnsembleGraph.Step step, Branch branch, InferenceResponse response,
            boolean stepDecoupled) {
        Map<String, Tensor> produced = new HashMap<>();
        for (Map.Entry<String, String> mapping : step.config().getOutputMapMap().entrySet()) {
            Tensor output = response.output(mapping.getKey());
            if (output == null) {
                fail(stepError(step, TritonException.invalidArg("model '" + step.config().getModelName()
                        + "' sent no output '" + mapping.getKey() + "'")));
                return;
            }
            produced.put(mapping.getValue(), output.renamed(mapping.getValue()));
        }
        List<Runnable> calls = new ArrayList<>();
        synchronized (this) {
            if (stepDecoupled) {
                Branch child = new Branch(new HashMap<>(branch.tensors), new HashSet<>(branch.startedSteps));
                branch.children.add(child);
                addLocked(child, produced, calls);
            } else {
                addLocked(branch, produced, calls);
            }
        }
        calls.forEach(Runnable::run);
    }

    private void addLocked(Branch branch, Map<String, Tensor> produced, List<Runnable> calls) {
        branch.tensors.putAll(produced);
        startReadyLocked(branch, calls);
        for (Branch child : List.copyOf(branch.children)) {
            addLocked(child, produced, calls);
        }
    }

    private void emit(List<Tensor> outputs) {
        for (Tensor output : outputs) {
            DataType expected = DataType.fromConfig(config.getOutputList().stream()
                    .filter(o -> o.getName().equals(output.name())).findFirst().orElseThrow().getDataType());
            if (output.dataType() != expected) {
                fail(TritonException.invalidArg("ensemble '" + config.getName() + "' output '" + output.name()
                        + "' is " + output.dataType() + " but the ensemble configuration says " + expected));
                return;
            }
        }
        synchronized (this) {
            if (ended.get()) {
                return;
            }
            responses++;
            if (!decoupled && responses > 1) {
                // the ensemble was not decoupled when the request came (none of its steps was); a composing model
                // reloaded as decoupled since then answers more than once
                tooMany = TritonException.invalidArg("ensemble '" + config.getName() + "' was not decoupled when the"
                        + " request arrived, but a composing model, reloaded since as decoupled, sent more than one"
                        + " response; send the request again (over a stream, the ensemble is decoupled now)");
                return;
            }
            // a non-decoupled ensemble answers as soon as its outputs exist, even if unused steps still run;
            // its statistics are counted before, so a client that got the answer sees them
            if (!decoupled) {
                finishStats(true);
            }
            job.respond(outputs, !decoupled);
        }
    }

    private void stepEnded() {
        TritonException refused;
        int sent;
        synchronized (this) {
            if (--outstanding > 0) {
                return;
            }
            refused = tooMany;
            sent = responses;
        }
        if (refused != null) {
            fail(refused);
            return;
        }
        if (sent == 0 && !ended.get()) {
            fail(new TritonException(TritonException.Code.INTERNAL, "ensemble '" + config.getName()
                    + "' ended without producing its outputs (a decoupled composing model sent no response)"));
            return;
        }
        if (ended.compareAndSet(false, true)) {
            finishStats(true);
            job.complete();
            closeStepResponses();
            onEnd.accept(this);
        }
    }

    private TritonException stepError(EnsembleGraph.Step step, TritonException error) {
        if (error.code() == TritonException.Code.CANCELLED) {
            return error;
        }
        return new TritonException(error.code(), "in ensemble '" + config.getName() + "', " + step.describe()
                + ": " + error.getMessage());
    }

    private synchronized void finishStats(boolean success) {
        if (statsDone) {
            return;
        }
        statsDone = true;
        job.request.trace().computeEnded();
        long total = System.nanoTime() - started;
        if (success) {
            stats.execution(job.batchSize, 0, total, 0);
            stats.success(0, 0, total, 0, total);
        } else {
            stats.failure(total);
        }
    }

    /** The composing models' responses; the engine's own hold no buffers to give back, a native one's might. */
    private void closeStepResponses() {
        List<InferenceResponse> all;
        synchronized (this) {
            all = List.copyOf(stepResponses);
            stepResponses.clear();
        }
        all.forEach(InferenceResponse::close);
    }
}
