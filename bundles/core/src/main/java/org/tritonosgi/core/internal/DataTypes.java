package org.tritonosgi.core.internal;

import org.tritonosgi.api.DataType;
import org.tritonosgi.api.TritonException;

/** TRITONSERVER_DataType numbers (c-api.md section 2) to and from the API's {@link DataType}. */
final class DataTypes {

    private static final DataType[] BY_CODE = {null, DataType.BOOL, DataType.UINT8, DataType.UINT16,
        DataType.UINT32, DataType.UINT64, DataType.INT8, DataType.INT16, DataType.INT32, DataType.INT64,
        DataType.FP16, DataType.FP32, DataType.FP64, DataType.BYTES, DataType.BF16};

    private DataTypes() {
    }

    static int code(DataType type) {
        for (int code = 1; code < BY_CODE.length; code++) {
            if (BY_CODE[code] == type) {
                return code;
            }
        }
        throw TritonException.invalidArg("datatype " + type + " has no TRITONSERVER_DataType");
    }

    static DataType fromCode(int code) {
        if (code <= 0 || code >= BY_CODE.length) {
            throw new TritonException(TritonException.Code.INTERNAL, "libtritonserver returned datatype " + code);
        }
        return BY_CODE[code];
    }
}
