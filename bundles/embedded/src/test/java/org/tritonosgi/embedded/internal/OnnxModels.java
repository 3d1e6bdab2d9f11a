package org.tritonosgi.embedded.internal;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.tritonosgi.embedded.internal.onnx.OnnxProto.GraphProto;
import org.tritonosgi.embedded.internal.onnx.OnnxProto.ModelProto;
import org.tritonosgi.embedded.internal.onnx.OnnxProto.NodeProto;
import org.tritonosgi.embedded.internal.onnx.OnnxProto.OperatorSetIdProto;
import org.tritonosgi.embedded.internal.onnx.OnnxProto.TensorProto;
import org.tritonosgi.embedded.internal.onnx.OnnxProto.TensorShapeProto;
import org.tritonosgi.embedded.internal.onnx.OnnxProto.TypeProto;
import org.tritonosgi.embedded.internal.onnx.OnnxProto.ValueInfoProto;

/** Writes small ONNX models (Identity, Add, MatMul) of any element type and shape for tests. */
final class OnnxModels {

    /** ONNX TensorProto.DataType values by Triton datatype name. */
    static final Map<String, Integer> ELEMENT = Map.ofEntries(Map.entry("FP32", 1), Map.entry("UINT8", 2),
            Map.entry("INT8", 3), Map.entry("UINT16", 4), Map.entry("INT16", 5), Map.entry("INT32", 6),
            Map.entry("INT64", 7), Map.entry("BYTES", 8), Map.entry("BOOL", 9), Map.entry("FP16", 10),
            Map.entry("FP64", 11), Map.entry("UINT32", 12), Map.entry("UINT64", 13), Map.entry("BF16", 16));

    private OnnxModels() {
    }

    /** A value of the element type and shape; a negative dimension is symbolic ("d0", "d1", ...). */
    static ValueInfoProto value(String name, int element, long... shape) {
        TensorShapeProto.Builder dims = TensorShapeProto.newBuilder();
        for (int i = 0; i < shape.length; i++) {
            dims.addDim(shape[i] < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("d" + i)
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(shape[i]));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(element).setShape(dims))).build();
    }

    static ModelProto model(GraphProto.Builder graph) {
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("tritonosgi-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(graph.setName("test")).build();
    }

    /** OUTPUT0 = Identity(INPUT0). */
    static ModelProto identity(int element, long... shape) {
        return model(GraphProto.newBuilder()
                .addNode(NodeProto.newBuilder().setOpType("Identity").addInput("INPUT0").addOutput("OUTPUT0"))
                .addInput(value("INPUT0", element, shape)).addOutput(value("OUTPUT0", element, shape)));
    }

    /** SUM = Add(A, B), FP32. */
    static ModelProto add(long... shape) {
        return model(GraphProto.newBuilder()
                .addNode(NodeProto.newBuilder().setOpType("Add").addInput("A").addInput("B").addOutput("SUM"))
                .addInput(value("A", 1, shape)).addInput(value("B", 1, shape)).addOutput(value("SUM", 1, shape)));
    }

    /** Y = MatMul(X, W) with X [batch, 2] and the constant W = [[1, 2], [3, 4]], FP32. */
    static ModelProto matMul() {
        ByteBuffer weights = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        weights.putFloat(1).putFloat(2).putFloat(3).putFloat(4);
        return model(GraphProto.newBuilder()
                .addNode(NodeProto.newBuilder().setOpType("MatMul").addInput("X").addInput("W").addOutput("Y"))
                .addInitializer(TensorProto.newBuilder().setName("W").setDataType(1).addDims(2).addDims(2)
                        .setRawData(ByteString.copyFrom(weights.array())))
                .addInput(value("X", 1, -1, 2)).addOutput(value("Y", 1, -1, 2)));
    }

    /** Writes the model as {@code <repo>/<name>/<version>/model.onnx}, with config.pbtxt when one is given. */
    static Path write(Path repository, String name, ModelProto model, String config, long version) {
        try {
            Path versionDir = Files.createDirectories(repository.resolve(name).resolve(Long.toString(version)));
            Files.write(versionDir.resolve("model.onnx"), model.toByteArray());
            if (config != null) {
                Files.writeString(repository.resolve(name).resolve("config.pbtxt"), config);
            }
            return versionDir.getParent();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
