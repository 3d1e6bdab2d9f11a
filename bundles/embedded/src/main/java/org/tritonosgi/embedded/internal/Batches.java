package org.tritonosgi.embedded.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tritonosgi.api.DataType;
import org.tritonosgi.api.InferenceRequest;
import org.tritonosgi.api.Tensor;
import org.tritonosgi.api.TritonException;

/**
 * Merges requests of one model into one batch along the first dimension, and splits the batch's outputs back.
 * Row-major layout makes both a matter of concatenating and slicing bytes.
 */
final class Batches {

    private Batches() {
    }

    /**
     * Whether two requests can share a batch: same inputs, datatypes and shapes but the batch dimension, and not
     * two requests of one sequence (correlation ids are otherwise no obstacle, as in Triton's batchers).
     */
    static boolean compatible(InferenceRequest a, InferenceRequest b) {
        if (a.inputs().size() != b.inputs().size() || !a.outputs().equals(b.outputs())
                || a.sequenceId() != null && a.sequenceId().equals(b.sequenceId())) {
            return false;
        }
        for (Tensor left : a.inputs()) {
            Tensor right = b.input(left.name());
            if (right == null || right.dataType() != left.dataType()) {
                return false;
            }
            long[] l = left.shape();
            long[] r = right.shape();
            if (l.length != r.length || !Arrays.equals(l, 1, l.length, r, 1, r.length)) {
                return false;
            }
        }
        return true;
    }

    /** One request holding every job's inputs, one after another along the batch dimension. */
    static InferenceRequest merge(List<Job> jobs) {
        InferenceRequest first = jobs.get(0).request;
        InferenceRequest.Builder merged = InferenceRequest.builder();
        first.outputs().forEach(merged::output);
        first.parameters().forEach(merged::parameter);
        for (Tensor input : first.inputs()) {
            int size = 0;
            long rows = 0;
            for (Job job : jobs) {
                Tensor part = job.request.input(input.name());
                size = Math.addExact(size, part.byteSize());
                rows += part.shape()[0];
            }
            ByteBuffer data = ByteBuffer.allocateDirect(size).order(ByteOrder.LITTLE_ENDIAN);
            for (Job job : jobs) {
                data.put(job.request.input(input.name()).data());
            }
            long[] shape = input.shape();
            shape[0] = rows;
            merged.input(new Tensor(input.name(), input.dataType(), shape, data.flip()));
        }
        return merged.build();
    }

    /** Each job's rows of each output, in the jobs' order. */
    static List<List<Tensor>> split(List<Tensor> outputs, List<Job> jobs) {
        long total = jobs.stream().mapToLong(job -> job.batchSize).sum();
        List<List<Tensor>> parts = new ArrayList<>();
        jobs.forEach(job -> parts.add(new ArrayList<>()));
        for (Tensor output : outputs) {
            long[] shape = output.shape();
            if (shape.length == 0 || shape[0] != total) {
                throw new TritonException(TritonException.Code.INTERNAL, "output '" + output.name()
                        + "' of a batch of " + total + " has shape " + Arrays.toString(shape));
            }
            ByteBuffer data = output.data();
            long elementsPerRow = output.elementCount() / Math.max(1, total);
            int offset = 0;
            for (int j = 0; j < jobs.size(); j++) {
                long rows = jobs.get(j).batchSize;
                int length = output.dataType() == DataType.BYTES
                        ? bytesOfElements(data, offset, rows * elementsPerRow)
                        : Math.toIntExact(rows * elementsPerRow * output.dataType().elementSize());
                long[] partShape = shape.clone();
                partShape[0] = rows;
                ByteBuffer slice = data.duplicate().position(offset).limit(offset + length).slice()
                        .order(ByteOrder.LITTLE_ENDIAN);
                parts.get(j).add(new Tensor(output.name(), output.dataType(), partShape, slice));
                offset += length;
            }
        }
        return parts;
    }

    private static int bytesOfElements(ByteBuffer data, int offset, long elements) {
        int position = offset;
        for (long i = 0; i < elements; i++) {
            position += 4 + data.getInt(position);
        }
        return position - offset;
    }
}
