package org.tritonosgi.embedded.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.tritonosgi.api.TritonException;

/** The files of a load request, written to a private temporary model folder that they cannot escape. */
final class OverrideFiles {

    private OverrideFiles() {
    }

    /**
     * Writes {@code <root>/<model>/<version>/<path>} for each file and returns the root.
     *
     * @throws TritonException INVALID_ARG for a path that is absolute, leaves the model folder or has no version
     */
    static Path write(String model, Map<String, byte[]> files) {
        Path root;
        try {
            root = Files.createTempDirectory("triton-load-");
        } catch (IOException e) {
            throw new TritonException(TritonException.Code.INTERNAL, "cannot create a folder for the files of model '"
                    + model + "': " + e.getMessage());
        }
        Path modelDir = root.resolve(model).normalize();
        try {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                String name = file.getKey();
                // checked before resolving: a NUL makes Path.resolve throw InvalidPathException
                if (name.startsWith("/") || name.contains("\\") || name.indexOf('\0') >= 0) {
                    throw outside(model, name);
                }
                Path target = modelDir.resolve(name).normalize();
                if (!target.startsWith(modelDir) || target.equals(modelDir)
                        || !modelDir.relativize(target).getName(0).toString().matches("[1-9][0-9]{0,17}")) {
                    throw outside(model, name);
                }
                Files.createDirectories(target.getParent());
                Files.write(target, file.getValue());
            }
            return root;
        } catch (IOException e) {
            delete(root);
            throw new TritonException(TritonException.Code.INTERNAL, "cannot write the files of model '" + model
                    + "': " + e.getMessage());
        } catch (TritonException e) {
            delete(root);
            throw e;
        }
    }

    private static TritonException outside(String model, String name) {
        return TritonException.invalidArg("load of model '" + model + "': file path '" + name
                + "' must be <version>/<path> inside the model folder");
    }

    static void delete(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }
}
