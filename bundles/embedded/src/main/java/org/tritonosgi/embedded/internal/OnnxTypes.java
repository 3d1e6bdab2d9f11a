package org.tritonosgi.embedded.internal;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo.OnnxTensorType;
import java.util.EnumMap;
import java.util.Map;
import org.tritonosgi.api.DataType;

/** How Triton datatypes meet ONNX element types and ONNX Runtime for Java's buffer types. */
final class OnnxTypes {

    private static final Map<DataType, OnnxTensorType> ELEMENT = new EnumMap<>(DataType.class);
    private static final Map<DataType, OnnxJavaType> JAVA = new EnumMap<>(DataType.class);

    static {
        ELEMENT.put(DataType.BOOL, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL);
        ELEMENT.put(DataType.UINT8, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8);
        ELEMENT.put(DataType.UINT16, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16);
        ELEMENT.put(DataType.UINT32, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32);
        ELEMENT.put(DataType.UINT64, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64);
        ELEMENT.put(DataType.INT8, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8);
        ELEMENT.put(DataType.INT16, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16);
        ELEMENT.put(DataType.INT32, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32);
        ELEMENT.put(DataType.INT64, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64);
        ELEMENT.put(DataType.FP16, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16);
        ELEMENT.put(DataType.BF16, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16);
        ELEMENT.put(DataType.FP32, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT);
        ELEMENT.put(DataType.FP64, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE);
        ELEMENT.put(DataType.BYTES, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING);
        JAVA.put(DataType.BOOL, OnnxJavaType.BOOL);
        JAVA.put(DataType.UINT8, OnnxJavaType.UINT8);
        JAVA.put(DataType.INT8, OnnxJavaType.INT8);
        JAVA.put(DataType.INT16, OnnxJavaType.INT16);
        JAVA.put(DataType.INT32, OnnxJavaType.INT32);
        JAVA.put(DataType.INT64, OnnxJavaType.INT64);
        JAVA.put(DataType.FP16, OnnxJavaType.FLOAT16);
        JAVA.put(DataType.BF16, OnnxJavaType.BFLOAT16);
        JAVA.put(DataType.FP32, OnnxJavaType.FLOAT);
        JAVA.put(DataType.FP64, OnnxJavaType.DOUBLE);
        JAVA.put(DataType.BYTES, OnnxJavaType.STRING);
    }

    private OnnxTypes() {
    }

    /** The Triton datatype of an ONNX element type, or null when Triton has none (complex, 8-bit floats). */
    static DataType dataType(OnnxTensorType element) {
        for (Map.Entry<DataType, OnnxTensorType> entry : ELEMENT.entrySet()) {
            if (entry.getValue() == element) {
                return entry.getKey();
            }
        }
        return null;
    }

    /** The ONNX element type of a Triton datatype. */
    static OnnxTensorType element(DataType type) {
        return ELEMENT.get(type);
    }

    /** The buffer type ONNX Runtime for Java takes for a Triton datatype, or null when it has none (UINT16-64). */
    static OnnxJavaType javaType(DataType type) {
        return JAVA.get(type);
    }
}
