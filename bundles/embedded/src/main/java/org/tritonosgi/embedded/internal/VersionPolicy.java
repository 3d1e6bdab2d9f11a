package org.tritonosgi.embedded.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.tritonosgi.api.TritonException;
import org.tritonosgi.api.config.ModelVersionPolicy;

/** Finds a model's numeric version folders and picks those its version policy serves. */
final class VersionPolicy {

    private VersionPolicy() {
    }

    /** Version folders: all-digit names without a leading zero, in ascending order. */
    static TreeSet<Long> versionsIn(Path modelDir) {
        TreeSet<Long> versions = new TreeSet<>();
        try (Stream<Path> children = Files.list(modelDir)) {
            children.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(name -> name.matches("[1-9][0-9]{0,17}"))
                    .forEach(name -> versions.add(Long.parseLong(name)));
        } catch (IOException e) {
            throw TritonException.invalidArg("cannot list versions of model in " + modelDir + ": " + e.getMessage());
        }
        return versions;
    }

    /**
     * The versions to serve, ascending.
     *
     * @throws TritonException INVALID_ARG when the policy names versions that do not exist, or none is found
     */
    static List<Long> select(String modelName, ModelVersionPolicy policy, TreeSet<Long> available) {
        if (available.isEmpty()) {
            throw TritonException.invalidArg("model '" + modelName + "' has no version folder (a folder named by a"
                    + " positive number, such as '1')");
        }
        switch (policy.getPolicyChoiceCase()) {
            case ALL:
                return new ArrayList<>(available);
            case SPECIFIC: {
                List<Long> chosen = new ArrayList<>();
                for (long version : new TreeSet<>(policy.getSpecific().getVersionsList())) {
                    if (!available.contains(version)) {
                        throw TritonException.invalidArg("model '" + modelName + "' version policy names version "
                                + version + ", which has no folder");
                    }
                    chosen.add(version);
                }
                return chosen;
            }
            default: {
                int count = Math.max(1, policy.getLatest().getNumVersions());
                List<Long> chosen = new ArrayList<>(available.descendingSet()).subList(0,
                        Math.min(count, available.size()));
                List<Long> ascending = new ArrayList<>(chosen);
                ascending.sort(null);
                return ascending;
            }
        }
    }
}
