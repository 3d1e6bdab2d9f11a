package org.tritonosgi.api;

/** Triton's tensor datatypes, with their protocol names, element sizes and model-config enum values. */
public enum DataType {
    BOOL(1, org.tritonosgi.api.config.DataType.TYPE_BOOL),
    UINT8(1, org.tritonosgi.api.config.DataType.TYPE_UINT8),
    UINT16(2, org.tritonosgi.api.config.DataType.TYPE_UINT16),
    UINT32(4, org.tritonosgi.api.config.DataType.TYPE_UINT32),
    UINT64(8, org.tritonosgi.api.config.DataType.TYPE_UINT64),
    INT8(1, org.tritonosgi.api.config.DataType.TYPE_INT8),
    INT16(2, org.tritonosgi.api.config.DataType.TYPE_INT16),
    INT32(4, org.tritonosgi.api.config.DataType.TYPE_INT32),
    INT64(8, org.tritonosgi.api.config.DataType.TYPE_INT64),
    FP16(2, org.tritonosgi.api.config.DataType.TYPE_FP16),
    BF16(2, org.tritonosgi.api.config.DataType.TYPE_BF16),
    FP32(4, org.tritonosgi.api.config.DataType.TYPE_FP32),
    FP64(8, org.tritonosgi.api.config.DataType.TYPE_FP64),
    /** Variable-length elements: each is a 4-byte little-endian length followed by that many bytes. */
    BYTES(0, org.tritonosgi.api.config.DataType.TYPE_STRING);

    private final int elementSize;
    private final org.tritonosgi.api.config.DataType configType;

    DataType(int elementSize, org.tritonosgi.api.config.DataType configType) {
        this.elementSize = elementSize;
        this.configType = configType;
    }

    /** Bytes per element, or 0 for {@link #BYTES}, whose elements vary in size. */
    public int elementSize() {
        return elementSize;
    }

    /** Whether elements have a fixed size (every type but {@link #BYTES}). */
    public boolean isFixedSize() {
        return elementSize > 0;
    }

    /** The model-config enum value ({@code TYPE_FP32}, {@code TYPE_STRING} for BYTES, ...). */
    public org.tritonosgi.api.config.DataType configType() {
        return configType;
    }

    /**
     * The datatype with this protocol name ({@code "FP32"}, {@code "BYTES"}), case-sensitive as in Triton.
     *
     * @throws TritonException INVALID_ARG naming the unknown datatype
     */
    public static DataType parse(String protocolName) {
        if (protocolName != null) {
            for (DataType type : values()) {
                if (type.name().equals(protocolName)) {
                    return type;
                }
            }
        }
        throw new TritonException(TritonException.Code.INVALID_ARG,
                "invalid datatype '" + protocolName + "', expected one of BOOL, UINT8, UINT16, UINT32, UINT64, "
                        + "INT8, INT16, INT32, INT64, FP16, BF16, FP32, FP64, BYTES");
    }

    /**
     * The datatype for a model-config enum value.
     *
     * @throws TritonException INVALID_ARG for {@code TYPE_INVALID} or an unrecognised value
     */
    public static DataType fromConfig(org.tritonosgi.api.config.DataType configType) {
        for (DataType type : values()) {
            if (type.configType == configType) {
                return type;
            }
        }
        throw new TritonException(TritonException.Code.INVALID_ARG,
                "model configuration data_type " + configType + " has no tensor datatype");
    }
}

