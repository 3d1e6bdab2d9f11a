package org.tritonosgi.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tritonosgi.shell.internal.ShellFixture.on;
import static org.tritonosgi.shell.internal.ShellFixture.rows;
import static org.tritonosgi.shell.internal.ShellFixture.run;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** triton:infer over a real embedded engine: JSON in, decoded outputs out, and the messages for mistakes. */
class InferCommandTest {

    /** One input per datatype of the 'numbers' model, with each type's extremes. */
    private static final String ALL_TYPES = """
            {"name": "IN_BOOL", "datatype": "BOOL", "shape": [2], "data": [true, false]},
            {"name": "IN_UINT8", "datatype": "UINT8", "shape": [2], "data": [0, 255]},
            {"name": "IN_UINT16", "datatype": "UINT16", "shape": [1], "data": [65535]},
            {"name": "IN_UINT32", "datatype": "UINT32", "shape": [1], "data": [4294967295]},
            {"name": "IN_UINT64", "datatype": "UINT64", "shape": [1], "data": [18446744073709551615]},
            {"name": "IN_INT8", "datatype": "INT8", "shape": [2], "data": [-128, 127]},
            {"name": "IN_INT16", "datatype": "INT16", "shape": [1], "data": [-32768]},
            {"name": "IN_INT32", "datatype": "INT32", "shape": [1], "data": [-2147483648]},
            {"name": "IN_INT64", "datatype": "INT64", "shape": [1], "data": [-9223372036854775808]},
            {"name": "IN_FP16", "datatype": "FP16", "shape": [3], "data": [1.5, -2, 65504]},
            {"name": "IN_BF16", "datatype": "BF16", "shape": [2], "data": [1.5, -2]},
            {"name": "IN_FP32", "datatype": "FP32", "shape": [2], "data": [0.25, -1e10]},
            {"name": "IN_FP64", "datatype": "FP64", "shape": [1], "data": [0.1]}
            """;

    @TempDir
    static Path repo;

    private static ShellFixture triton;

    @BeforeAll
    static void start() {
        ShellFixture.repository(repo);
        triton = new ShellFixture(repo, "triton", "identity", "numbers", "repeat");
    }

    @AfterAll
    static void stop() {
        triton.close();
    }

    private static InferCommand infer(String model, String json) {
        InferCommand command = on(new InferCommand(), triton.engine);
        command.model = model;
        command.json = json;
        return command;
    }

    @Test
    void rogerRogerComesBackFromIdentityWithTheShapeTakenFromTheNesting() throws Exception {
        String out = run(infer("identity", "[{\"name\":\"INPUT0\",\"datatype\":\"BYTES\","
                + "\"data\":[[\"Roger Roger\"]]}]")).assertOk().out();
        assertEquals("Model 'identity' version 1", out.lines().findFirst().orElseThrow());
        String header = out.lines().skip(1).findFirst().orElseThrow();
        assertTrue(header.matches("Output\\s+\\| Datatype \\| Shape\\s+\\| Data"), out);
        assertEquals(List.of(List.of("OUTPUT0", "BYTES", "[1, 1]", "[\"Roger Roger\"]")), rows(afterFirstLine(out)));
    }

    @Test
    void everyNumericDatatypeIsEncodedAndDecodedLittleEndian() throws Exception {
        String out = run(infer("numbers", "[" + ALL_TYPES + "]")).assertOk().out();
        assertEquals(List.of(
                List.of("OUT_BOOL", "BOOL", "[2]", "[true, false]"),
                List.of("OUT_UINT8", "UINT8", "[2]", "[0, 255]"),
                List.of("OUT_UINT16", "UINT16", "[1]", "[65535]"),
                List.of("OUT_UINT32", "UINT32", "[1]", "[4294967295]"),
                List.of("OUT_UINT64", "UINT64", "[1]", "[18446744073709551615]"),
                List.of("OUT_INT8", "INT8", "[2]", "[-128, 127]"),
                List.of("OUT_INT16", "INT16", "[1]", "[-32768]"),
                List.of("OUT_INT32", "INT32", "[1]", "[-2147483648]"),
                List.of("OUT_INT64", "INT64", "[1]", "[-9223372036854775808]"),
                List.of("OUT_FP16", "FP16", "[3]", "[1.5, -2.0, 65504.0]"),
                List.of("OUT_BF16", "BF16", "[2]", "[1.5, -2.0]"),
                List.of("OUT_FP32", "FP32", "[2]", "[0.25, -1.0E10]"),
                List.of("OUT_FP64", "FP64", "[1]", "[0.1]")), rows(afterFirstLine(out)));
    }

    @Test
    void theWholeRequestMayChooseOutputs() throws Exception {
        String out = run(infer("numbers", "{\"inputs\": [" + ALL_TYPES + "], \"outputs\": [{\"name\": \"OUT_INT8\"}]}"))
                .assertOk().out();
        assertEquals(List.of(List.of("OUT_INT8", "INT8", "[2]", "[-128, 127]")), rows(afterFirstLine(out)));
    }

    @Test
    void aDecoupledModelPrintsEachResponse() throws Exception {
        String out = run(infer("repeat", "[{\"name\":\"text_input\",\"datatype\":\"BYTES\",\"shape\":[1],"
                + "\"data\":[\"hi\"]}]")).assertOk().out();
        assertTrue(out.contains("Model 'repeat' version 1, response 1 of 3\n"), out);
        assertTrue(out.contains("Model 'repeat' version 1, response 3 of 3\n"), out);
    }

    @Test
    void unknownModelIsNamed() throws Exception {
        assertEquals("Request for unknown model: 'nosuch' is not found\n",
                run(infer("nosuch", "[{\"name\":\"X\",\"datatype\":\"BYTES\",\"data\":[\"a\"]}]"))
                        .assertUserError().err());
    }

    @Test
    void badJsonSaysWhereItBreaks() throws Exception {
        String err = run(infer("identity", "[{\"name\": \"INPUT0\", \"data\": [[\"a\"]")).assertUserError().err();
        assertEquals("Invalid JSON: Unexpected end-of-input: expected close marker for Array (start marker at "
                + "[line: 1, column: 29]) (line 1, column 35)\n", err);
    }

    @Test
    void jsonWithoutInputsSaysWhatIsExpected() throws Exception {
        assertEquals("The JSON must be the request's \"inputs\" array or an object with a non-empty \"inputs\" array\n",
                run(infer("identity", "{\"input\": []}")).assertUserError().err());
    }

    @Test
    void aDatatypeTheModelDoesNotExpectGetsTheEngineMessage() throws Exception {
        assertEquals("[request id: <id_unknown>] inference input 'INPUT0' data-type is 'FP32', but model 'identity' "
                + "expects 'BYTES'\n",
                run(infer("identity", "[{\"name\":\"INPUT0\",\"datatype\":\"FP32\",\"shape\":[1,1],"
                        + "\"data\":[[1]]}]")).assertUserError().err());
    }

    @Test
    void anUnknownDatatypeNameIsNamedWithTheInput() throws Exception {
        String err = run(infer("identity", "[{\"name\":\"INPUT0\",\"datatype\":\"FP33\",\"data\":[1]}]"))
                .assertUserError().err();
        assertTrue(err.startsWith("Input 'INPUT0': invalid datatype 'FP33', expected one of BOOL"), err);
    }

    @Test
    void anElementOfTheWrongKindNamesInputAndPosition() throws Exception {
        assertEquals("Input 'IN_INT32' is INT32, so element 1 must be an integer, got \"x\"\n",
                run(infer("numbers", "[{\"name\":\"IN_INT32\",\"datatype\":\"INT32\",\"data\":[1, \"x\"]}]"))
                        .assertUserError().err());
        assertEquals("Input 'INPUT0' is BYTES, so element 0 must be a string, got 7\n",
                run(infer("identity", "[{\"name\":\"INPUT0\",\"datatype\":\"BYTES\",\"data\":[7]}]"))
                        .assertUserError().err());
    }

    @Test
    void anIntegerOutOfRangeForItsDatatypeIsRefused() throws Exception {
        assertEquals("Input 'IN_UINT8' element 0: 256 is out of range for UINT8 (0 to 255)\n",
                run(infer("numbers", "[{\"name\":\"IN_UINT8\",\"datatype\":\"UINT8\",\"data\":[256]}]"))
                        .assertUserError().err());
    }

    @Test
    void aShapeThatDoesNotFitTheDataIsRefused() throws Exception {
        assertEquals("Input 'INPUT0': shape [1, 2] holds 2 element(s), but \"data\" has 3\n",
                run(infer("identity", "[{\"name\":\"INPUT0\",\"datatype\":\"BYTES\",\"shape\":[1,2],"
                        + "\"data\":[\"a\",\"b\",\"c\"]}]")).assertUserError().err());
    }

    private static String afterFirstLine(String out) {
        return out.substring(out.indexOf('\n') + 1);
    }
}
