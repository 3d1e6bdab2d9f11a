package org.tritonosgi.embedded.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The distribution's example model file (karaf-assembly/src/main/resources/models/identity/1/model.onnx) is the
 * BYTES Identity model our own writer makes: run with -Dtritonosgi.regenerate=true to write it again.
 */
class ExampleModelFileTest {

    @Test
    void distributionExampleModelIsTheBytesIdentityOurWriterMakes() throws Exception {
        Path file = Path.of(System.getProperty("tritonosgi.root.dir", "../.."))
                .resolve("karaf-assembly/src/main/resources/models/identity/1/model.onnx");
        byte[] expected = OnnxModels.identity(OnnxModels.ELEMENT.get("BYTES"), -1, -1).toByteArray();
        if (Boolean.getBoolean("tritonosgi.regenerate")) {
            Files.write(file, expected);
        }
        assertArrayEquals(expected, Files.readAllBytes(file), file + " differs from the generated model");
    }
}
