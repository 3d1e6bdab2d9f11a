package org.tritonosgi.grpc.internal;

import java.util.List;
import org.tritonosgi.api.InferenceServer;
import org.tritonosgi.api.ModelIndexEntry;
import org.tritonosgi.api.frontend.Extensions;
import org.tritonosgi.api.ModelMetadata;
import org.tritonosgi.api.ServerMetadata;
import org.tritonosgi.api.StatDuration;
import org.tritonosgi.api.TensorMetadata;
import org.tritonosgi.grpc.internal.proto.InferBatchStatistics;
import org.tritonosgi.grpc.internal.proto.InferStatistics;
import org.tritonosgi.grpc.internal.proto.ModelMetadataResponse;
import org.tritonosgi.grpc.internal.proto.ModelStatistics;
import org.tritonosgi.grpc.internal.proto.RepositoryIndexResponse;
import org.tritonosgi.grpc.internal.proto.ServerMetadataResponse;
import org.tritonosgi.grpc.internal.proto.StatisticDuration;

/** Turns the API's metadata, statistics and index records into their gRPC messages. */
final class Messages {

    private Messages() {
    }

    static ServerMetadataResponse serverMetadata(InferenceServer server) {
        ServerMetadata metadata = server.metadata();
        return ServerMetadataResponse.newBuilder().setName(metadata.name()).setVersion(metadata.version())
                .addAllExtensions(Extensions.served(server)).build();
    }

    static ModelMetadataResponse modelMetadata(ModelMetadata metadata) {
        ModelMetadataResponse.Builder message = ModelMetadataResponse.newBuilder().setName(metadata.name())
                .addAllVersions(metadata.versions()).setPlatform(metadata.platform());
        metadata.inputs().forEach(tensor -> message.addInputs(tensor(tensor)));
        metadata.outputs().forEach(tensor -> message.addOutputs(tensor(tensor)));
        return message.build();
    }

    private static ModelMetadataResponse.TensorMetadata tensor(TensorMetadata tensor) {
        return ModelMetadataResponse.TensorMetadata.newBuilder().setName(tensor.name())
                .setDatatype(tensor.dataType().name()).addAllShape(tensor.shape()).build();
    }

    static RepositoryIndexResponse.ModelIndex index(ModelIndexEntry entry) {
        return RepositoryIndexResponse.ModelIndex.newBuilder().setName(entry.name())
                .setVersion(entry.version() > 0 ? Long.toString(entry.version()) : "")
                .setState(entry.state().name()).setReason(entry.reason()).build();
    }

    static ModelStatistics statistics(org.tritonosgi.api.ModelStatistics stats) {
        var inference = stats.inference();
        ModelStatistics.Builder message = ModelStatistics.newBuilder()
                .setName(stats.name())
                .setVersion(Long.toString(stats.version()))
                .setLastInference(stats.lastInference())
                .setInferenceCount(stats.inferenceCount())
                .setExecutionCount(stats.executionCount())
                .setInferenceStats(InferStatistics.newBuilder()
                        .setSuccess(duration(inference.success()))
                        .setFail(duration(inference.fail()))
                        .setQueue(duration(inference.queue()))
                        .setComputeInput(duration(inference.computeInput()))
                        .setComputeInfer(duration(inference.computeInfer()))
                        .setComputeOutput(duration(inference.computeOutput()))
                        .setCacheHit(duration(inference.cacheHit()))
                        .setCacheMiss(duration(inference.cacheMiss())));
        for (var batch : stats.batches()) {
            message.addBatchStats(InferBatchStatistics.newBuilder().setBatchSize(batch.batchSize())
                    .setComputeInput(duration(batch.computeInput()))
                    .setComputeInfer(duration(batch.computeInfer()))
                    .setComputeOutput(duration(batch.computeOutput())));
        }
        return message.build();
    }

    private static StatisticDuration duration(StatDuration duration) {
        StatDuration d = duration == null ? StatDuration.ZERO : duration;
        return StatisticDuration.newBuilder().setCount(d.count()).setNs(d.ns()).build();
    }
}
