package org.tritonosgi.grpc.internal;

import static org.tritonosgi.grpc.internal.GrpcProtocolTest.bytesElements;
import static org.tritonosgi.grpc.internal.GrpcProtocolTest.input;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Status.Code;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.tritonosgi.grpc.internal.CorpusWire.Outcome;
import org.tritonosgi.grpc.internal.proto.InferParameter;
import org.tritonosgi.grpc.internal.proto.InferTensorContents;
import org.tritonosgi.grpc.internal.proto.ModelInferRequest;
import org.tritonosgi.grpc.internal.proto.ModelInferRequest.InferInputTensor;
import org.tritonosgi.grpc.internal.proto.ModelInferRequest.InferRequestedOutputTensor;
import org.tritonosgi.grpc.internal.proto.ModelMetadataRequest;
import org.tritonosgi.grpc.internal.proto.ModelRepositoryParameter;
import org.tritonosgi.grpc.internal.proto.RepositoryModelLoadRequest;

/**
 * The hostile-input cases, grouped by class, all against the {@code identity} model (BYTES INPUT0 -> OUTPUT0,
 * batch dimension) that every engine under test has. The code each class expects is Triton's:
 * <ul>
 * <li>datatype-vs-contents, shape-overflow, negative-huge-dims, contents-length-vs-shape, raw-count-vs-inputs,
 * duplicate-inputs, duplicate-outputs: INVALID_ARGUMENT naming the tensor; each case both as ModelInfer and as a
 * ModelStreamInfer request with {@code triton_grpc_error}, which ends the stream with the same code.</li>
 * <li>parameters: INVALID_ARGUMENT naming the parameter for uint64 custom parameters, reserved {@code triton_}
 * keys, known keys of the wrong type or sign, unset values, shared memory and bad {@code classification}; OK
 * where Triton accepts: other custom request parameters (passed to the model) and unknown input or output
 * parameters (ignored).</li>
 * <li>model-names: INVALID_ARGUMENT naming the model (Triton's code for an unknown model) on every model RPC;
 * RepositoryModelLoad/Unload give UNAVAILABLE where the control mode forbids them (Triton: "explicit model load /
 * unload is not allowed"), INVALID_ARGUMENT naming the model in explicit mode.</li>
 * <li>versions: INVALID_ARGUMENT naming the version for anything but a positive decimal number; NOT_FOUND naming
 * model and version for numbers the model does not have.</li>
 * <li>malformed-protobuf: INVALID_ARGUMENT "malformed &lt;Method&gt; request" for bytes that are no valid request;
 * bytes that happen to parse get exactly what the typed call with the parsed message gets.</li>
 * <li>oversized-messages: RESOURCE_EXHAUSTED, gRPC's own code for a message past the maximum receive size.</li>
 * <li>load-file-paths (explicit mode): INVALID_ARGUMENT naming the file path that leaves the model folder.</li>
 * </ul>
 */
final class HostileCorpus {

    static final String MODEL = "identity";

    /** One case: what it sends, the codes it may end with, and the texts one of which its message must contain. */
    record Case(String group, String name, Set<Code> codes, List<String> names, Send send) {
    }

    /** Sends a case over the wire. */
    interface Send {
        Outcome send(CorpusWire wire) throws Exception;
    }

    /** The classes of cases. */
    enum Group {
        DATATYPE_VS_CONTENTS, SHAPE_OVERFLOW, NEGATIVE_HUGE_DIMS, CONTENTS_LENGTH_VS_SHAPE, RAW_COUNT_VS_INPUTS,
        DUPLICATE_INPUTS, DUPLICATE_OUTPUTS, PARAMETERS, MODEL_NAMES, VERSIONS, MALFORMED_PROTOBUF,
        OVERSIZED_MESSAGES, LOAD_FILE_PATHS;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    private final List<Case> cases = new ArrayList<>();
    private final CorpusWire wire;
    private final boolean explicitControl;

    private HostileCorpus(CorpusWire wire, boolean explicitControl) {
        this.wire = wire;
        this.explicitControl = explicitControl;
    }

    /**
     * The cases of these classes. Bytes for malformed-protobuf that parse after all are sent typed once here, to
     * learn what the raw call must match.
     */
    static List<Case> cases(Set<Group> groups, CorpusWire wire, boolean explicitControl) throws Exception {
        HostileCorpus corpus = new HostileCorpus(wire, explicitControl);
        for (Group group : groups) {
            switch (group) {
                case DATATYPE_VS_CONTENTS -> corpus.datatypes();
                case SHAPE_OVERFLOW -> corpus.shapeOverflow();
                case NEGATIVE_HUGE_DIMS -> corpus.negativeAndHugeDims();
                case CONTENTS_LENGTH_VS_SHAPE -> corpus.contentsLength();
                case RAW_COUNT_VS_INPUTS -> corpus.rawCount();
                case DUPLICATE_INPUTS -> corpus.duplicateInputs();
                case DUPLICATE_OUTPUTS -> corpus.duplicateOutputs();
                case PARAMETERS -> corpus.parameters();
                case MODEL_NAMES -> corpus.modelNames();
                case VERSIONS -> corpus.versions();
                case MALFORMED_PROTOBUF -> corpus.malformed();
                case OVERSIZED_MESSAGES -> corpus.oversized();
                case LOAD_FILE_PATHS -> corpus.loadFilePaths();
            }
        }
        return corpus.cases;
    }

    // ---- requests ----

    private static ModelInferRequest.Builder request() {
        return ModelInferRequest.newBuilder().setModelName(MODEL).setId("hostile");
    }

    /** The correct request every hostile one is a variation of. */
    static ModelInferRequest valid() {
        return request().addInputs(input("INPUT0", "BYTES", 1, 1)).addRawInputContents(bytesElements("x")).build();
    }

    /** Adds the case as ModelInfer and as a ModelStreamInfer request. */
    private void infer(Group group, String name, Set<Code> codes, List<String> names, ModelInferRequest request) {
        cases.add(new Case(group.label(), name + " [ModelInfer]", codes, names, w -> w.infer(request)));
        cases.add(new Case(group.label(), name + " [ModelStreamInfer]", codes, names, w -> w.stream(request)));
    }

    private void invalid(Group group, String name, ModelInferRequest request, String... names) {
        infer(group, name, Set.of(Code.INVALID_ARGUMENT), List.of(names), request);
    }

    private static ByteString raw(int bytes) {
        return ByteString.copyFrom(new byte[bytes]);
    }

    /** Raw data of {@code elements} elements of the type (BYTES: one-byte strings). */
    private static ByteString rawElements(String type, int elements) {
        if (type.equals("BYTES")) {
            String[] values = new String[elements];
            Arrays.fill(values, "x");
            return bytesElements(values);
        }
        return raw(elements * org.tritonosgi.api.DataType.parse(type).elementSize());
    }

    private static final List<String> TYPES = TestEngine.TYPES;

    /** The typed contents fields, each filled with {@code count} elements. */
    private static List<Object[]> contentFields(int count) {
        List<Object[]> fields = new ArrayList<>();
        fields.add(new Object[] {"bool_contents", (Consumer<InferTensorContents.Builder>) b -> repeat(count,
                () -> b.addBoolContents(true))});
        fields.add(new Object[] {"int_contents", (Consumer<InferTensorContents.Builder>) b -> repeat(count,
                () -> b.addIntContents(1))});
        fields.add(new Object[] {"int64_contents", (Consumer<InferTensorContents.Builder>) b -> repeat(count,
                () -> b.addInt64Contents(1))});
        fields.add(new Object[] {"uint_contents", (Consumer<InferTensorContents.Builder>) b -> repeat(count,
                () -> b.addUintContents(1))});
        fields.add(new Object[] {"uint64_contents", (Consumer<InferTensorContents.Builder>) b -> repeat(count,
                () -> b.addUint64Contents(1))});
        fields.add(new Object[] {"fp32_contents", (Consumer<InferTensorContents.Builder>) b -> repeat(count,
                () -> b.addFp32Contents(1f))});
        fields.add(new Object[] {"fp64_contents", (Consumer<InferTensorContents.Builder>) b -> repeat(count,
                () -> b.addFp64Contents(1d))});
        fields.add(new Object[] {"bytes_contents", (Consumer<InferTensorContents.Builder>) b -> repeat(count,
                () -> b.addBytesContents(ByteString.copyFromUtf8("x")))});
        return fields;
    }

    private static void repeat(int count, Runnable action) {
        for (int i = 0; i < count; i++) {
            action.run();
        }
    }

    /** The contents field a datatype's typed data belong in; null for FP16 and BF16, which have none. */
    private static String fieldOf(String type) {
        return switch (type) {
            case "BOOL" -> "bool_contents";
            case "INT8", "INT16", "INT32" -> "int_contents";
            case "INT64" -> "int64_contents";
            case "UINT8", "UINT16", "UINT32" -> "uint_contents";
            case "UINT64" -> "uint64_contents";
            case "FP32" -> "fp32_contents";
            case "FP64" -> "fp64_contents";
            case "BYTES" -> "bytes_contents";
            default -> null;
        };
    }

    @SuppressWarnings("unchecked")
    private static InferTensorContents contents(Object[] field) {
        InferTensorContents.Builder builder = InferTensorContents.newBuilder();
        ((Consumer<InferTensorContents.Builder>) field[1]).accept(builder);
        return builder.build();
    }

    // ---- classes ----

    private void datatypes() {
        Group group = Group.DATATYPE_VS_CONTENTS;
        for (String type : TYPES) {
            for (Object[] field : contentFields(1)) {
                if (type.equals("BYTES") && field[0].equals("bytes_contents")) {
                    continue; // the valid request
                }
                // a field that is not the datatype's, or the right field for a datatype the model does not take
                invalid(group, type + " with " + field[0], request().addInputs(input("INPUT0", type, 1, 1)
                        .setContents(contents(field))).build(), "INPUT0");
            }
        }
        for (String type : List.of("", "FLOAT", "fp32", "Fp32", "FP 32", "INT128", "STRING", "TYPE_FP32", "BYTES\0",
                "FP32;rm -rf /", "\uFF26P32", "BOOL ", " BOOL", "x".repeat(1000))) {
            invalid(group, "datatype '" + printable(type) + "'", request().addInputs(input("INPUT0", type, 1, 1))
                    .addRawInputContents(raw(4)).build(), "INPUT0");
        }
    }

    private void shapeOverflow() {
        Group group = Group.SHAPE_OVERFLOW;
        long[][] shapes = {{1L << 32, 1L << 32}, {Long.MAX_VALUE, 2}, {3037000500L, 3037000500L},
            {1L << 31, 1L << 31, 4}, {1L << 62, 4}, {1L << 62}, {Long.MAX_VALUE}};
        for (String type : TYPES) {
            for (long[] shape : shapes) {
                invalid(group, type + " " + Arrays.toString(shape), request().addInputs(input("INPUT0", type, shape))
                        .addRawInputContents(raw(8)).build(), "INPUT0");
            }
        }
    }

    private void negativeAndHugeDims() {
        Group group = Group.NEGATIVE_HUGE_DIMS;
        long[][] shapes = {{-1}, {1, -1}, {Long.MIN_VALUE}, {0, -1}, {-2, -2}, {-1, -1, -1, -1}, {1L << 40},
            {Integer.MAX_VALUE + 1L}, {1, 1L << 33}, {Long.MAX_VALUE / 2}};
        for (String type : List.of("FP32", "INT8", "BYTES", "BOOL", "FP16", "UINT64")) {
            for (long[] shape : shapes) {
                invalid(group, type + " " + Arrays.toString(shape), request().addInputs(input("INPUT0", type, shape))
                        .addRawInputContents(rawElements(type, 1)).build(), "INPUT0");
            }
        }
    }

    private void contentsLength() {
        Group group = Group.CONTENTS_LENGTH_VS_SHAPE;
        for (String type : TYPES) {
            ByteString longer = rawElements(type, 3).concat(raw(1));
            for (Object[] data : new Object[][] {{"2 of 3 elements raw", rawElements(type, 2)},
                {"3 elements and a byte raw", longer}, {"no bytes raw", ByteString.EMPTY}}) {
                invalid(group, type + " [1, 3] " + data[0], request().addInputs(input("INPUT0", type, 1, 3))
                        .addRawInputContents((ByteString) data[1]).build(), "INPUT0");
            }
            String field = fieldOf(type);
            if (field != null) {
                for (int count : new int[] {2, 4}) {
                    Object[] contents = contentFields(count).stream().filter(f -> f[0].equals(field)).findFirst()
                            .orElseThrow();
                    invalid(group, type + " [1, 3] " + count + " typed elements", request().addInputs(
                            input("INPUT0", type, 1, 3).setContents(contents(contents))).build(), "INPUT0");
                }
            }
        }
        ByteBuffer claims100 = ByteBuffer.allocate(7).order(ByteOrder.LITTLE_ENDIAN).putInt(100).put(new byte[3]);
        ByteBuffer claimsMax = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN).putInt(-1).put(new byte[2]);
        Object[][] bytesCases = {
            {"element length 100 with 3 bytes", ByteString.copyFrom(claims100.array()), new long[] {1, 1}},
            {"element length 0xFFFFFFFF", ByteString.copyFrom(claimsMax.array()), new long[] {1, 1}},
            {"a 3-byte length", raw(3), new long[] {1, 1}},
            {"2 elements for [1, 1]", bytesElements("a", "b"), new long[] {1, 1}},
            {"no bytes for [1, 1]", ByteString.EMPTY, new long[] {1, 1}},
            {"1 element for [0]", bytesElements("a"), new long[] {0}},
            {"1 element for [1, 0]", bytesElements("a"), new long[] {1, 0}}};
        for (Object[] bytesCase : bytesCases) {
            invalid(group, "BYTES " + bytesCase[0], request().addInputs(input("INPUT0", "BYTES", (long[]) bytesCase[2]))
                    .addRawInputContents((ByteString) bytesCase[1]).build(), "INPUT0");
        }
        invalid(group, "BYTES [1, 1] 2 typed elements", request().addInputs(input("INPUT0", "BYTES", 1, 1)
                .setContents(contents(contentFields(2).get(7)))).build(), "INPUT0");
    }

    private void rawCount() {
        Group group = Group.RAW_COUNT_VS_INPUTS;
        InferInputTensor.Builder input0 = input("INPUT0", "BYTES", 1, 1);
        InferInputTensor.Builder extra = input("EXTRA", "BYTES", 1, 1);
        ByteString x = bytesElements("x");
        invalid(group, "1 input, 2 raw", request().addInputs(input0).addRawInputContents(x).addRawInputContents(x)
                .build(), "raw_input_contents");
        ModelInferRequest.Builder five = request().addInputs(input0);
        repeat(5, () -> five.addRawInputContents(x));
        invalid(group, "1 input, 5 raw", five.build(), "raw_input_contents");
        ModelInferRequest.Builder thousand = request().addInputs(input0);
        repeat(1000, () -> thousand.addRawInputContents(x));
        invalid(group, "1 input, 1000 raw", thousand.build(), "raw_input_contents");
        invalid(group, "1 input, 0 raw", request().addInputs(input0).build(), "INPUT0");
        invalid(group, "0 inputs, 1 raw", request().addRawInputContents(x).build(), "raw_input_contents");
        invalid(group, "2 inputs, 1 raw", request().addInputs(input0).addInputs(extra).addRawInputContents(x).build(),
                "EXTRA");
        invalid(group, "2 inputs, 3 raw", request().addInputs(input0).addInputs(extra).addRawInputContents(x)
                .addRawInputContents(x).addRawInputContents(x).build(), "raw_input_contents");
        InferTensorContents typed = InferTensorContents.newBuilder().addBytesContents(ByteString.copyFromUtf8("x"))
                .build();
        invalid(group, "contents and 1 raw", request().addInputs(input("INPUT0", "BYTES", 1, 1).setContents(typed))
                .addRawInputContents(x).build(), "raw_input_contents");
        invalid(group, "raw input, typed input and 2 raw", request().addInputs(input0)
                .addInputs(input("EXTRA", "BYTES", 1, 1).setContents(typed)).addRawInputContents(x)
                .addRawInputContents(x).build(), "raw_input_contents");
        invalid(group, "0 inputs, 0 raw", request().build(), "INPUT0");
    }

    private void duplicateInputs() {
        Group group = Group.DUPLICATE_INPUTS;
        ByteString x = bytesElements("x");
        InferTensorContents typed = InferTensorContents.newBuilder().addBytesContents(ByteString.copyFromUtf8("x"))
                .build();
        invalid(group, "INPUT0 twice, raw", request().addInputs(input("INPUT0", "BYTES", 1, 1))
                .addInputs(input("INPUT0", "BYTES", 1, 1)).addRawInputContents(x).addRawInputContents(x).build(),
                "INPUT0");
        invalid(group, "INPUT0 twice, typed", request().addInputs(input("INPUT0", "BYTES", 1, 1).setContents(typed))
                .addInputs(input("INPUT0", "BYTES", 1, 1).setContents(typed)).build(), "INPUT0");
        invalid(group, "INPUT0 as BYTES and FP32", request().addInputs(input("INPUT0", "BYTES", 1, 1))
                .addInputs(input("INPUT0", "FP32", 1, 1)).addRawInputContents(x).addRawInputContents(raw(4)).build(),
                "INPUT0");
        invalid(group, "INPUT0 with two shapes", request().addInputs(input("INPUT0", "BYTES", 1, 1))
                .addInputs(input("INPUT0", "BYTES", 1, 2)).addRawInputContents(x)
                .addRawInputContents(bytesElements("a", "b")).build(), "INPUT0");
        for (int copies : new int[] {3, 100}) {
            ModelInferRequest.Builder many = request();
            repeat(copies, () -> many.addInputs(input("INPUT0", "BYTES", 1, 1)).addRawInputContents(x));
            invalid(group, "INPUT0 " + copies + " times", many.build(), "INPUT0");
        }
        invalid(group, "empty name twice", request().addInputs(input("", "BYTES", 1, 1)).addInputs(input("", "BYTES",
                1, 1)).addRawInputContents(x).addRawInputContents(x).build(), "name");
        invalid(group, "INPUT0 and a NUL-suffixed INPUT0 twice", request().addInputs(input("INPUT0", "BYTES", 1, 1))
                .addInputs(input("INPUT0\0", "BYTES", 1, 1)).addInputs(input("INPUT0\0", "BYTES", 1, 1))
                .addRawInputContents(x).addRawInputContents(x).addRawInputContents(x).build(), "INPUT0");
    }

    private void duplicateOutputs() {
        Group group = Group.DUPLICATE_OUTPUTS;
        UnaryOperator<ModelInferRequest.Builder> base = b -> b.addInputs(input("INPUT0", "BYTES", 1, 1))
                .addRawInputContents(bytesElements("x"));
        InferRequestedOutputTensor output0 = InferRequestedOutputTensor.newBuilder().setName("OUTPUT0").build();
        invalid(group, "OUTPUT0 twice", base.apply(request()).addOutputs(output0).addOutputs(output0).build(),
                "OUTPUT0");
        invalid(group, "OUTPUT0 3 times", base.apply(request()).addOutputs(output0).addOutputs(output0)
                .addOutputs(output0).build(), "OUTPUT0");
        ModelInferRequest.Builder hundred = base.apply(request());
        repeat(100, () -> hundred.addOutputs(output0));
        invalid(group, "OUTPUT0 100 times", hundred.build(), "OUTPUT0");
        invalid(group, "OUTPUT0 plain and classified", base.apply(request()).addOutputs(output0)
                .addOutputs(output0.toBuilder().putParameters("classification", InferParameter.newBuilder()
                        .setInt64Param(1).build())).build(), "OUTPUT0");
        InferRequestedOutputTensor nope = InferRequestedOutputTensor.newBuilder().setName("NOPE").build();
        invalid(group, "unknown output twice", base.apply(request()).addOutputs(nope).addOutputs(nope).build(), "NOPE");
        InferRequestedOutputTensor empty = InferRequestedOutputTensor.newBuilder().setName("").build();
        invalid(group, "empty output name twice", base.apply(request()).addOutputs(empty).addOutputs(empty).build(),
                "output");
    }

    private static InferParameter parameter(String kind) {
        InferParameter.Builder value = InferParameter.newBuilder();
        return switch (kind) {
            case "bool" -> value.setBoolParam(true).build();
            case "int64" -> value.setInt64Param(7).build();
            case "string" -> value.setStringParam("seven").build();
            case "double" -> value.setDoubleParam(7.5).build();
            case "uint64" -> value.setUint64Param(7).build();
            case "unset" -> value.build();
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static final List<String> KINDS = List.of("bool", "int64", "string", "double", "uint64");

    private void parameters() {
        Group group = Group.PARAMETERS;
        ModelInferRequest valid = valid();
        for (String kind : KINDS) {
            ModelInferRequest request = valid.toBuilder().putParameters("hostile_custom", parameter(kind)).build();
            if (kind.equals("uint64")) {
                invalid(group, "request custom uint64", request, "hostile_custom");
            } else {
                infer(group, "request custom " + kind + " (Triton passes it to the model)", Set.of(Code.OK),
                        List.of(), request);
            }
            invalid(group, "request reserved triton_hostile " + kind, valid.toBuilder().putParameters(
                    "triton_hostile", parameter(kind)).build(), "triton_hostile");
            infer(group, "input unknown " + kind + " (Triton ignores it)", Set.of(Code.OK), List.of(),
                    valid.toBuilder().setInputs(0, valid.getInputs(0).toBuilder().putParameters("hostile_input",
                            parameter(kind))).build());
            infer(group, "output unknown " + kind + " (Triton ignores it)", Set.of(Code.OK), List.of(),
                    valid.toBuilder().addOutputs(InferRequestedOutputTensor.newBuilder().setName("OUTPUT0")
                            .putParameters("hostile_output", parameter(kind))).build());
            invalid(group, "input shared_memory_region " + kind, valid.toBuilder().setInputs(0, valid.getInputs(0)
                    .toBuilder().putParameters("shared_memory_region", parameter(kind))).build(), "INPUT0");
            if (!kind.equals("int64")) {
                invalid(group, "output classification " + kind, valid.toBuilder()
                        .addOutputs(InferRequestedOutputTensor.newBuilder().setName("OUTPUT0")
                                .putParameters("classification", parameter(kind))).build(), "classification");
            }
        }
        for (long count : new long[] {-1, 1L << 40}) {
            invalid(group, "output classification " + count, valid.toBuilder().addOutputs(InferRequestedOutputTensor
                    .newBuilder().setName("OUTPUT0").putParameters("classification", InferParameter.newBuilder()
                            .setInt64Param(count).build())).build(), "classification");
        }
        invalid(group, "output classification unset", valid.toBuilder().addOutputs(InferRequestedOutputTensor
                .newBuilder().setName("OUTPUT0").putParameters("classification", parameter("unset"))).build(),
                "classification");
        invalid(group, "output shared_memory_region", valid.toBuilder().addOutputs(InferRequestedOutputTensor
                .newBuilder().setName("OUTPUT0").putParameters("shared_memory_region", parameter("string"))).build(),
                "OUTPUT0");
        Object[][] wrongTypes = {{"sequence_id", List.of("bool", "double", "unset")},
            {"sequence_start", List.of("int64", "string", "double", "uint64", "unset")},
            {"sequence_end", List.of("int64", "string", "double", "uint64", "unset")},
            {"priority", List.of("bool", "string", "double", "unset")},
            {"timeout", List.of("bool", "string", "double", "uint64", "unset")},
            {"triton_enable_empty_final_response", List.of("int64", "string", "double", "uint64", "unset")}};
        for (Object[] key : wrongTypes) {
            for (Object kind : (List<?>) key[1]) {
                invalid(group, "request " + key[0] + " " + kind, valid.toBuilder().putParameters((String) key[0],
                        parameter((String) kind)).build(), (String) key[0]);
            }
        }
        for (String key : List.of("sequence_id", "priority", "timeout")) {
            invalid(group, "request " + key + " -1", valid.toBuilder().putParameters(key, InferParameter.newBuilder()
                    .setInt64Param(-1).build()).build(), key);
        }
        invalid(group, "request custom unset", valid.toBuilder().putParameters("hostile_custom", parameter("unset"))
                .build(), "hostile_custom");
        InferParameter[] extremes = {InferParameter.newBuilder().setStringParam("s".repeat(65536)).build(),
            InferParameter.newBuilder().setDoubleParam(Double.NaN).build(),
            InferParameter.newBuilder().setDoubleParam(Double.NEGATIVE_INFINITY).build(),
            InferParameter.newBuilder().setInt64Param(Long.MIN_VALUE).build(),
            InferParameter.newBuilder().setStringParam("a\0b;$(id)`id`").build()};
        for (InferParameter extreme : extremes) {
            infer(group, "request custom extreme " + extreme.getParameterChoiceCase() + " (Triton passes it on)",
                    Set.of(Code.OK), List.of(), valid.toBuilder().putParameters("hostile_custom", extreme).build());
        }
        for (String key : List.of("", "a\0b", "k".repeat(10_000), "../../etc", "${jndi:ldap://x/a}")) {
            infer(group, "request custom key '" + printable(key) + "' (Triton passes it on)", Set.of(Code.OK),
                    List.of(), valid.toBuilder().putParameters(key, parameter("int64")).build());
        }
    }

    static final List<String> HOSTILE_NAMES = List.of("", "/", "identity/", "/identity", "identity/1",
            "identity/../identity", ".", "..", "../identity", "../../../../../../etc/passwd", "..%2fidentity",
            "%2e%2e", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%2fetc%2fpasswd", "/etc/passwd", "/tmp",
            "C:\\Windows\\win.ini", "..\\..\\identity", "\\\\host\\share", "identity\0", "\0",
            "identity\0/../../etc/passwd", "identity;", "identity; rm -rf /", "identity | cat /etc/passwd",
            "identity && id", "$(id)", "`id`", "'", "\"", "identity'\"", "$HOME", "~root", "identity\nINJECTED",
            "identity\r\n", " identity", "identity ", "IDENTITY", "x".repeat(300), "y".repeat(100_000),
            "\uD83D\uDE00", "id\u00E9ntity", "\u202Eytitnedi");

    /** Whether the frontends' one model-name check (ModelNames) refuses this name before any engine sees it. */
    private static boolean refusedName(String name) {
        try {
            org.tritonosgi.api.frontend.ModelNames.check(name);
            return false;
        } catch (org.tritonosgi.api.TritonException e) {
            return true;
        }
    }

    /**
     * What an error about this name must contain: for a name ModelNames refuses, its escaped start as that message
     * shows it; else its start, up to any NUL (long ones may be shortened).
     */
    private static String named(String name) {
        if (refusedName(name)) {
            String shown = org.tritonosgi.api.frontend.ModelNames.printable(name);
            return "invalid model name '" + shown.substring(0, Math.min(shown.length(), 60));
        }
        return shown(name);
    }

    /** What an error about this text must contain: its start, up to any NUL (long ones may be shortened). */
    private static String shown(String name) {
        int nul = name.indexOf('\0');
        String shown = nul < 0 ? name : name.substring(0, nul);
        return shown.length() > 100 ? shown.substring(0, 100) : shown;
    }

    private void modelNames() {
        Group group = Group.MODEL_NAMES;
        for (String name : HOSTILE_NAMES) {
            String label = "'" + printable(name) + "'";
            Set<Code> invalid = Set.of(Code.INVALID_ARGUMENT);
            List<String> names = List.of(named(name));
            ModelInferRequest request = valid().toBuilder().setModelName(name).build();
            cases.add(new Case(group.label(), label + " ModelInfer", invalid, names, w -> w.infer(request)));
            cases.add(new Case(group.label(), label + " ModelStreamInfer", invalid, names, w -> w.stream(request)));
            cases.add(new Case(group.label(), label + " ModelMetadata", invalid, names, w -> w.metadata(name, "")));
            cases.add(new Case(group.label(), label + " ModelReady", invalid, names, w -> w.ready(name, "")));
            cases.add(new Case(group.label(), label + " ModelConfig", invalid, names, w -> w.config(name, "")));
            if (!name.isEmpty()) { // "" asks for every model's statistics, and the global trace settings
                cases.add(new Case(group.label(), label + " ModelStatistics", invalid, names,
                        w -> w.statistics(name, "")));
                cases.add(new Case(group.label(), label + " TraceSetting", invalid, names, w -> w.trace(name)));
            }
            // a name ModelNames refuses is refused before the control mode is looked at
            boolean early = explicitControl || refusedName(name);
            Set<Code> load = early ? invalid : Set.of(Code.UNAVAILABLE);
            List<String> loadNames = early ? names : List.of("explicit model load / unload is not allowed");
            cases.add(new Case(group.label(), label + " RepositoryModelLoad", load, loadNames,
                    w -> w.load(RepositoryModelLoadRequest.newBuilder().setModelName(name).build())));
            cases.add(new Case(group.label(), label + " RepositoryModelUnload", load, loadNames, w -> w.unload(name)));
        }
    }

    private void versions() {
        Group group = Group.VERSIONS;
        List<String> invalid = List.of("abc", "-1", "1.5", "99999999999999999999", "0", "-0", " 1", "1 ", "0x1",
                "1e3", "\u0661", "\uFF11", "1\0", "\0", "9223372036854775808", "-9223372036854775808", "1/../2",
                "latest", "v1", "1" + "0".repeat(5000));
        for (String version : invalid) {
            addVersion(group, version, Set.of(Code.INVALID_ARGUMENT), List.of(shown(version).isEmpty() ? "version"
                    : shown(version)));
        }
        for (String version : List.of("7", "9223372036854775807")) {
            addVersion(group, version, Set.of(Code.NOT_FOUND), List.of(version));
        }
    }

    private void addVersion(Group group, String version, Set<Code> codes, List<String> names) {
        String label = "'" + printable(version) + "'";
        ModelInferRequest request = valid().toBuilder().setModelVersion(version).build();
        cases.add(new Case(group.label(), label + " ModelInfer", codes, names, w -> w.infer(request)));
        cases.add(new Case(group.label(), label + " ModelStreamInfer", codes, names, w -> w.stream(request)));
        cases.add(new Case(group.label(), label + " ModelMetadata", codes, names, w -> w.metadata(MODEL, version)));
        cases.add(new Case(group.label(), label + " ModelReady", codes, names, w -> w.ready(MODEL, version)));
        cases.add(new Case(group.label(), label + " ModelConfig", codes, names, w -> w.config(MODEL, version)));
        cases.add(new Case(group.label(), label + " ModelStatistics", codes, names,
                w -> w.statistics(MODEL, version)));
    }

    // ---- bytes ----

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** Sequences that are no valid protobuf of any of the methods' request types. */
    private static List<Object[]> craftedMalformed() {
        byte[] deepGroups = new byte[400];
        for (int i = 0; i < 200; i++) {
            deepGroups[2 * i] = (byte) 0xA3; // field 100, start group
            deepGroups[2 * i + 1] = 0x06;
        }
        byte[] closing = new byte[400];
        for (int i = 0; i < 200; i++) {
            closing[2 * i] = (byte) 0xA4; // field 100, end group
            closing[2 * i + 1] = 0x06;
        }
        byte[] endlessGroups = new byte[20_000];
        for (int i = 0; i < 10_000; i++) {
            endlessGroups[2 * i] = (byte) 0xA3;
            endlessGroups[2 * i + 1] = 0x06;
        }
        byte[] longVarint = concat(bytes(0x98, 0x06), bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                0xFF, 0xFF), bytes(0x01));
        return List.of(
                new Object[] {"tag 0", bytes(0x00)},
                new Object[] {"end group without start", bytes(0x0C)},
                new Object[] {"start group never ended", bytes(0x0B)},
                new Object[] {"wire type 6", bytes(0x0E, 0x01)},
                new Object[] {"wire type 7", bytes(0x0F, 0x01)},
                new Object[] {"11-byte varint", longVarint},
                new Object[] {"length past the end", bytes(0x0A, 0x7F, 'a', 'b')},
                new Object[] {"length 2^31-1", bytes(0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 'a')},
                new Object[] {"negative length", bytes(0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                        0x01, 'a')},
                new Object[] {"invalid UTF-8 in field 1", bytes(0x0A, 0x02, 0xC3, 0x28)},
                new Object[] {"overlong UTF-8 '/' in field 1", bytes(0x0A, 0x02, 0xC0, 0xAF)},
                new Object[] {"UTF-8 surrogate in field 1", bytes(0x0A, 0x03, 0xED, 0xA0, 0x80)},
                new Object[] {"200 nested groups", concat(deepGroups, closing)},
                new Object[] {"10000 unclosed groups", endlessGroups},
                new Object[] {"field 0 length-delimited", bytes(0x02, 0x00)},
                new Object[] {"field number past 2^29", bytes(0x82, 0x80, 0x80, 0x80, 0x10, 0x00)},
                new Object[] {"truncated tag varint", bytes(0x80)},
                new Object[] {"valid field then tag 0", bytes(0x0A, 0x01, 'a', 0x00)});
    }

    /** Sequences valid as outer messages with malformed ModelInferRequest sub-messages. */
    private static List<Object[]> craftedInferMalformed() {
        return List.of(
                new Object[] {"input with garbage", bytes(0x2A, 0x03, 0xFF, 0xFF, 0xFF)},
                new Object[] {"input name invalid UTF-8", bytes(0x2A, 0x04, 0x0A, 0x02, 0xC3, 0x28)},
                new Object[] {"input packed shape with a cut varint", bytes(0x2A, 0x04, 0x1A, 0x02, 0xFF, 0xFF)},
                new Object[] {"parameter entry length past the end", bytes(0x22, 0x02, 0x0A, 0x05)},
                new Object[] {"parameter value with wire type 7", bytes(0x22, 0x06, 0x0A, 0x01, 'k', 0x12, 0x01,
                        0x0F)},
                new Object[] {"contents with a cut fp32", bytes(0x2A, 0x05, 0x2A, 0x03, 0x35, 0x00, 0x00)});
    }

    private record Method(String name, MethodType type, Parser<?> parser, byte[] valid) {
    }

    private void malformed() throws Exception {
        Group group = Group.MALFORMED_PROTOBUF;
        byte[] infer = valid().toBuilder().putParameters("priority", InferParameter.newBuilder().setInt64Param(1)
                .build()).addOutputs(InferRequestedOutputTensor.newBuilder().setName("OUTPUT0")).build()
                .toByteArray();
        List<Method> methods = List.of(
                new Method("ModelInfer", MethodType.UNARY, ModelInferRequest.parser(), infer),
                new Method("ModelStreamInfer", MethodType.BIDI_STREAMING, ModelInferRequest.parser(), infer),
                new Method("ModelMetadata", MethodType.UNARY, ModelMetadataRequest.parser(),
                        ModelMetadataRequest.newBuilder().setName(MODEL).setVersion("1").build().toByteArray()),
                new Method("RepositoryModelLoad", MethodType.UNARY, RepositoryModelLoadRequest.parser(),
                        RepositoryModelLoadRequest.newBuilder().setModelName(MODEL).putParameters("config",
                                ModelRepositoryParameter.newBuilder().setStringParam("{}").build()).build()
                                .toByteArray()));
        Random random = new Random(20240601);
        for (Method method : methods) {
            List<Object[]> sequences = new ArrayList<>(craftedMalformed());
            if (method.parser() == ModelInferRequest.parser()) {
                sequences.addAll(craftedInferMalformed());
            }
            for (int cut : new int[] {1, 2, 3, 5, 8, 13, 21, 34, 55, 89}) {
                if (cut < method.valid().length) {
                    sequences.add(new Object[] {"cut at " + cut + " of " + method.valid().length,
                        Arrays.copyOf(method.valid(), cut)});
                }
            }
            sequences.add(new Object[] {"last byte cut", Arrays.copyOf(method.valid(), method.valid().length - 1)});
            for (int length : new int[] {1, 2, 3, 7, 16, 64, 255, 1024, 4096, 65536}) {
                byte[] garbage = new byte[length];
                random.nextBytes(garbage);
                sequences.add(new Object[] {length + " random bytes", garbage});
            }
            for (Object[] sequence : sequences) {
                addRaw(group, method, (String) sequence[0], (byte[]) sequence[1]);
            }
        }
    }

    private void addRaw(Group group, Method method, String label, byte[] message) throws Exception {
        String name = method.name() + " " + label;
        Object parsed;
        try {
            parsed = method.parser().parseFrom(message);
        } catch (InvalidProtocolBufferException e) {
            cases.add(new Case(group.label(), name, Set.of(Code.INVALID_ARGUMENT),
                    List.of("malformed " + method.name() + " request"), w -> w.raw(method.name(), method.type(),
                            message)));
            return;
        }
        // the bytes are a message after all: the raw call must end exactly as the typed call with it does
        Outcome typed = switch (method.name()) {
            case "ModelInfer" -> wire.infer((ModelInferRequest) parsed);
            case "ModelStreamInfer" -> wire.stream((ModelInferRequest) parsed);
            case "ModelMetadata" -> wire.metadata(((ModelMetadataRequest) parsed).getName(),
                    ((ModelMetadataRequest) parsed).getVersion());
            default -> wire.load((RepositoryModelLoadRequest) parsed);
        };
        cases.add(new Case(group.label(), name + " (parses; as typed: " + typed.code() + ")", Set.of(typed.code()),
                typed.message().isEmpty() ? List.of() : List.of(typed.message()),
                w -> w.raw(method.name(), method.type(), message)));
    }

    private void oversized() {
        Group group = Group.OVERSIZED_MESSAGES;
        for (String method : List.of("ModelInfer", "ModelStreamInfer", "ModelMetadata", "ServerLive")) {
            for (int declared : new int[] {Integer.MIN_VALUE, 0x80000001, 0xC0000000, 0xFFFFFFFE, 0xFFFFFFFF}) {
                for (int body : new int[] {0, 1024}) {
                    cases.add(new Case(group.label(), method + " declaring " + Integer.toUnsignedString(declared)
                            + " bytes, sending " + body, Set.of(Code.RESOURCE_EXHAUSTED),
                            List.of("exceeds maximum size"), w -> w.frames(method, declared, new byte[body])));
                }
            }
        }
    }

    private void loadFilePaths() {
        Group group = Group.LOAD_FILE_PATHS;
        String config = "{\"backend\":\"identity\",\"input\":[{\"name\":\"INPUT0\",\"data_type\":\"TYPE_STRING\","
                + "\"dims\":[-1]}],\"output\":[{\"name\":\"OUTPUT0\",\"data_type\":\"TYPE_STRING\",\"dims\":[-1]}]}";
        for (String path : List.of("../../../tmp/hostile", "/etc/passwd", "/tmp/hostile", "1/../../hostile",
                "1/../../../hostile", "..\\hostile", "1\\..\\..\\hostile", "1/\0hostile", "0/model", "model.onnx", "",
                ".", "1/..", "-1/model", "99999999999999999999/model", "C:/hostile", "%2e%2e/%2e%2e/hostile")) {
            RepositoryModelLoadRequest request = RepositoryModelLoadRequest.newBuilder().setModelName("hostile_files")
                    .putParameters("config", ModelRepositoryParameter.newBuilder().setStringParam(config).build())
                    .putParameters("file:" + path, ModelRepositoryParameter.newBuilder()
                            .setBytesParam(ByteString.copyFromUtf8("x")).build()).build();
            cases.add(new Case(group.label(), "file '" + printable(path) + "'", Set.of(Code.INVALID_ARGUMENT),
                    List.of("file path"), w -> w.load(request)));
        }
        for (String name : List.of("..", "../hostile", "/tmp/hostile", "a/b", "hostile\0")) {
            RepositoryModelLoadRequest request = RepositoryModelLoadRequest.newBuilder().setModelName(name)
                    .putParameters("config", ModelRepositoryParameter.newBuilder().setStringParam(config).build())
                    .putParameters("file:1/model.txt", ModelRepositoryParameter.newBuilder()
                            .setBytesParam(ByteString.copyFromUtf8("x")).build()).build();
            cases.add(new Case(group.label(), "model '" + printable(name) + "' with files",
                    Set.of(Code.INVALID_ARGUMENT), List.of("invalid model name"), w -> w.load(request)));
        }
    }

    /** A label for a hostile string: control characters escaped, long ones shortened. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (out.length() > 40) {
                return out + "...(" + text.length() + " chars)";
            }
            out.append(c < 0x20 || c == 0x7F ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.toString();
    }
}
