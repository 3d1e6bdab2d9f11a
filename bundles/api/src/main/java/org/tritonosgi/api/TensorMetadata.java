package org.tritonosgi.api;

import java.util.List;

/**
 * An input or output as model metadata describes it.
 *
 * @param shape the full shape a request uses: {@code -1} for variable dimensions, led by {@code -1} for the batch
 *              when the model batches
 */
public record TensorMetadata(String name, DataType dataType, List<Long> shape) {

    public TensorMetadata {
        shape = List.copyOf(shape);
    }
}
