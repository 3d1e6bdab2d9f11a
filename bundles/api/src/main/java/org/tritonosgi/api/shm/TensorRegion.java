package org.tritonosgi.api.shm;

import org.tritonosgi.api.TritonException;

/**
 * Where one input is read from or one output is written to: the {@code shared_memory_region},
 * {@code shared_memory_offset} and {@code shared_memory_byte_size} parameters of a tensor.
 */
public record TensorRegion(String region, long offset, long byteSize) {

    /**
     * Checks the parameters as Triton does: a region needs its byte size; an offset alone, or a byte size alone,
     * is refused.
     *
     * @param tensor the tensor, as messages name it (e.g. "input 'INPUT0'")
     * @return the place, or null when no parameter is given
     * @throws TritonException INVALID_ARG naming the tensor and the missing or negative parameter
     */
    public static TensorRegion of(String tensor, String region, Long offset, Long byteSize) {
        if (region == null) {
            if (offset != null || byteSize != null) {
                throw TritonException.invalidArg(tensor + ": 'shared_memory_offset' and 'shared_memory_byte_size' "
                        + "need 'shared_memory_region'");
            }
            return null;
        }
        if (byteSize == null) {
            throw TritonException.invalidArg(tensor + ": 'shared_memory_region' needs 'shared_memory_byte_size'");
        }
        if (byteSize < 0 || offset != null && offset < 0) {
            throw TritonException.invalidArg(tensor + ": 'shared_memory_offset' and 'shared_memory_byte_size' must "
                    + "not be negative");
        }
        return new TensorRegion(region, offset == null ? 0 : offset, byteSize);
    }
}
