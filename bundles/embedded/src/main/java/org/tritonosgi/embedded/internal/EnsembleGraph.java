package org.tritonosgi.embedded.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.config.ModelConfig;
import org.tritonosgi.api.config.ModelEnsembling;
import org.tritonosgi.api.config.ModelInput;
import org.tritonosgi.api.config.ModelOutput;

/**
 * The steps of an ensemble checked at load: every tensor a step reads is an ensemble input or exactly one step's
 * output, every ensemble output is produced, and no step waits on itself through others (a DAG). Steps are then
 * run as soon as their inputs exist, not in configuration order.
 */
final class EnsembleGraph {

    static final String PLATFORM = "ensemble";

    /** One step: its composing model, and for each step it reads from, the index of that step. */
    record Step(int index, ModelEnsembling.Step config, Set<Integer> after) {

        String describe() {
            return "step " + (index + 1) + " (model '" + config.getModelName() + "')";
        }
    }

    private final List<Step> steps;

    private EnsembleGraph(List<Step> steps) {
        this.steps = List.copyOf(steps);
    }

    List<Step> steps() {
        return steps;
    }

    static boolean isEnsemble(ModelConfig config) {
        return PLATFORM.equals(config.getPlatform());
    }

    /**
     * @throws TritonException INVALID_ARG naming the ensemble, the step and the tensor that do not fit together
     */
    static EnsembleGraph of(ModelConfig config) {
        String name = config.getName();
        List<ModelEnsembling.Step> configured = config.getEnsembleScheduling().getStepList();
        if (configured.isEmpty()) {
            throw TritonException.invalidArg("ensemble '" + name + "' must have at least one step in"
                    + " ensemble_scheduling");
        }
        Set<String> inputs = new LinkedHashSet<>();
        config.getInputList().stream().map(ModelInput::getName).forEach(inputs::add);
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < configured.size(); i++) {
            ModelEnsembling.Step step = configured.get(i);
            String where = "ensemble '" + name + "' step " + (i + 1);
            if (step.getModelName().isEmpty()) {
                throw TritonException.invalidArg(where + " names no model_name");
            }
            if (step.getModelName().equals(name)) {
                throw TritonException.invalidArg(where + " uses the ensemble itself: ensembles cannot be cyclic");
            }
            if (step.getOutputMapCount() == 0) {
                throw TritonException.invalidArg(where + " (model '" + step.getModelName() + "') has no output_map");
            }
            for (String tensor : step.getOutputMapMap().values()) {
                if (inputs.contains(tensor)) {
                    throw TritonException.invalidArg(where + " (model '" + step.getModelName()
                            + "') writes ensemble tensor '" + tensor + "', which is an input of the ensemble");
                }
                Integer earlier = producer.putIfAbsent(tensor, i);
                if (earlier != null) {
                    throw TritonException.invalidArg("ensemble '" + name + "' tensor '" + tensor
                            + "' is written by both step " + (earlier + 1) + " and step " + (i + 1));
                }
            }
        }
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < configured.size(); i++) {
            ModelEnsembling.Step step = configured.get(i);
            Set<Integer> after = new LinkedHashSet<>();
            for (Map.Entry<String, String> input : step.getInputMapMap().entrySet()) {
                String tensor = input.getValue();
                if (inputs.contains(tensor)) {
                    continue;
                }
                Integer from = producer.get(tensor);
                if (from == null) {
                    throw TritonException.invalidArg("ensemble '" + name + "' step " + (i + 1) + " (model '"
                            + step.getModelName() + "') input '" + input.getKey() + "' reads ensemble tensor '"
                            + tensor + "', which is neither an input of the ensemble nor an output of any step");
                }
                after.add(from);
            }
            steps.add(new Step(i, step, after));
        }
        for (ModelOutput output : config.getOutputList()) {
            if (!producer.containsKey(output.getName())) {
                throw TritonException.invalidArg("ensemble '" + name + "' output '" + output.getName()
                        + "' is not written by any step's output_map");
            }
        }
        requireAcyclic(name, steps);
        return new EnsembleGraph(steps);
    }

    private static void requireAcyclic(String name, List<Step> steps) {
        int[] mark = new int[steps.size()];
        for (Step step : steps) {
            List<Step> path = new ArrayList<>();
            if (cycle(step, steps, mark, path)) {
                StringBuilder text = new StringBuilder();
                for (Step s : path) {
                    text.append(s.describe()).append(" -> ");
                }
                text.append(path.get(0).describe());
                throw TritonException.invalidArg("ensemble '" + name + "' has a cycle: " + text
                        + " (each reads a tensor the next one writes)");
            }
        }
    }

    /** Depth-first search over what each step reads; on a cycle, {@code path} holds its steps. */
    private static boolean cycle(Step step, List<Step> steps, int[] mark, List<Step> path) {
        if (mark[step.index()] == 2) {
            return false;
        }
        if (mark[step.index()] == 1) {
            int start = 0;
            while (path.get(start) != step) {
                start++;
            }
            path.subList(0, start).clear();
            return true;
        }
        mark[step.index()] = 1;
        path.add(step);
        for (int from : step.after()) {
            if (cycle(steps.get(from), steps, mark, path)) {
                return true;
            }
        }
        path.remove(path.size() - 1);
        mark[step.index()] = 2;
        return false;
    }
}
